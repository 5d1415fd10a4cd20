/**
 * Load time on adversarial module shapes: WasGo's prepareModule (validate + one-pass rewrite
 * with metering) + compile, against V8's own `new WebAssembly.Module` of the same bytes, in the
 * same run (medians). Target (issue 8): ≤ 3×.
 */
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
  maxFunctions: 1e7, maxGlobals: 1e7, maxCustomBytes: 1e9, maxBodyBytes: 1e8, maxLoopDepth: 1e7,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** ms for V8 alone, and for prepare (+ compile) */
export function measureLoad(bytes: Uint8Array<ArrayBuffer>, rounds = 5): { v8: number; validate: number; prepare: number; total: number } {
  const v8: number[] = [];
  const val: number[] = [];
  const prep: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    new WebAssembly.Module(bytes);
    v8.push(performance.now() - t);
    t = performance.now();
    WebAssembly.validate(bytes);
    val.push(performance.now() - t);
    t = performance.now();
    const p = prepareModule(bytes, { name: 'shape', memoryMb: 64, meter: true, limits: BENCH_LIMITS, revalidate: false });
    const t1 = performance.now();
    new WebAssembly.Module(p.bytes);
    const t2 = performance.now();
    prep.push(t1 - t);
    total.push(t2 - t);
  }
  return { v8: median(v8), validate: median(val), prepare: median(prep), total: median(total) };
}

export async function run(): Promise<void> {
  console.log('\n## load time on adversarial shapes (median of 5): WasGo = prepareModule (V8 validate + rewrite) + compile;');
  console.log('## V8 compiles lazily, so "vs compile" compares with near-zero work; "vs V8 validate+compile" with V8 checking the whole module');
  console.log(`${'shape'.padEnd(40)}${'bytes'.padStart(10)}${'V8 compile'.padStart(12)}${'V8 validate'.padStart(12)}${'WasGo ms'.padStart(10)}${'vs compile'.padStart(12)}${'vs val+comp'.padStart(13)}`);
  for (const [name, make] of SHAPES) {
    const bytes = make();
    const r = measureLoad(bytes);
    console.log(`${name.padEnd(40)}${String(bytes.length).padStart(10)}${r.v8.toFixed(1).padStart(12)}${r.validate.toFixed(1).padStart(12)}${r.total.toFixed(1).padStart(10)}${(r.total / r.v8).toFixed(1).padStart(12)}${(r.total / (r.v8 + r.validate)).toFixed(2).padStart(13)}`);
  }
}
