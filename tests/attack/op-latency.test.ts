/**
 * Attack: instructions priced at 1 unit whose latency is many plain units. A loop whose body is a
 * chain of 16 dependent uses of one of them (default settings, 2-core VM, Node 20, best of 4 calls,
 * against a plain loop in the same run) ran, per unit, on main:
 *   f32/f64 ceil/floor/trunc/nearest 11x; float<->int conversions (convert + trunc pair) 12-24x
 *   (trunc_sat the same, and 0xfc ops had no weight table at all); f32x4/f64x2 min/max 13-19x;
 *   i32x4.trunc_sat_f64x2_u_zero 27x, f32x4.convert_i32x4_u 18x; SIMD rounding 10-11x;
 *   all_true/any_true/bitmask 5-9x; q15mulr 8x; extmul 6x; clz/ctz/popcnt 4x.
 * Re-run on main in a run whose plain loop was fast (0.052 ns/unit): the checked chains 12-39x
 * (i32x4.trunc_sat_f64x2_u_zero 39x, conversions 21-32x, f64.floor 27x); with the fix 1.4-1.9x (plain
 * 0.064 ns/unit; the bench's f64.floor and conversion kernels 1.6x at 0.097, ~3.3x at 0.047).
 * Bounded in time by maxCallMs (refills every 100 000 units), but fuel said 10-27x too little.
 * Fixed: OP_WEIGHTS / SIMD_WEIGHTS extended and FC_WEIGHTS added (ts/wasm/rewrite.ts), each
 * weight set so the chain runs ~2x a plain loop per unit (the band an unweighted f32x4.add chain
 * runs in: 2-3x). The 0xfc weight reads
 * the sub-opcode as a LEB (a padded encoding gets the same weight).
 * Not fixed here (residual, figures in the report): dependent f32.mul / f64.mul chains 6-13x and
 * f32x4/f64x2.mul 6x (every float program multiplies; weighting them is a pricing decision), and
 * subnormal operands (below).
 * The assertions count units (deterministic); the ns ratios are printed, not asserted.
 */
import { describe, expect, it } from 'vitest';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const REPS = 16;
const N = 100_000;
const INIT: Record<string, string> = { f64: '(f64.convert_i32_s (local.get $n))', f32: '(f32.convert_i32_s (local.get $n))', v128: '(i32x4.splat (local.get $n))' };
const OUT: Record<string, string> = { f64: '(i32.trunc_sat_f64_s (local.get $v))', f32: '(i32.trunc_sat_f32_s (local.get $v))', v128: '(i32x4.extract_lane 0 (local.get $v))' };

function chain(type: string, op: (x: string) => string, init = INIT[type]!) {
  const body = Array.from({ length: REPS }, () => `(local.set $v ${op('(local.get $v)')})`).join(' ');
  return `(module (func (export "f") (param $n i32) (result i32) (local $v ${type})
    (local.set $v ${init})
    (loop $l ${body} (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    ${OUT[type]}))`;
}

const PLAIN = `(module (func (export "f") (param $n i32) (result i32) (local $s i32)
  (loop $l (local.set $s (i32.add (local.get $s) (local.get $n)))
    (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
  (local.get $s)))`;

async function run(src: string, n: number) {
  const { engine } = freshEngine({ fuelPerCall: 0, maxCallMs: 0 });
  const inst = await engine.loadMod(await wat(src));
  let best = Infinity;
  let units = 0;
  for (let k = 0; k < 4; k++) {
    const t0 = performance.now();
    inst.call('f', [n]);
    units = inst.lastCallFuel;
    best = Math.min(best, ((performance.now() - t0) * 1e6) / units);
  }
  return { nsPerUnit: best, unitsPerIter: units / n };
}

const V0 = '(v128.const i32x4 1 2 3 4)';
const CASES: [string, string][] = [
  ['f64.floor', chain('f64', (x) => `(f64.floor ${x})`)],
  ['f32.nearest', chain('f32', (x) => `(f32.nearest ${x})`)],
  ['f64.convert_i32_u + i32.trunc_f64_u', chain('f64', (x) => `(f64.convert_i32_u (i32.trunc_f64_u ${x}))`)],
  ['f32.convert_i32_s + i32.trunc_sat_f32_s', chain('f32', (x) => `(f32.convert_i32_s (i32.trunc_sat_f32_s ${x}))`)],
  ['f64.convert_i64_s + i64.trunc_sat_f64_s', chain('f64', (x) => `(f64.convert_i64_s (i64.trunc_sat_f64_s ${x}))`)],
  ['f64x2.max', chain('v128', (x) => `(f64x2.max ${x} ${V0})`)],
  ['f32x4.min', chain('v128', (x) => `(f32x4.min ${x} ${V0})`)],
  ['i32x4.trunc_sat_f64x2_u_zero', chain('v128', (x) => `(i32x4.trunc_sat_f64x2_u_zero ${x})`)],
  ['f32x4.convert_i32x4_u', chain('v128', (x) => `(f32x4.convert_i32x4_u ${x})`)],
  ['f32x4.floor', chain('v128', (x) => `(f32x4.floor ${x})`)],
  ['i64x2.all_true (+ splat)', chain('v128', (x) => `(i32x4.splat (i64x2.all_true ${x}))`)],
];

describe('long-latency instructions are weighted by their latency', () => {
  it('chains of 16 dependent rounding, conversion and SIMD min/max/convert ops bill >= 8 units per op', async () => {
    const plain = await run(PLAIN, 20_000_000);
    const rows = [`plain loop: ${plain.nsPerUnit.toFixed(3)} ns/unit`];
    const light: string[] = [];
    for (const [name, src] of CASES) {
      const m = await run(src, N);
      rows.push(`${name}: ${m.unitsPerIter.toFixed(0)} units/iteration, ${(m.nsPerUnit / plain.nsPerUnit).toFixed(1)}x a plain loop per unit`);
      // the loop's own control is ~5 units; each link is local.get, op(s), local.set (+ a const)
      if (m.unitsPerIter < REPS * 8) light.push(name);
    }
    console.log(rows.join('\n'));
    expect(light).toEqual([]);
  }, 120_000);

  it('a saturating truncation written with a padded sub-opcode (0xfc 0x82 0x00) is weighted like the plain one', async () => {
    // (func (export "f") (result i32) (f64.const 1.5) (i32.trunc_sat_f64_s) x100 ... ) built by hand:
    const one = [0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0xfc, 0x82, 0x00, 0x1a]; // f64.const 1.5; i32.trunc_sat_f64_s (padded); drop
    const code = [0];
    for (let i = 0; i < 100; i++) code.push(...one);
    code.push(0x41, 0, 0x0b);
    const body = [code.length & 0x7f | 0x80, code.length >> 7, ...code];
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0,
      10, (body.length + 1) & 0x7f | 0x80, (body.length + 1) >> 7, 1, ...body]);
    const { engine } = freshEngine();
    const inst = await engine.loadMod(bytes);
    expect(inst.call('f')).toBe(0);
    console.log(`100 padded i32.trunc_sat_f64_s: ${inst.lastCallFuel} units`);
    expect(inst.lastCallFuel).toBeGreaterThanOrEqual(100 * 16);
  });
});
