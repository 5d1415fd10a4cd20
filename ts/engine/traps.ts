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
export function classify(e: unknown, place: ErrorPlace, ..._v1: [fuelExhausted?: boolean]): WasGoError {
  // `_v1` is ignored: it was v1's "the i64 counter went negative" flag. Only
  // ts/isolate/worker-entry.ts still passes it (always false for v2 modules); drop it with that call.
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

/** Wasm frames from a V8 stack: `name@0xoffset`, innermost first. */
export function guestFrames(e: unknown): string[] {
  const stack = typeof (e as Error)?.stack === 'string' ? (e as Error).stack! : '';
  const frames: string[] = [];
  for (const m of stack.matchAll(/at (?:(\S+) )?\(?wasm:\/\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)\)?/g)) {
    frames.push(`${m[1] ?? `func${m[2]}`}@${m[3]}`);
    if (frames.length >= MAX_FRAMES * 4) break;
  }
  return frames.slice(0, MAX_FRAMES * 4);
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
