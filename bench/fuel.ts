/**
 * Fuel metering overhead: each compute kernel runs unmetered and metered in the same process,
 * alternating, after a warm-up; medians of several runs are compared.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instrumentFuel, FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from '../ts/wasm/fuel';

export interface Kernel {
  name: string;
  wat: string;
  /** Export to call and its arguments (sized so one call takes tens of milliseconds). */
  entry: string;
  args: number[];
}

export const KERNELS: Kernel[] = [
  {
    name: 'sieve',
    entry: 'sieve',
    args: [16_000_000],
    wat: `(module
  (memory 256)
  (func (export "sieve") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done (loop $outer
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u (local.get $i))) (then
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $j (i32.mul (local.get $i) (local.get $i)))
        (block $inner_done (loop $inner
          (br_if $inner_done (i32.ge_u (local.get $j) (local.get $n)))
          (i32.store8 (local.get $j) (i32.const 1))
          (local.set $j (i32.add (local.get $j) (local.get $i)))
          (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.get $count)))`,
  },
  {
    name: 'fibonacci',
    entry: 'fib',
    args: [32],
    wat: `(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`,
  },
  {
    name: 'mandelbrot',
    entry: 'mandelbrot',
    args: [400, 300, 200],
    wat: `(module
  (func (export "mandelbrot") (param $w i32) (param $h i32) (param $max i32) (result i32)
    (local $x i32) (local $y i32) (local $k i32) (local $total i32)
    (local $cr f64) (local $ci f64) (local $zr f64) (local $zi f64) (local $t f64)
    (loop $rows
      (local.set $x (i32.const 0))
      (loop $cols
        (local.set $cr (f64.sub (f64.div (f64.mul (f64.convert_i32_u (local.get $x)) (f64.const 3.5)) (f64.convert_i32_u (local.get $w))) (f64.const 2.5)))
        (local.set $ci (f64.sub (f64.div (f64.mul (f64.convert_i32_u (local.get $y)) (f64.const 2)) (f64.convert_i32_u (local.get $h))) (f64.const 1)))
        (local.set $zr (f64.const 0)) (local.set $zi (f64.const 0)) (local.set $k (i32.const 0))
        (block $escaped (loop $iter
          (br_if $escaped (f64.gt (f64.add (f64.mul (local.get $zr) (local.get $zr)) (f64.mul (local.get $zi) (local.get $zi))) (f64.const 4)))
          (br_if $escaped (i32.ge_u (local.get $k) (local.get $max)))
          (local.set $t (f64.add (f64.sub (f64.mul (local.get $zr) (local.get $zr)) (f64.mul (local.get $zi) (local.get $zi))) (local.get $cr)))
          (local.set $zi (f64.add (f64.mul (f64.mul (f64.const 2) (local.get $zr)) (local.get $zi)) (local.get $ci)))
          (local.set $zr (local.get $t))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $iter)))
        (local.set $total (i32.add (local.get $total) (local.get $k)))
        (br_if $cols (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (local.get $w))))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $h))))
    (local.get $total)))`,
  },
  {
    name: 'matmul',
    entry: 'matmul',
    args: [250],
    // A[i][j] = i + j, B[i][j] = i - j, C = A * B; returns the trace of C (as i32).
    wat: `(module
  (memory 32)
  (func (export "matmul") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $sum f64) (local $trace f64)
    (local $a i32) (local $b i32) (local $c i32) (local $nn i32)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (local.set $b (i32.shl (local.get $nn) (i32.const 3)))
    (local.set $c (i32.shl (local.get $nn) (i32.const 4)))
    (loop $fi (local.set $j (i32.const 0))
      (loop $fj
        (f64.store (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))
          (f64.convert_i32_s (i32.add (local.get $i) (local.get $j))))
        (f64.store (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
          (f64.convert_i32_s (i32.sub (local.get $i) (local.get $j))))
        (br_if $fj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (br_if $fi (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $li (local.set $j (i32.const 0))
      (loop $lj (local.set $k (i32.const 0)) (local.set $sum (f64.const 0))
        (loop $lk
          (local.set $sum (f64.add (local.get $sum) (f64.mul
            (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
            (f64.load (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3)))))))
          (br_if $lk (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
        (f64.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))) (local.get $sum))
        (if (i32.eq (local.get $i) (local.get $j)) (then (local.set $trace (f64.add (local.get $trace) (local.get $sum)))))
        (br_if $lj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.trunc_sat_f64_s (local.get $trace))))`,
  },
];

