/**
 * Attack: loop headers are charged only their own instructions, not the charge sequence each
 * header executes (~7 instructions in local mode: local.get, i32.const, i32.sub, local.tee,
 * i32.const, i32.lt_s, br_if), so a back-edge through many nested, nearly empty loop headers runs
 * several times slower per unit than a plain loop. Measured (default settings, 2-core VM, warm):
 *   8 nested loops, one `br_if` to the outermost: 14 units per iteration, 0.43 ns per unit vs
 *   0.057 for a plain loop (7.5x); `(loop (br 0))`: 4.5x; 3 nested: 8.6x.
 * Bounded in time by the budget (1e8 units ≈ 45-75 ms), so not a hang, but over the 3x target.
 * Fixed: a loop header bills at least LOOP_HEADER_MIN (6) units (ts/wasm/rewrite.ts, chargeOf).
 * A flat +6 per header was tried first and reverted: it made the plain-loop baseline dearer, so
 * every other kernel's ratio rose; a minimum leaves headers of real loops (>= 6 units) unchanged.
 */
import { describe, expect, it } from 'vitest';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const NESTED = `(module (func (export "f") (param $n i32) (result i32) (local $i i32)
  (loop $o (loop (loop (loop (loop (loop (loop (loop
    (br_if $o (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))))))))
  (local.get $i)))`;

describe('a loop header pays for its own charge', () => {
  it('8 nested loop headers per iteration are billed at least 4 units each (today 14 units per iteration in all)', async () => {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(await wat(NESTED));
    expect(inst.call('f', [1000])).toBe(1000);
    expect(inst.lastCallFuel / 1000).toBeGreaterThanOrEqual(8 * 4);
  });
});
