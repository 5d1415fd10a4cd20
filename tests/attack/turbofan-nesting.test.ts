/**
 * Attack: V8's optimizing tier (TurboFan) is catastrophically slow on deeply nested loops, and
 * dynamic tiering compiles a hot function with it on a background thread. A 0.28 MB module of
 * 40 000 nested `loop (br_if 0 (i32.const 0))` (each call ~2 ms and ~120 000 units, all within
 * limits) called ~1 000 times in 3 s gets tiered up; from then on the process burns a full core in
 * the background: measured 42.6 s of CPU in 45 s of idle wall time, still going, RSS growing
 * 114 -> 150 MB (2-core VM, Node 20 / V8 11.3). Eager TurboFan (`--no-liftoff`) did not finish
 * compiling it in 60 s. Nothing in WasGo sees or bounds this: no call is slow, no fuel is used.
 * Fixed by the shape limit maxLoopDepth (256, see loop-nesting.test.ts for the measured curve).
 */
import { describe, expect, it } from 'vitest';
import { ModuleTooLarge } from '../../ts/index';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { freshEngine } from '../helpers/engine';
import { exportedFunction } from '../helpers/bytes';

/** `(func (export "f") loop (br_if 0 (i32.const 0)) … ×d nested … end)` */
export function nestedLoops(d: number): Uint8Array<ArrayBuffer> {
  const open = [0x03, 0x40, 0x41, 0, 0x0d, 0];
  const code = new Uint8Array(1 + d * open.length + d + 1);
  for (let i = 0; i < d; i++) code.set(open, 1 + i * open.length);
  code.fill(0x0b, 1 + d * open.length);
  return exportedFunction(code);
}

describe('a module cannot make V8 burn a core in the background', () => {
  it('40 000 nested loops are refused at load (ModuleTooLarge, maxLoopDepth): nothing is compiled', async () => {
    const { engine } = freshEngine();
    await expect(engine.loadMod(nestedLoops(40_000))).rejects.toBeInstanceOf(ModuleTooLarge);
  });

  // Slow (~7 s): the deepest nesting allowed, called until hot, leaves no background compile behind.
  (process.env.WASGO_SLOW_ATTACKS ? it : it.skip)(`${DEFAULT_LIMITS.maxLoopDepth} nested loops (the cap), called until hot: no background CPU afterwards`, async () => {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(nestedLoops(DEFAULT_LIMITS.maxLoopDepth));
    const t0 = performance.now();
    while (performance.now() - t0 < 3000) {
      inst.call('f');
      await new Promise((r) => setImmediate(r));
    }
    const c0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 3000));
    expect(process.cpuUsage(c0).user / 1e6).toBeLessThan(1); // at 40 000 (before the cap): ~2.9 s of CPU per 3 s idle
  }, 20_000);
});
