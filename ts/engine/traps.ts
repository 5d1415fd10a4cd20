import {
  BadConversionToInteger, BadSignature, GuestTrap, IndirectCallToNull, IntegerDivideByZero, IntegerOverflow,
  MemoryOutOfBounds, StackOverflow, TableOutOfBounds, UncaughtException, Unreachable, WasGoError, HostError,
  type ErrorPlace,
} from './errors';

type TrapClass = new (message: string, place?: ErrorPlace, options?: { cause?: unknown }) => WasGoError;

// V8's trap messages (checked on Node 20 / V8 11.3 and Chromium). V8 reports a null entry
// and a signature mismatch with one message; newer engines split them.
const TRAPS: [RegExp, TrapClass][] = [
  [/^unreachable/, Unreachable],
  [/memory access out of bounds|out of bounds memory access/, MemoryOutOfBounds],
  [/table index is out of bounds|table access out of bounds|out of bounds table access/, TableOutOfBounds],
  [/null function|uninitialized element/, IndirectCallToNull],
  [/signature mismatch|indirect call type mismatch/, BadSignature],
  [/divide by zero|remainder by zero/, IntegerDivideByZero],
  [/divide result unrepresentable|integer overflow/, IntegerOverflow],
  [/float unrepresentable|invalid conversion to integer/, BadConversionToInteger],
];

const MAX_FRAMES = 16;

/**
 * Maps anything a guest call threw to one WasGoError class with a stable code. Fuel and time
 * never arrive as a trap (contract v2: the refill import throws OutOfFuel / Timeout, a WasGoError),
 * so a guest `unreachable` is always Unreachable.
 */
export function classify(e: unknown, place: ErrorPlace): WasGoError {
  if (e instanceof WasGoError) return e.at(place);
  const guestStack = guestFrames(e);
  const full: ErrorPlace = guestStack.length ? { ...place, guestStack } : place;
  if (e instanceof WebAssembly.RuntimeError) {
    const hit = TRAPS.find(([re]) => re.test(e.message));
    return hit ? new hit[1](e.message, full, { cause: e }) : new GuestTrap(e.message, full, { cause: e });
  }
  if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception) {
    return new UncaughtException('a guest exception (wasm throw) left the guest uncaught', full, { cause: e });
  }
  if (isStackOverflow(e)) {
    return new StackOverflow('the guest exhausted the call stack (unbounded recursion?)', { ...full, guestStack: collapse(guestStack) }, { cause: e });
  }
  return new HostError(`unexpected host failure: ${(e as Error)?.message ?? String(e)}`, full, { cause: e });
}

/**
 * How the fuel pass moved a module's functions (fuel contract v2): the refill import is function
 * `importedFunctions`, every defined function moved up by one, and the pass's own helpers come
 * after the `definedFunctions` of the module. Registered per instance, so guest stacks name the
 * module's own function indices and leave WasGo's helpers out.
 */
export interface FrameMap {
  importedFunctions: number;
  definedFunctions: number;
}

const frameMaps = new WeakMap<object, FrameMap>();

/**
 * Guest frames of the instance with these exports are reported in the indices of the module as
 * built (see FrameMap). Keyed by `instance.exports`: the linker's bindInstance has it, inline and
 * in a worker, and a wasm call site's `getThis()` is the instance.
 */
export function registerFrames(exports: WebAssembly.Exports, map: FrameMap | undefined): void {
  if (map) frameMaps.set(exports, map);
}

interface CallSite {
  getThis(): unknown;
  getFunctionName(): string | null;
  toString(): string;
}

function frameMapOf(site: CallSite): FrameMap | undefined {
  try {
    const exports = (site.getThis() as { exports?: unknown } | undefined)?.exports;
    return exports && typeof exports === 'object' ? frameMaps.get(exports) : undefined;
  } catch {
    return undefined;
  }
}

const WASM_FRAME = /wasm:\/\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)/;

/**
 * The structured call sites of `e`, if its stack was not formatted yet (V8 formats `stack` on
 * first read): read once under a hook that keeps the sites and formats the text as before (or as
 * the hook already installed does). Undefined when the stack is already a string.
 */
function callSites(e: object): CallSite[] | undefined {
  const E = Error as unknown as { prepareStackTrace?: (err: unknown, sites: CallSite[]) => unknown };
  const prev = E.prepareStackTrace;
  let sites: CallSite[] | undefined;
  E.prepareStackTrace = (err, s) => {
    if (err === e) sites = s;
    return prev ? prev(err, s) : `${formatHead(err)}${s.map((site) => `\n    at ${site}`).join('')}`;
  };
  try {
    void (e as { stack?: unknown }).stack;
  } catch {
    // a stack that cannot be read: no frames
  } finally {
    E.prepareStackTrace = prev;
  }
  return sites;
}

function formatHead(err: unknown): string {
  try {
    return String(err);
  } catch {
    return 'Error';
  }
}

/**
 * Captures the current stack's call sites cheaply (not formatted); `guestFrames` of the result
 * formats them later. Used where formatting now would be too slow (the meter's exhaustion).
 */
export function captureStack(): object {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = MAX_FRAMES * 4;
  try {
    Error.captureStackTrace(holder, captureStack);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder;
}

/**
 * Wasm frames from a V8 stack: `name@0xoffset`, innermost first. Function names come from the
 * name section; an unnamed function is `func<index>` in the module as built (the fuel pass's
 * index shift undone), and the fuel pass's own helper functions are left out.
 */
/** Longest function name kept in a guest frame: the name section may hold a 4 MiB name (10 frames of it made a 30M-character describe()). */
export const MAX_FRAME_NAME = 200;
const clipName = (n: string | null | undefined): string | undefined =>
  n == null ? undefined : n.length > MAX_FRAME_NAME ? `${n.slice(0, MAX_FRAME_NAME)}…` : n;

export function guestFrames(e: unknown): string[] {
  const frames: string[] = [];
  const sites = e !== null && typeof e === 'object' ? callSites(e) : undefined;
  if (sites) {
    for (const site of sites) {
      let text: string;
      try {
        text = String(site);
      } catch {
        continue;
      }
      const m = WASM_FRAME.exec(text);
      if (!m) continue;
      let index = Number(m[1]);
      const map = frameMapOf(site);
      if (map) {
        if (index > map.importedFunctions + map.definedFunctions) continue; // the fuel pass's helpers
        if (index > map.importedFunctions) index--;
      }
      frames.push(`${clipName(site.getFunctionName()) ?? `func${index}`}@${m[2]}`);
      if (frames.length >= MAX_FRAMES * 4) break;
    }
    return frames;
  }
  const stack = typeof (e as Error)?.stack === 'string' ? (e as Error).stack! : '';
  for (const m of stack.matchAll(/at (?:(\S+) )?\(?wasm:\/\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)\)?/g)) {
    frames.push(`${clipName(m[1]) ?? `func${m[2]}`}@${m[3]}`);
    if (frames.length >= MAX_FRAMES * 4) break;
  }
  return frames;
}

/** Recursion repeats one frame thousands of times; keep the first few. */
function collapse(frames: string[]): string[] {
  return frames.slice(0, MAX_FRAMES);
}

/**
 * The JS stack ran out: V8's RangeError, or the SyntaxError a regular expression compiled that
 * close to the limit throws. Checked with `includes` (a regex could overflow again here).
 */
export function isStackOverflow(e: unknown): boolean {
  if (!(e instanceof RangeError || e instanceof SyntaxError)) return false;
  const m = typeof e.message === 'string' ? e.message : '';
  return m.includes('call stack') || m.includes('Stack overflow') || m.includes('stack overflow');
}
