/**
 * Attack: a function's declared locals are zeroed on every call by V8's baseline tier, but the
 * fuel pass charged a call ~20 units whatever the frame size. Measured on this 2-core VM before
 * the fix (default settings, a loop calling `(func (local v128 × 49 000))`):
 *   ~18 µs per call for ~30 units: 615 ns per unit against 0.06 ns for a plain loop (10 000×);
 *   a default call (1e8 units) projected at ~60 s, stopped only by maxCallMs (Timeout at 307 ms,
 *   57 ms late: one 100 000-unit slice is 61 ms of such calls).
 *   i64 × 49 000: 6 ns per unit (100×), i64 × 10 000: 1.3 ns per unit (22×).
 * After (1 unit per 4 bytes of locals past 256 bytes at function entry): 0.09-0.12 ns per unit (≤ 2×).
 */
import { describe, expect, it } from 'vitest';
import { OutOfFuel } from '../../ts/index';
import { localsCharge } from '../../ts/wasm/rewrite';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const caller = `
  (func (export "f") (param $n i32) (result i32) (local $i i32)
    (loop $l (call $g) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))`;

describe('a huge frame of locals is charged at function entry', () => {
  it('charges 1 unit per 4 bytes of declared locals past 256 bytes', () => {
    expect(localsCharge({ locals: [{ count: 10, type: 'i32' }] })).toBe(0);
    expect(localsCharge({ locals: [{ count: 49_000, type: 'v128' }] })).toBe((49_000 * 16 - 256) / 4);
  });

  it('a loop calling a function with 49 000 v128 locals pays for the zeroing', async () => {
    const { engine } = freshEngine();
    const bytes = await wat(`(module (func $g (local ${Array(49_000).fill('v128').join(' ')}) (nop)) ${caller})`, { simd: true });
    const inst = await engine.loadMod(bytes);
    expect(inst.call('f', [10])).toBe(10);
    expect(inst.lastCallFuel).toBeGreaterThan(10 * 190_000); // was ~300
    const t0 = performance.now();
    expect(() => inst.call('f', [1e9])).toThrow(OutOfFuel); // was Timeout after 307 ms
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(200); // ~12 ms measured after the fix
  });
});