/**
 * Loops of operations whose time is not one plain instruction's: each must cost about as much
 * time per fuel unit as a plain loop (issue 8: worst case ≤ 3×). Entries take an iteration count
 * and loop until it or the fuel runs out.
 */
export const ADVERSARIAL_WAT = `(module
  (tag $t)
  (table $tb 100000 100000 funcref)
  (memory 1 1000)
  (func $f)
  (elem declare func $f)
  (func (export "plain") (param $n i32) (result i32) (local $a i32)
    (loop $l (local.set $a (i32.add (local.get $a) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))) (local.get $a))
  (func (export "calls") (param $n i32)
    (loop $l (call $f) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "tfill") (param $n i32)
    (loop $l (table.fill $tb (i32.const 0) (ref.func $f) (i32.const 50000)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "tcopy") (param $n i32)
    (loop $l (table.copy $tb $tb (i32.const 0) (i32.const 50000) (i32.const 50000)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "mfill") (param $n i32)
    (loop $l (memory.fill (i32.const 0) (i32.const 7) (i32.const 65536)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "throwcatch") (param $n i32)
    (loop $l (try (do (throw $t)) (catch $t)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "grow") (param $n i32)
    (loop $l (drop (memory.grow (i32.const 1))) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

/**
 * Deep unwinding (legacy exceptions): recurse `depth` frames, throw (or let a host import throw a
 * JS exception), catch at the top, repeat `n` times. V8 unwinds every frame (~100 ns each).
 */
export const UNWIND_WAT = `(module
  (import "env" "fail" (func $fail))
  (tag $t)
  (func $rec (param $d i32)
    (if (local.get $d) (then (call $rec (i32.sub (local.get $d) (i32.const 1)))) (else (throw $t))))
  (func $rec_host (param $d i32)
    (if (local.get $d) (then (call $rec_host (i32.sub (local.get $d) (i32.const 1)))) (else (call $fail))))
  (func (export "deep_throw") (param $n i32) (param $d i32)
    (loop $l (try (do (call $rec (local.get $d))) (catch $t)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "deep_catch_all") (param $n i32) (param $d i32)
    (loop $l (try (do (call $rec (local.get $d))) (catch_all)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "deep_host") (param $n i32) (param $d i32)
    (loop $l (try (do (call $rec_host (local.get $d))) (catch_all)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "own_catch") (param $n i32)
    (loop $l (try (do (throw $t)) (catch $t)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

export const UNWIND_ENTRIES = ['deep_throw', 'deep_catch_all', 'deep_host'];

export const ADVERSARIAL_ENTRIES = ['calls', 'tfill', 'tcopy', 'mfill', 'throwcatch', 'grow'];

/** ns per fuel unit of each adversarial loop, and its ratio to the plain loop's, measured in one run. */
async function adversarial(): Promise<void> {
  const metered = instrumentFuel(await watToWasm('adversarial', ADVERSARIAL_WAT, { exceptions: true, bulk_memory: true, reference_types: true }), { moduleName: 'adversarial' });
  const { instance } = await WebAssembly.instantiate(metered, { [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: refillCounting } });
  const fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global;
  const nsPerUnit = (name: string, n: number) => {
    const fn = instance.exports[name] as KernelFn;
    fn(Math.max(1, n >> 3));
    counted = 0;
    fuel.value = 0;
    const t = performance.now();
    fn(n);
    const ms = performance.now() - t;
    return (ms * 1e6) / (counted - (fuel.value as number));
  };
  const plain = nsPerUnit('plain', 50_000_000);
  console.log(`\nadversarial loops: ns per unit (plain loop ${plain.toFixed(3)} ns/unit), ratio to plain (target <= 3)`);
  let worst = 0;
  for (const [k, n] of [['calls', 5_000_000], ['tfill', 200], ['tcopy', 100], ['mfill', 2000], ['throwcatch', 20_000], ['grow', 999]] as const) {
    const r = nsPerUnit(k, n) / plain;
    worst = Math.max(worst, r);
    console.log(`${k.padEnd(16)}${r.toFixed(2).padStart(8)}`);
  }
  console.log(`worst ratio ${worst.toFixed(2)}`);
}

/**
 * An honest exception-using module, C++ style: every iteration calls through a frame with a
 * cleanup landing pad (catch_all + rethrow) inside a try; one call in 1024 throws. Unmetered,
 * metered without frame counting, metered with it (the default).
 */
export const EH_HONEST_WAT = `(module
  (tag $e (param i32))
  (global $g (mut i32) (i32.const 0))
  (func $leaf (param $x i32) (result i32)
    (if (i32.eqz (i32.and (local.get $x) (i32.const 1023))) (then (throw $e (local.get $x))))
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func $mid (param $x i32) (result i32)
    (try (result i32) (do (i32.add (call $leaf (local.get $x)) (call $leaf2 (local.get $x))))
      (catch_all (global.set $g (i32.add (global.get $g) (i32.const 1))) (rethrow 0))))
  (func $leaf2 (param $x i32) (result i32) (i32.xor (local.get $x) (i32.const 0x55)))
  (func (export "tryloop") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (try (do (local.set $acc (i32.add (local.get $acc) (call $mid (local.get $n)))))
        (catch $e (local.set $acc (i32.xor (local.get $acc)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`;

async function ehOverhead(): Promise<void> {
  const plain = await watToWasm('eh-honest', EH_HONEST_WAT, { exceptions: true });
  const without = instrumentFuel(plain, { moduleName: 'eh-honest', countFrames: false });
  const withCount = instrumentFuel(plain, { moduleName: 'eh-honest' });
  console.log('\nhonest exception-using loop (C++ style, 1 throw per 1024 calls): unmetered vs metered, frame counting off / on');
  console.log(`${'kernel'.padEnd(16)}${'unmetered ms'.padStart(14)}${'metered ms'.padStart(12)}${'ratio'.padStart(8)}${'units'.padStart(12)}${'ns/unit'.padStart(10)}`);
  const args = [2_000_000];
  compare('eh no count', args, await instantiateKernel(plain, 'tryloop'), await instantiateKernel(without, 'tryloop'));
  compare('eh counted', args, await instantiateKernel(plain, 'tryloop'), await instantiateKernel(withCount, 'tryloop'));
  growth('eh-honest (counting off -> on)', without, withCount);
}

let counted = 0;
function refillCounting(v: number): number {
  if (v < 0) counted -= v;
  counted += 2 ** 30;
  return 2 ** 30;
}

/** The same kernels in C, as clang -O2 compiles them (loop shapes differ from the hand-written WAT). */
export const C_KERNELS = `static unsigned char flags[16000000];
__attribute__((export_name("sieve"))) int sieve(int n) {
  for (int i = 0; i < n; i++) flags[i] = 0;
  int count = 0;
  for (int i = 2; i < n; i++)
    if (!flags[i]) { count++; for (long long j = (long long)i * i; j < n; j += i) flags[j] = 1; }
  return count;
}
__attribute__((export_name("fib"))) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((export_name("mandelbrot"))) int mandelbrot(int w, int h, int max) {
  int total = 0;
  for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
    double cr = x * 3.5 / w - 2.5, ci = y * 2.0 / h - 1.0, zr = 0, zi = 0; int k = 0;
    while (zr * zr + zi * zi <= 4.0 && k < max) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; k++; }
    total += k;
  }
  return total;
}
static double A[250 * 250], B[250 * 250], C[250 * 250];
__attribute__((export_name("matmul"))) int matmul(int n) {
  for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { A[i * n + j] = i + j; B[i * n + j] = i - j; }
  double trace = 0;
  for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
    double s = 0;
    for (int k = 0; k < n; k++) s += A[i * n + k] * B[k * n + j];
    C[i * n + j] = s;
    if (i == j) trace += s;
  }
  return (int)trace;
}
`;

export function clangToWasm(source: string): Uint8Array<ArrayBuffer> {
  const dir = mkdtempSync(join(tmpdir(), 'wasgo-bench-'));
  try {
    writeFileSync(join(dir, 'k.c'), source);
    execFileSync('clang', ['--target=wasm32', '-nostdlib', '-O2', '-mbulk-memory', '-Wl,--no-entry', '-o', join(dir, 'k.wasm'), join(dir, 'k.c')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'k.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function watToWasm(name: string, wat: string, features: Record<string, boolean> = {}): Promise<Uint8Array<ArrayBuffer>> {
  const wabt = await (await import('wabt')).default();
  const mod = wabt.parseWat(name, wat, features);
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

type KernelFn = (...args: number[]) => number;

export interface KernelInstance {
  call: KernelFn;
  fuel: WebAssembly.Global | undefined;
  /** Units used by the last call (metered instances). */
  units: () => number;
  reset: () => void;
}

/** Instantiates a kernel; a metered one gets an unlimited refill that counts units (contract v2). */
export async function instantiateKernel(bytes: Uint8Array<ArrayBuffer>, entry: string): Promise<KernelInstance> {
  let given = 0;
  let debt = 0;
  const refill = (v: number) => { if (v < 0) debt -= v; given += 2 ** 30; return 2 ** 30; };
  const { instance } = await WebAssembly.instantiate(bytes, { [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: refill } });
  const fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global | undefined;
  return {
    call: instance.exports[entry] as KernelFn,
    fuel,
    units: () => given + debt - Math.max(0, (fuel?.value as number | undefined) ?? 0),
    reset: () => { given = 0; debt = 0; if (fuel) fuel.value = 0; },
  };
}

const WARMUP = 3;
const RUNS = 15;

function time(k: KernelInstance, args: number[]): number {
  k.reset();
  const t0 = performance.now();
  k.call(...args);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function compare(label: string, args: number[], plain: KernelInstance, metered: KernelInstance): void {
  for (let i = 0; i < WARMUP; i++) { time(plain, args); time(metered, args); }
  const a: number[] = [];
  const b: number[] = [];
  // Alternate which goes first, so neither always runs on a cache the other warmed.
  for (let i = 0; i < RUNS; i++) {
    if (i % 2) { b.push(time(metered, args)); a.push(time(plain, args)); }
    else { a.push(time(plain, args)); b.push(time(metered, args)); }
  }
  const ua = median(a);
  const mb = median(b);
  time(metered, args);
  const units = metered.units();
  // ns of unmetered wasm per fuel unit: what one unit of budget buys on this machine for this code.
  console.log(`${label.padEnd(16)}${ua.toFixed(2).padStart(14)}${mb.toFixed(2).padStart(12)}${(mb / ua).toFixed(3).padStart(8)}${units.toExponential(2).padStart(12)}${(ua * 1e6 / units).toFixed(3).padStart(10)}`);
}

function growth(label: string, plain: Uint8Array, metered: Uint8Array): void {
  console.log(`code growth ${label}: ${plain.length} -> ${metered.length} bytes (${(metered.length / plain.length).toFixed(3)}x)`);
}

export async function run(): Promise<void> {
  console.log('fuel metering: unmetered vs metered (median of %d runs, same process)', RUNS);
  console.log(`${'kernel'.padEnd(16)}${'unmetered ms'.padStart(14)}${'metered ms'.padStart(12)}${'ratio'.padStart(8)}${'units'.padStart(12)}${'ns/unit'.padStart(10)}`);
  for (const k of KERNELS) {
    const plain = await watToWasm(k.name, k.wat);
    const metered = instrumentFuel(plain, { moduleName: k.name });
    compare(`wat ${k.name}`, k.args, await instantiateKernel(plain, k.entry), await instantiateKernel(metered, k.entry));
  }
  let plainC: Uint8Array<ArrayBuffer>;
  try {
    plainC = clangToWasm(C_KERNELS);
  } catch (e) {
    console.log(`C kernels skipped: clang unavailable (${(e as Error).message.split('\n')[0]})`);
    await ehOverhead();
    await adversarial();
    return;
  }
  const meteredC = instrumentFuel(plainC, { moduleName: 'c-kernels' });
  growth('C kernels (clang -O2)', plainC, meteredC);
  for (const f of ['examples/hello-as/hello.wasm', 'examples/hello-c/hello.wasm', 'node_modules/playwright-core/lib/webp_codec.wasm']) {
    try {
      const b = new Uint8Array(readFileSync(f));
      growth(f, b, instrumentFuel(b, { moduleName: f }));
    } catch (e) {
      console.log(`code growth ${f}: skipped (${(e as Error).message.split('\n')[0]})`);
    }
  }
  for (const k of KERNELS) {
    compare(`c ${k.name}`, k.args, await instantiateKernel(plainC, k.entry), await instantiateKernel(meteredC, k.entry));
  }
  await ehOverhead();
  await adversarial();
}
