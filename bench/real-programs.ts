/**
 * Real interpreters compiled to wasm by a real toolchain, run three ways: as written, as WasGo
 * meters them (prepareModule, meter: true) and with the exact instruction counter
 * (count-instructions.ts). Both come from npm as emscripten builds (devDependencies, used by the
 * bench and its test only): `wasmoon` (Lua 5.4) and `@jitl/quickjs-wasmfile-release-sync`
 * (QuickJS). Their emscripten JS glue runs unchanged; only the instantiation is intercepted.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prepareModule } from '../ts/engine/prepare';
import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from '../ts/wasm/fuel';
import { countInstructions, diffCounts, readCounts, type CountedModule, type Counts } from './count-instructions';

export type Mode = 'plain' | 'metered' | 'counted';

/** The bytes each mode instantiates, made once per interpreter. */
export interface Builds {
  plain: Uint8Array<ArrayBuffer>;
  metered: Uint8Array<ArrayBuffer>;
  counted: CountedModule;
}

export function makeBuilds(plain: Uint8Array<ArrayBuffer>, name: string): Builds {
  return {
    plain,
    metered: prepareModule(plain, { name, memoryMb: 4096, meter: true }).bytes,
    counted: countInstructions(plain, name),
  };
}

/** A slice as large as the refill may hand out: refills are rare, billing stays exact. */
const SLICE = 2 ** 30;

/**
 * Units billed to a metered instance, as the engine's meter bills them (fuel contract v2): the
 * refill receives the counter after a charge went below 0 (the debt, negative) and returns a
 * new slice; billed = debts + slices handed out - what is left in the counter.
 */
export class UnitMeter {
  private handed = 0;
  fuel: WebAssembly.Global | undefined;
  readonly refill = (v: number): number => {
    this.handed += SLICE - Math.min(0, v);
    return SLICE;
  };
  billed(): number {
    return this.handed - Math.max(0, (this.fuel?.value as number | undefined) ?? 0);
  }
}

/** One interpreter instance in one mode: run a script, read what it cost. */
export interface Interpreter {
  mode: Mode;
  /** Runs source code; returns its result as a string (checked equal across modes). */
  run(source: string): string;
  /** Units billed so far (metered), executed instructions so far (counted). */
  units(): number;
  counts(): Counts;
}

/** The engine's own instantiate, kept before any hook replaces it (startLua). */
const realInstantiate = WebAssembly.instantiate.bind(WebAssembly) as (b: BufferSource, i: WebAssembly.Imports) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;

/** Instantiation as the mode wants it: imports completed with the refill (metered), the instance remembered. */
async function instantiate(builds: Builds, mode: Mode, imports: WebAssembly.Imports, meter: UnitMeter, got: (i: WebAssembly.Instance) => void): Promise<WebAssembly.Instance> {
  const bytes = mode === 'plain' ? builds.plain : mode === 'metered' ? builds.metered : builds.counted.bytes;
  // The refill is offered to every mode: a counted build of a metered module (profiles) imports it too.
  const all = { ...imports, [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: meter.refill } };
  const { instance } = await realInstantiate(bytes, all);
  meter.fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global | undefined;
  got(instance);
  return instance;
}

function observe(builds: Builds, mode: Mode, meter: UnitMeter, instance: () => WebAssembly.Instance) {
  return {
    units: () => (mode === 'metered' ? meter.billed() : 0),
    counts: (): Counts => (mode === 'counted' ? readCounts(builds.counted, instance().exports) : { instructions: 0, weighted: 0, blocks: 0, runs: new Float64Array(0) }),
  };
}

const require = createRequire(import.meta.url);

// ---- Lua 5.4 (wasmoon) ----

export function luaWasm(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(dirname(require.resolve('wasmoon')), 'glue.wasm')));
}

/**
 * wasmoon's glue gives no `instantiateWasm` hook, so WebAssembly.instantiate is replaced while
 * its factory starts (one interpreter at a time) and restored right after.
 */
export async function startLua(builds: Builds, mode: Mode): Promise<Interpreter> {
  const { LuaFactory } = (await import('wasmoon')) as typeof import('wasmoon');
  const meter = new UnitMeter();
  let inst: WebAssembly.Instance | undefined;
  const original = WebAssembly.instantiate;
  (WebAssembly as { instantiate: unknown }).instantiate = async (_src: unknown, imports: WebAssembly.Imports) => {
    const instance = await instantiate(builds, mode, imports, meter, (i) => { inst = i; });
    return { instance, module: undefined };
  };
  let engine;
  try {
    engine = await new LuaFactory().createEngine({ openStandardLibs: true });
  } finally {
    (WebAssembly as { instantiate: unknown }).instantiate = original;
  }
  if (!inst) throw new Error('wasmoon did not instantiate its wasm through WebAssembly.instantiate');
  const lua = engine;
  return {
    mode,
    run: (source) => String(lua.doStringSync(source)),
    ...observe(builds, mode, meter, () => inst!),
  };
}

// ---- QuickJS (quickjs-emscripten's release-sync variant) ----

const QJS_PKG = '@jitl/quickjs-wasmfile-release-sync';

