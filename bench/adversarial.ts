/**
 * Issue 8, "Build" 9: what a hostile mod can get away with.
 *
 * (a) `fuel`: worst-case nanoseconds per fuel unit across adversarial kernels, each against a
 *     plain loop measured in the same run (target: every ratio <= 3).
 * Load time on adversarial module shapes is bench/load.ts (`npm run bench -- load`).
 *
 * The rewrite goes through tests/conformance/adapter.ts (the one place that calls prepareModule
 * for the gate), so these numbers follow the rewriter as it changes.
 */
import { FuelMeter, rewrite } from '../tests/conformance/adapter';

export const RATIO_TARGET = 3;

interface AdvKernel {
  name: string;
  wat: string;
  /** Iterations per timed call (sized for ~10-50 ms unmetered). */
  n: number;
  imports?: Record<string, Record<string, unknown>>;
  /** Run through the real engine (its linker bills host calls: floor + cost + measured time). */
  engine?: boolean;
}

function leaf(ops: number): string {
  let s = '(func $leaf (param $x i32) (result i32) (local.get $x)';
  for (let i = 0; i < ops; i++) s += ` (i32.const ${(i % 13) + 1}) (i32.${i % 3 === 0 ? 'mul' : i % 3 === 1 ? 'add' : 'xor'})`;
  return `${s})`;
}

const LOOP = (body: string, locals = '') => `(func (export "run") (param $n i32) (result i32) (local $i i32) ${locals}
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      ${body}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i))`;

export const ADVERSARIAL: AdvKernel[] = [
  { name: 'plain loop (baseline)', n: 20_000_000, wat: `(module ${LOOP('')})` },
  { name: 'straight-line leaf in a loop', n: 20_000, wat: `(module (global $acc (mut i32) (i32.const 0)) ${leaf(3000)}
    ${LOOP('(global.set $acc (call $leaf (local.get $i)))')})` },
  { name: 'table.fill 10k in a loop', n: 500, wat: `(module (table $t 10000 funcref)
    ${LOOP('(table.fill $t (i32.const 0) (ref.null func) (i32.const 10000))')})` },
  { name: 'table.copy 10k in a loop', n: 300, wat: `(module (table $t 10000 funcref) (elem declare func $f) (func $f)
    ${LOOP('(table.copy $t $t (i32.const 1) (i32.const 0) (i32.const 9999))')})` },
  { name: 'throw/catch in a loop', n: 20_000, wat: `(module (tag $e)
    ${LOOP('(try (do (throw $e)) (catch $e))')})` },
  { name: 'throw 1000 deep, catch at top', n: 200, wat: `(module (tag $e)
    (func $rec (param $d i32) (if (local.get $d) (then (call $rec (i32.sub (local.get $d) (i32.const 1)))) (else (throw $e))))
    ${LOOP('(try (do (call $rec (i32.const 1000))) (catch $e))')})` },
  { name: 'host exception 1000 deep, catch_all', n: 200, imports: { env: { fail: () => { throw new Error('host'); } } },
    wat: `(module (import "env" "fail" (func $fail))
    (func $rec (param $d i32) (if (local.get $d) (then (call $rec (i32.sub (local.get $d) (i32.const 1)))) (else (call $fail))))
    ${LOOP('(try (do (call $rec (i32.const 1000))) (catch_all))')})` },
  { name: 'cost-0 host call in a loop (engine)', n: 200_000, imports: { env: { nop: () => {} } }, engine: true,
    wat: `(module (import "env" "nop" (func $nop)) ${LOOP('(call $nop)')})` },
  { name: 'i64.div_u chain in a loop', n: 2_000_000, wat: `(module (global $g (mut i64) (i64.const -1))
    ${LOOP('(global.set $g (i64.div_u (i64.div_u (i64.div_u (i64.div_u (i64.or (global.get $g) (i64.const 0x7fffffffffff)) (i64.const 3)) (i64.const 7)) (i64.const 5)) (i64.const 11)))')})` },
  { name: 'i32.rem_s chain in a loop', n: 2_000_000, wat: `(module (global $g (mut i32) (i32.const -1))
    ${LOOP('(global.set $g (i32.rem_s (i32.rem_s (i32.rem_s (i32.rem_s (i32.or (global.get $g) (i32.const 0x7fffff)) (i32.const 3331)) (i32.const 977)) (i32.const 31)) (i32.const 7)))')})` },
  { name: 'f64.sqrt/div chain in a loop', n: 2_000_000, wat: `(module (global $g (mut f64) (f64.const 2))
    ${LOOP('(global.set $g (f64.div (f64.sqrt (f64.div (f64.sqrt (f64.add (global.get $g) (f64.const 3))) (f64.const 1.1))) (f64.const 0.9)))')})` },
  { name: 'f64.floor chain in a loop', n: 2_000_000, wat: `(module (global $g (mut f64) (f64.const 2.5))
    ${LOOP('(global.set $g (f64.floor (f64.ceil (f64.nearest (f64.trunc (f64.add (global.get $g) (f64.const 0.5)))))))')})` },
  { name: 'f64<->i32 conversion chain in a loop', n: 2_000_000, wat: `(module (global $g (mut f64) (f64.const 2.5))
    ${LOOP('(global.set $g (f64.convert_i32_u (i32.trunc_sat_f64_u (f64.convert_i32_s (i32.trunc_f64_s (global.get $g))))))')})` },
  { name: 'memory.fill 64 KiB in a loop', n: 20_000, wat: `(module (memory 2)
    ${LOOP('(memory.fill (i32.const 0) (local.get $i) (i32.const 65536))')})` },
  { name: 'memory.copy 64 KiB in a loop', n: 20_000, wat: `(module (memory 2)
    ${LOOP('(memory.copy (i32.const 0) (i32.const 65536) (i32.const 65536))')})` },
];

