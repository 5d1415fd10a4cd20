/**
 * Differential fuzzing of the rewriter: binaryen's `wasm-opt --translate-to-fuzz` turns seed
 * bytes into a random valid module (features limited to what WasGo accepts); every export runs
 * with deterministic arguments in the module as written and as rewritten
 * (tests/conformance/adapter.ts), and results, traps, host-call logs, memory, globals and
 * tables must be identical. The rewritten run also records fuel used against time taken.
 *
 * The generator: the `binaryen` npm package ships wasm-opt as an Emscripten build
 * (node_modules/binaryen/bin/wasm-opt, a Node script). Its JS API (`binaryen.readBinary`, passes,
 * emitBinary) has no translate-to-fuzz, so the tool itself is used: loaded once into this process
 * and its `main` called per seed (~15 ms), falling back to one process per seed (~0.6 s) if the
 * script ever stops matching the two lines patched below.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { readModule } from '../../ts/wasm/module';
import { FuelMeter, rewrite } from './adapter';
import { exposeState, shapeOf, type ModuleShape, type Sig, type ValType } from './wasm-bin';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WASM_OPT = join(ROOT, 'node_modules/binaryen/bin/wasm-opt');

/**
 * WasGo's accepted features, as binaryen flags. Not fuzzed: exception handling (binaryen's
 * fuzzer emits the standard `try_table`/exnref form and requires GC-era reference types; WasGo
 * accepts the legacy form and Node 20 runs only that; legacy EH is covered by the spec suite).
 */
export const FEATURE_FLAGS = [
  '--mvp-features', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-bulk-memory',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', '--enable-simd', '--enable-tail-call',
];

/** Documented bound (docs/conformance.md): wall time per fuel unit in the rewritten module. */
export const NS_PER_UNIT_BOUND = 10;
/** Seeds whose timed guest work is shorter than this are too noisy to judge ns per unit. */
export const MIN_JUDGED_MS = 0.2;
/** ... or uses fewer units than this (a few calls of nothing is the call overhead, not guest code). */
export const MIN_JUDGED_UNITS = 20_000;
/** binaryen's hang limit in the timed passes (it generates 100). */
export const HANG = 5000;

/**
 * binaryen's hang-limit globals: defined mutable i32 globals initialised to 100 (exposed as
 * `__fz_g<index>` by exposeState). Raising one that is not a hang limit only changes the timed
 * passes, which are not compared.
 */