export function quickjsWasm(): Uint8Array<ArrayBuffer> {
  const dir = dirname(require.resolve(QJS_PKG));
  return new Uint8Array(readFileSync(join(dir, 'emscripten-module.wasm')));
}

/** The raw FFI (no quickjs-emscripten-core): a runtime, a context, QTS_Eval of a UTF-8 string on the heap. */
export async function startQuickJS(builds: Builds, mode: Mode): Promise<Interpreter> {
  const factory = ((await import(`${QJS_PKG}/emscripten-module`)) as { default: (arg: object) => Promise<Record<string, any>> }).default;
  const { QuickJSFFI } = (await import(`${QJS_PKG}/ffi`)) as { QuickJSFFI: new (m: object) => Record<string, (...a: any[]) => any> };
  const meter = new UnitMeter();
  let inst: WebAssembly.Instance | undefined;
  let memory: WebAssembly.Memory | undefined;
  const module = await factory({
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) {
      for (const ns of Object.values(imports)) for (const v of Object.values(ns)) if (v instanceof WebAssembly.Memory) memory = v;
      void instantiate(builds, mode, imports, meter, (i) => { inst = i; }).then((i) => done(i));
      return {};
    },
  });
  if (!inst || !memory) throw new Error('QuickJS did not instantiate through instantiateWasm');
  const ffi = new QuickJSFFI(module);
  const rt = ffi.QTS_NewRuntime!();
  const ctx = ffi.QTS_NewContext!(rt, 0xffff & ~(4096 | 8192 | 16384 | 32768)); // standard intrinsics, no bignum extensions
  const mem = memory;
  return {
    mode,
    run(source) {
      const utf8 = new TextEncoder().encode(source);
      const p = module._malloc(utf8.length + 1) as number;
      const heap = new Uint8Array(mem.buffer);
      heap.set(utf8, p);
      heap[p + utf8.length] = 0;
      const v = ffi.QTS_Eval!(ctx, p, utf8.length, 'bench.js', 0, 0);
      module._free(p);
      const s = ffi.QTS_Dump!(ctx, v);
      const text = new TextDecoder().decode(new Uint8Array(mem.buffer).subarray(s, new Uint8Array(mem.buffer).indexOf(0, s)));
      ffi.QTS_FreeCString!(ctx, s);
      ffi.QTS_FreeValuePointer!(ctx, v);
      return text;
    },
    ...observe(builds, mode, meter, () => inst!),
  };
}

// ---- plain kernels (the C / WAT kernels of bench/fuel.ts) ----

/** A module with no imports; `run` calls one export with fixed arguments (the "source" is ignored). */
export async function startKernel(builds: Builds, mode: Mode, entry: string, args: number[]): Promise<Interpreter> {
  const meter = new UnitMeter();
  let inst: WebAssembly.Instance | undefined;
  await instantiate(builds, mode, {}, meter, (i) => { inst = i; });
  const fn = inst!.exports[entry] as (...a: number[]) => number;
  return { mode, run: () => String(fn(...args)), ...observe(builds, mode, meter, () => inst!) };
}

export { diffCounts };

export interface Measured {
  /** The script's result (the same in every mode, or the bench stops). */
  result: string;
  instructions: number;
  weighted: number;
  /** Executed `block`s and `nop`s (weight 1, no machine code). */
  blocks: number;
  units: number;
  /** Segment runs of the counted instance (per-function profiles). */
  runs: Float64Array;
}

/** Runs one script once counted and once metered: executed instructions and units billed for exactly that run. */
export function measure(counted: Interpreter, metered: Interpreter, source: string): Measured {
  const c0 = counted.counts();
  const result = counted.run(source);
  const c = diffCounts(c0, counted.counts());
  const u0 = metered.units();
  const again = metered.run(source);
  const units = metered.units() - u0;
  if (again !== result) throw new Error(`metered result ${again} differs from ${result}`);
  return { result, instructions: c.instructions, weighted: c.weighted, blocks: c.blocks, units, runs: c.runs };
}

export interface FunctionProfile {
  /** Defined-function index (0 = the module's first defined function). */
  func: number;
  instructions: number;
  /** Its executed `block`s. */
  blocks: number;
  /** Targets of its largest br_table. */
  brTable: number;
  /** Runs of that br_table (an interpreter's dispatches). */
  dispatches: number;
}

/** Executed instructions per defined function, largest first. */
export function topFunctions(c: CountedModule, runs: Float64Array, n = 3): FunctionProfile[] {
  const per = new Map<number, FunctionProfile>();
  for (let i = 0; i < runs.length; i++) {
    if (!runs[i]) continue;
    const func = c.segFunc[i]!;
    let p = per.get(func);
    const d = c.funcBrTableSegment[func]!;
    if (!p) per.set(func, p = { func, instructions: 0, blocks: 0, brTable: c.funcBrTable[func]!, dispatches: d >= 0 ? runs[d]! : 0 });
    p.instructions += runs[i]! * c.segInstructions[i]!;
    p.blocks += runs[i]! * c.segBlocks[i]!;
  }
  return [...per.values()].sort((a, b) => b.instructions - a.instructions).slice(0, n);
}