async function wat(name: string, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const wabt = await (await import('wabt')).default();
  const m = wabt.parseWat(name, text, { exceptions: true, bulk_memory: true, reference_types: true, multi_value: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

interface Measured { ms: number; fuel: number; plainMs: number }

/** Times `plain` and `metered` (which returns the units it used) alternately: medians of 5 after a warm-up. */
function timeRuns(n: number, plain: (n: number) => unknown, metered: (n: number) => number): Measured {
  for (let i = 0; i < 3; i++) { metered(Math.ceil(n / 10)); plain(Math.ceil(n / 10)); }
  const ms: number[] = [];
  const fuel: number[] = [];
  const plainMs: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t = performance.now();
    plain(n);
    plainMs.push(performance.now() - t);
    t = performance.now();
    const used = metered(n);
    ms.push(performance.now() - t);
    fuel.push(used);
  }
  return { ms: median(ms), fuel: median(fuel), plainMs: median(plainMs) };
}

async function measure(k: AdvKernel): Promise<Measured> {
  const plain = await wat(k.name, k.wat);
  const plainRun = new WebAssembly.Instance(new WebAssembly.Module(plain), (k.imports ?? {}) as WebAssembly.Imports).exports.run as (n: number) => number;
  if (k.engine) {
    // A host call is priced by the engine's linker, not by the rewriter: measure it through the engine.
    const { WasGoEngine } = await import('../ts/engine/engine');
    const engine = WasGoEngine.get().init({ fuelPerCall: 1e15, maxCallMs: 0 });
    engine.register({ module: 'env', name: 'nop', params: [], result: 'void', level: 1, kind: 'core', cost: 0, implementation: () => undefined });
    const mod = await engine.loadMod(plain, { name: k.name });
    const measured = timeRuns(k.n, plainRun, (n) => { mod.call('run', [n]); return mod.lastCallFuel; });
    engine.shutdown();
    return measured;
  }
  const module = new WebAssembly.Module(rewrite(plain, k.name));
  const imports: Record<string, unknown> = { ...(k.imports ?? {}) };
  const meter = new FuelMeter();
  meter.link(module, imports);
  const inst = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  meter.attach(inst);
  const run = inst.exports.run as (n: number) => number;
  return timeRuns(k.n, plainRun, (n) => { meter.reset(); run(n); return meter.used(); });
}

export async function runFuel(): Promise<void> {
  console.log('\n## adversarial kernels: ns per fuel unit (metered), against a plain loop in the same run; target ratio <= %d', RATIO_TARGET);
  console.log(`${'kernel'.padEnd(32)}${'plain ms'.padStart(10)}${'metered ms'.padStart(12)}${'fuel/call'.padStart(14)}${'ns/unit'.padStart(10)}${'ratio'.padStart(10)}`);
  let base: number | undefined;
  let worst = 0;
  let worstName = '';
  for (const k of ADVERSARIAL) {
    let m: Measured;
    try {
      m = await measure(k);
    } catch (e) {
      console.log(`${k.name.padEnd(32)} failed: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const ns = m.fuel > 0 ? (m.ms * 1e6) / m.fuel : Infinity;
    base ??= ns;
    const ratio = ns / base;
    if (ratio > worst) { worst = ratio; worstName = k.name; }
    console.log(`${k.name.padEnd(32)}${m.plainMs.toFixed(2).padStart(10)}${m.ms.toFixed(2).padStart(12)}${String(Math.round(m.fuel)).padStart(14)}` +
      `${(Number.isFinite(ns) ? ns.toFixed(3) : 'inf').padStart(10)}${(Number.isFinite(ratio) ? ratio.toFixed(1) : 'inf').padStart(10)}${ratio > RATIO_TARGET ? '  OVER' : ''}`);
  }
  console.log(`worst: ${worstName} at ${Number.isFinite(worst) ? worst.toFixed(1) : 'inf'}x the plain loop's ns per unit (target <= ${RATIO_TARGET})`);
}