function hangLimitGlobals(bytes: Uint8Array, instance: WebAssembly.Instance): WebAssembly.Global[] {
  const m = readModule(bytes, 'fuzz');
  const gImp = m.imports.filter((i) => i.kind === 'global').length;
  const out: WebAssembly.Global[] = [];
  m.globals.forEach((g, i) => {
    if (g.type !== 'i32' || !g.mutable || g.init.length !== 4 || g.init[0] !== 0x41 || g.init[1] !== 0xe4 || g.init[2] !== 0x00) return;
    const x = instance.exports[`__fz_g${gImp + i}`];
    if (x instanceof WebAssembly.Global) out.push(x);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generator

interface WasmOpt { callMain(args: string[]): number }
let inProcess: WasmOpt | null | undefined;
let scratch: string | undefined;

async function loadWasmOpt(): Promise<WasmOpt | null> {
  try {
    let src = readFileSync(WASM_OPT, 'utf8');
    if (src.startsWith('#!')) src = `//${src}`;
    const a = 'var Module=typeof Module!="undefined"?Module:{};';
    const b = 'createWasm().then(()=>run());';
    if (!src.includes(a) || !src.includes(b)) return null;
    src = src.replace(a, 'var Module=__M;').replace(b, '__M.callMain=callMain;createWasm().then(()=>run());');
    const M: Record<string, unknown> = { noInitialRun: true, print: () => {}, printErr: () => {}, thisProgram: 'wasm-opt' };
    const ready = new Promise<void>((r) => { M.onRuntimeInitialized = r; });
    const fn = vm.runInThisContext(`(function(require, module, exports, __filename, __dirname, __M){${src}\n})`, { filename: WASM_OPT }) as
      (...a: unknown[]) => void;
    fn(createRequire(WASM_OPT), { exports: {} }, {}, WASM_OPT, dirname(WASM_OPT), M);
    await ready;
    return M as unknown as WasmOpt;
  } catch {
    return null;
  }
}

/** The seed's input bytes: a deterministic stream, 1-8 KiB (bigger input = bigger module). */
export function seedBytes(seed: number): Buffer {
  const size = 1024 * (1 + (seed % 8));
  const parts: Buffer[] = [];
  for (let k = 0; k * 32 < size; k++) parts.push(createHash('sha256').update(`wasgo-fuzz/${seed}/${k}`).digest());
  return Buffer.concat(parts).subarray(0, size);
}

/** Generations per in-process wasm-opt instance before a fresh one is loaded (its heap only grows). */
const RELOAD_EVERY = 400;
let generations = 0;

/** A random valid module for this seed. */
export async function generate(seed: number): Promise<Uint8Array<ArrayBuffer>> {
  if (inProcess && ++generations > RELOAD_EVERY) { inProcess = undefined; generations = 1; }
  if (inProcess === undefined) inProcess = await loadWasmOpt();
  scratch ??= mkdtempSync(join(tmpdir(), 'wasgo-fuzz-'));
  const input = join(scratch, 'in.bin');
  const output = join(scratch, 'out.wasm');
  writeFileSync(input, seedBytes(seed));
  rmSync(output, { force: true });
  const args = [input, '-ttf', ...FEATURE_FLAGS, '-o', output];
  if (inProcess) {
    // wasm-opt warns "no passes specified" on stderr (fd 2, written directly): keep the log clean.
    const fs = createRequire(WASM_OPT)('fs') as typeof import('node:fs');
    const writeSync = fs.writeSync;
    const stderr: string[] = [];
    (fs as { writeSync: unknown }).writeSync = (fd: number, ...rest: unknown[]) => {
      if (fd === 2) {
        const [buf, offset, length] = rest as [Uint8Array | string, number | undefined, number | undefined];
        if (typeof buf === 'string') { stderr.push(buf); return buf.length; }
        const n = length ?? buf.length - (offset ?? 0);
        if (stderr.length < 100) stderr.push(Buffer.from(buf.buffer, buf.byteOffset + (offset ?? 0), n).toString());
        return n;
      }
      return (writeSync as (...a: unknown[]) => number)(fd, ...rest);
    };
    try {
      const rc = inProcess.callMain(args);
      if (rc === 0) return new Uint8Array(readFileSync(output));
    } catch {
      // binaryen aborted (an assertion, or a crash inside its own wasm): its runtime is unusable now.
    } finally {
      (fs as { writeSync: unknown }).writeSync = writeSync;
    }
    inProcess = undefined;
    rmSync(output, { force: true });
  }
  try {
    execFileSync(process.execPath, [WASM_OPT, ...args], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new GeneratorError(`wasm-opt -ttf failed for seed ${seed}: ${(err.stderr?.toString() || err.message).split('\n').find((l) => l.trim())}`);
  }
  return new Uint8Array(readFileSync(output));
}

/** binaryen itself failed on a seed: not WasGo's problem, counted as skipped. */
export class GeneratorError extends Error {}

export function generatorMode(): string {
  return inProcess ? 'in-process wasm-opt' : 'wasm-opt subprocess';
}

// ---------------------------------------------------------------------------------------------
// Running one module

type Event = string;

interface Side {
  instance: WebAssembly.Instance | undefined;
  log: Event[];
  meter: FuelMeter | undefined;
  instantiation: string;
  /** Time spent in leaf host functions (logging etc.): the engine bills host calls itself. */
  hostMs: number;
  hostCalls: number;
  /** Guest time spent inside each active re-entrant host call (not host time). */
  inner: number[];
  /** A stack overflow was caught somewhere (by a *-catch import): depth differs legitimately. */
  exhausted: boolean;
  /** Traps/exceptions thrown or caught by the fuzz host imports (each costs V8 ~µs). */
  unwinds: number;
}

/**
 * Host calls per instance before every further one throws (uncatchable by call-export-catch):
 * a `call-export-catch` loop can otherwise undo binaryen's hang limit and run forever. The
 * count is deterministic, so both sides stop at the same point.
 */
const MAX_HOST_CALLS = 100_000;
class HostCallLimit extends Error {}

function zero(t: ValType): unknown {
  return t === 'i64' ? 0n : t === 'funcref' || t === 'externref' ? null : 0;
}

/** Deterministic arguments for call k of an export. */
function argsFor(sig: Sig, seed: number, k: number): unknown[] {
  return sig.params.map((t, i) => {
    const x = (seed * 31 + k * 17 + i * 7) % 5;
    const ints = [0, 1, -1, 0x7fffffff, 42];
    switch (t) {
      case 'i32': return ints[x];
      case 'i64': return BigInt(ints[x]!) * (x === 3 ? 0x100000001n : 1n);
      case 'f32': case 'f64': return [0, -0, 1.5, -Infinity, NaN][x];
      default: return null;
    }
  });
}

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function') return 'func';
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  return typeof v;
}

function outcome(f: () => unknown): string {
  try {
    return `ok ${show(f())}`;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return `trap ${e.message}`;
    if (e instanceof RangeError && /call stack/i.test(e.message)) return 'exhaustion';
    const err = e as Error;
    return `throw ${err?.name}: ${err?.message}`;
  }
}

function makeImports(shape: ModuleShape, side: Side, seed: number): Record<string, Record<string, unknown>> {
  const imports: Record<string, Record<string, unknown>> = {};
  const exportsOf = () => side.instance?.exports ?? {};
  const callExport = (index: number) => {
    const name = shape.funcExportOrder[index];
    if (name === undefined) throw new Error(`call-export: no export ${index}`);
    const sig = shape.funcExports.get(name);
    return guest(() => (exportsOf()[name] as (...a: unknown[]) => unknown)(...(sig ? sig.params.map(zero) : [])));
  };
  const limited = (f: (...a: unknown[]) => unknown) => (...a: unknown[]) => {
    if (++side.hostCalls > MAX_HOST_CALLS) throw new HostCallLimit('host call limit');
    return f(...a);
  };
  const rethrowLimit = (e: unknown) => {
    if (e instanceof HostCallLimit) throw e;
    side.unwinds++;
    if (e instanceof RangeError) side.exhausted = true;
  };
  /** Runs guest code from a host call, timing it as guest time. */
  const guest = <T>(f: () => T): T => {
    const t0 = performance.now();
    try { return f(); } finally { side.inner[side.inner.length - 1]! += performance.now() - t0; }
  };
  const host: Record<string, (...a: unknown[]) => unknown> = {
    'throw': (x) => { side.log.push(`throw ${show(x)}`); side.unwinds++; throw new Error(`fuzz throw ${show(x)}`); },
    'call-export': (i) => { side.log.push(`call-export ${show(i)}`); callExport(i as number); },
    'call-export-catch': (i) => {
      side.log.push(`call-export-catch ${show(i)}`);
      try { callExport(i as number); return 0; } catch (e) { rethrowLimit(e); return 1; }
    },
    'call-ref': (f) => { side.log.push('call-ref'); guest(() => (f as () => unknown)()); },
    'call-ref-catch': (f) => {
      side.log.push('call-ref-catch');
      try { guest(() => (f as () => unknown)()); return 0; } catch (e) { rethrowLimit(e); return 1; }
    },
    'table-get': (i) => {
      side.log.push(`table-get ${show(i)}`);
      const t = Object.values(exportsOf()).find((x) => x instanceof WebAssembly.Table) as WebAssembly.Table | undefined;
      return t ? t.get(i as number) : null;
    },
    'table-set': (i, v) => {
      side.log.push(`table-set ${show(i)}`);
      const t = Object.values(exportsOf()).find((x) => x instanceof WebAssembly.Table) as WebAssembly.Table | undefined;
      t?.set(i as number, v as never);
    },
    'sleep': (_ms, id) => { side.log.push(`sleep ${show(id)}`); return id; },
  };
  const reenters = new Set(['call-export', 'call-export-catch', 'call-ref', 'call-ref-catch']);
  for (const imp of shape.imports) {
    const m = (imports[imp.module] ??= {});
    if (imp.kind === 0) {
      const known = imp.module === 'fuzzing-support' ? host[imp.name] : undefined;
      const results = imp.sig?.results ?? [];
      const f = known ?? ((...a: unknown[]) => {
        side.log.push(`${imp.name}(${a.map(show).join(',')})`);
        return results.length === 0 ? undefined : results.length === 1 ? zero(results[0]!) : results.map(zero);
      });
      void reenters;
      // Host time = the call's own time (guest code it re-enters is guest time).
      m[imp.name] = limited((...a: unknown[]) => {
        side.inner.push(0);
        const t0 = performance.now();
        try { return f(...a); } finally { side.hostMs += performance.now() - t0 - side.inner.pop()!; }
      });
    } else if (imp.kind === 3 && imp.type && imp.type !== 'v128') {
      const v = imp.type === 'externref' ? EXTERN : imp.type === 'funcref' ? null : imp.type === 'i64' ? BigInt(seed % 100) : seed % 100;
      m[imp.name] = new WebAssembly.Global({ value: imp.type === 'funcref' ? 'anyfunc' : imp.type, mutable: !!imp.mutable } as WebAssembly.GlobalDescriptor, v as never);
    } else if (imp.kind === 2) {
      m[imp.name] = new WebAssembly.Memory({ initial: 1, maximum: 16 });
    } else if (imp.kind === 1) {
      m[imp.name] = new WebAssembly.Table({ element: 'anyfunc', initial: 10 });
    }
  }
  return imports;
}
const EXTERN = { extern: true };

function hash(x: Uint8Array): string {
  return createHash('sha256').update(x).digest('hex').slice(0, 16);
}

function snapshot(inst: WebAssembly.Instance, exposed: ReturnType<typeof exposeState>): string[] {
  const ex = inst.exports;
  const out: string[] = [];
  for (const m of exposed.memories) out.push(`${m}=${hash(new Uint8Array((ex[m] as WebAssembly.Memory).buffer))}`);
  for (const g of exposed.globals) out.push(`${g}=${outcome(() => (ex[g] as WebAssembly.Global).value)}`);
  for (const t of exposed.tables) {
    const tab = ex[t] as WebAssembly.Table;
    const cells: string[] = [];
    for (let i = 0; i < Math.min(tab.length, 1000); i++) cells.push(outcome(() => tab.get(i) === null ? 'null' : 'ref'));
    out.push(`${t}=len ${tab.length} ${hash(Buffer.from(cells.join('|')))}`);
  }
  return out;
}

export interface SeedResult {
  seed: number;
  bytes: Uint8Array<ArrayBuffer>;
  /** Empty when the rewritten module behaved like the original. */
  mismatches: string[];
  calls: number;
  fuel: number;
  /** Wall time of the timed pass of the rewritten module, minus per-call overhead. */
  ms: number;
  nsPerUnit: number | undefined;
  refused?: string;
  /** A stack overflow happened: compared up to there only. */
  exhausted?: boolean;
  /** Not run: why. */
  skipped?: string;
}

/** Per-call overhead of calling an export from JS (no timer read per call), measured once per process. */
let callOverheadMs: number | undefined;
function measureCallOverhead(): number {
  const bytes = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 4, 1, 2, 0, 11]);
  const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as () => void;
  for (let i = 0; i < 10000; i++) f();
  const n = 20000;
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t) / n;
}

/** Runs one generated module as written and as rewritten and compares everything observable. */
export function runModule(seed: number, generated: Uint8Array): SeedResult {
  callOverheadMs ??= measureCallOverhead();
  const exposed = exposeState(generated);
  const bytes = exposed.bytes;
  const shape = shapeOf(bytes);
  const result: SeedResult = { seed, bytes, mismatches: [], calls: 0, fuel: 0, ms: 0, nsPerUnit: undefined };
  if (!WebAssembly.validate(bytes)) {
    result.skipped = 'this engine rejects the generated module (WebAssembly.validate)';
    return result;
  }
  let prepared: Uint8Array<ArrayBuffer>;
  try {
    prepared = rewrite(bytes, `fuzz-${seed}`);
    rewrite(bytes, `fuzz-${seed}`, { metered: false }); // the unmetered path must accept it too
  } catch (e) {
    const err = e as { code?: string; message?: string };
    result.refused = `${err.code ?? 'Error'}: ${err.message}`;
    result.mismatches.push(`prepareModule refused a valid module: ${result.refused}`);
    return result;
  }
  const sides: Side[] = [0, 1].map(() => ({ instance: undefined, log: [], meter: undefined, instantiation: '', hostMs: 0, hostCalls: 0, inner: [], exhausted: false, unwinds: 0 }));
  const [orig, rewr] = sides as [Side, Side];
  const build = (side: Side, code: Uint8Array<ArrayBuffer>, metered: boolean) => {
    side.instantiation = outcome(() => {
      const module = new WebAssembly.Module(code);
      const imports = makeImports(shape, side, seed) as Record<string, unknown>;
      if (metered) { side.meter = new FuelMeter(); side.meter.link(module, imports); }
      const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
      // The rewritten side runs its deferred start function here; the fake imports must not see
      // the exports during it on either side (they cannot inside the original's instantiation).
      side.meter?.attach(instance);
      side.instance = instance;
      return undefined;
    });
  };
  build(orig, bytes, false);
  if (orig.instantiation.startsWith('throw CompileError')) {
    // binaryen occasionally emits an opcode this V8 lacks (e.g. 0xd4 ref.as_non_null without GC).
    result.skipped = `this engine rejects the generated module: ${orig.instantiation}`;
    return result;
  }
  build(rewr, prepared, true);
  if (orig.instantiation !== rewr.instantiation) {
    result.mismatches.push(`instantiation: original ${orig.instantiation}, rewritten ${rewr.instantiation}`);
    return result;
  }
  if (!orig.instance || !rewr.instance) return result;
  const names = shape.funcExportOrder.filter((n) => !n.startsWith('__wasgo'));
  // Comparison pass: every export twice, in order, on both sides.
  for (let k = 0; k < 2; k++) {
    for (const name of names) {
      const sig = shape.funcExports.get(name);
      if (!sig) continue;
      const args = argsFor(sig, seed, k);
      const before = [orig.log.length, rewr.log.length];
      orig.hostCalls = rewr.hostCalls = 0;
      const a = outcome(() => (orig.instance!.exports[name] as (...x: unknown[]) => unknown)(...args));
      const b = outcome(() => (rewr.instance!.exports[name] as (...x: unknown[]) => unknown)(...args));
      result.calls++;
      if (a === 'exhaustion' || b === 'exhaustion' || orig.exhausted || rewr.exhausted) {
        // Stack depth is not part of the semantics (the rewritten code uses more stack per
        // frame): once a stack overflow happened, later results may legitimately differ.
        result.exhausted = true;
        return result;
      }
      if (a !== b) result.mismatches.push(`${name}(${args.map(show).join(',')}) pass ${k}: original ${a}, rewritten ${b}`);
      const la = orig.log.slice(before[0]);
      const lb = rewr.log.slice(before[1]);
      if (la.join('\n') !== lb.join('\n')) {
        let i = 0;
        while (la[i] === lb[i]) i++;
        result.mismatches.push(`${name} pass ${k}: host call #${i} differs (of ${la.length} / ${lb.length}): original ${la[i]}, rewritten ${lb[i]}`);
      }
      if (result.mismatches.length > 10) return result;
    }
  }
  const sa = snapshot(orig.instance, exposed);
  const sb = snapshot(rewr.instance, exposed);
  sa.forEach((x, i) => { if (x !== sb[i]) result.mismatches.push(`state: original ${x}, rewritten ${sb[i]}`); });
  // Timed passes (rewritten only): fuel used against wall time of guest work only.
  // - binaryen's hang limit (a global set to 100, decremented per loop iteration and call, trap
  //   at 0) keeps every call to a few µs of work, ended by a trap. A trap, a JS TypeError (v128
  //   signatures) or a host `throw` unwinding through the guest costs V8 10-50 µs to build the
  //   error and its stack trace: not guest work, and 100x the guest work itself. That, not a
  //   mispriced instruction, put seeds at 20-45 ns/unit (tests/conformance/findings/README.md).
  // - So the timed passes raise the hang limit to HANG (the guest runs ~HANG loop iterations
  //   before its trap), time each export twice — with the limit raised and with it at 0 (the
  //   call traps at its entry: the same error, the same depth) — and count the difference as
  //   guest time. Exports that call the host (billed by the engine itself: declared cost +
  //   measured time) or overflow the stack are left out. Best of three passes.
  if (rewr.meter?.metered) {
    const meter = rewr.meter;
    const hang = hangLimitGlobals(bytes, rewr.instance);
    const setHang = (v: number) => { for (const g of hang) g.value = v; };
    let fuel = 0;
    let ms = 0;
    for (const name of names) {
      const sig = shape.funcExports.get(name);
      if (!sig) continue;
      const f = rewr.instance.exports[name] as (...x: unknown[]) => unknown;
      const args = argsFor(sig, seed, 2);
      const timed = (limit: number) => {
        setHang(limit);
        meter.reset();
        rewr.hostCalls = 0;
        rewr.unwinds = 0;
        let err: unknown;
        const t0 = performance.now();
        try { f(...args); } catch (e) { err = e ?? 'thrown'; }
        const dt = performance.now() - t0;
        const clean = rewr.hostCalls === 0 && rewr.unwinds === 0 && !(err instanceof RangeError);
        return { dt, fuel: meter.used(), err, clean };
      };
      // One warm-up (V8 tiers up hot functions on their first long run), then the best of three.
      let full = timed(HANG);
      if (!full.clean || full.fuel === 0) continue;
      let spoiled = false;
      for (let pass = 0; pass < 3 && !spoiled; pass++) {
        const t = timed(HANG);
        if (!t.clean) spoiled = true;
        else if (pass === 0 || t.dt < full.dt) full = t;
      }
      if (spoiled) continue;
      // The same call ending at once in the same error: what the error costs, not the guest.
      let errMs = 0;
      let errFuel = 0;
      if (full.err !== undefined) {
        let best = Infinity;
        for (let pass = 0; pass < 3 && hang.length; pass++) {
          const b = timed(0);
          if (b.err === undefined || !b.clean) break;
          if (b.dt < best) { best = b.dt; errFuel = b.fuel; }
        }
        errMs = best === Infinity ? full.dt : Math.min(best, full.dt);
      }
      const guest = Math.max(0, full.dt - errMs - callOverheadMs);
      if (process.env.WASGO_FUZZ_DEBUG) console.log(`  ${name}: ${full.fuel} units, ${full.dt.toFixed(3)} ms, error ${full.err === undefined ? '-' : String(full.err).slice(0, 40)} (${errMs.toFixed(3)} ms)`);
      fuel += Math.max(0, full.fuel - errFuel);
      ms += guest;
    }
    setHang(100);
    result.fuel = fuel;
    result.ms = ms;
    result.nsPerUnit = ms >= MIN_JUDGED_MS && fuel >= MIN_JUDGED_UNITS ? (ms * 1e6) / fuel : undefined;
    if (process.env.WASGO_FUZZ_DEBUG) console.log(`  timed: ${fuel} units in ${ms.toFixed(3)} ms`);
  }
  return result;
}

export async function runSeed(seed: number): Promise<SeedResult> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await generate(seed);
  } catch (e) {
    if (!(e instanceof GeneratorError)) throw e;
    return { seed, bytes: new Uint8Array(0), mismatches: [], calls: 0, fuel: 0, ms: 0, nsPerUnit: undefined, skipped: e.message };
  }
  return judge(seed, bytes);
}

/**
 * runModule, re-run up to twice when only the time bound is exceeded: on a shared machine one
 * run can be descheduled; a mispriced construct exceeds the bound every time.
 */
export function judge(seed: number, bytes: Uint8Array): SeedResult {
  let r = runModule(seed, bytes);
  for (let i = 0; i < 2 && !r.mismatches.length && r.nsPerUnit !== undefined && r.nsPerUnit > NS_PER_UNIT_BOUND; i++) {
    const again = runModule(seed, bytes);
    if (again.mismatches.length || again.nsPerUnit === undefined || again.nsPerUnit < r.nsPerUnit) r = again;
  }
  return r;
}
