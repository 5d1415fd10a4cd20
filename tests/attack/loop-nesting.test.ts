/**
 * Attack: deeply nested loops make V8's optimizing tier (TurboFan) superlinearly slow: measured
 * eager TurboFan time for one function of d nested `loop (br_if 0 (i32.const 0))`, as rewritten
 * (2-core VM, Node 20): d = 64 -> 6 ms (2.9 KB), 128 -> 11 ms, 256 -> 32 ms (11 KB), 512 -> 140 ms,
 * 1 000 -> 506 ms (42 KB), 40 000 -> minutes of a background core (turbofan-nesting.test.ts).
 * Real code TurboFans at ~1.3-1.7 ms per KB here; up to depth 256 the shape stays within ~2x of
 * that per byte, so `maxLoopDepth` (256) bounds the background compile work linearly in the
 * module's size. Blocks nest cheaply (16 000 nested blocks: 22 ms) and are not limited.
 */
import { describe, expect, it } from 'vitest';
import { ModuleTooLarge } from '../../ts/index';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { freshEngine } from '../helpers/engine';
import { nestedLoops } from './turbofan-nesting.test';
import { exportedFunction } from '../helpers/bytes';

/** d nested blocks, each holding one loop: loop depth 1 however deep the blocks go. */
function blocksAroundLoops(d: number): Uint8Array<ArrayBuffer> {
  const one = [0x02, 0x40, 0x03, 0x40, 0x41, 0, 0x0d, 0, 0x0b];
  const code = new Uint8Array(1 + d * one.length + d + 1);
  for (let i = 0; i < d; i++) code.set(one, 1 + i * one.length);
  code.fill(0x0b, 1 + d * one.length);
  return exportedFunction(code);
}

describe('loop nesting is capped (maxLoopDepth)', () => {
  for (const meter of [true, false]) {
    it(`${DEFAULT_LIMITS.maxLoopDepth + 1} nested loops are refused with ModuleTooLarge naming the limit (${meter ? 'metered' : 'fuel off'})`, async () => {
      const { engine } = freshEngine(meter ? {} : { fuelPerCall: 0, fuelPerMain: 0 });
      const err = await engine.loadMod(nestedLoops(DEFAULT_LIMITS.maxLoopDepth + 1), { name: 'deep.wasm' }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ModuleTooLarge);
      expect((err as Error).message).toMatch(/maxLoopDepth = 256/);
      expect((err as ModuleTooLarge).place.module).toBe('deep.wasm');
      expect((err as ModuleTooLarge).place.offset).toBeGreaterThan(0);
    });
  }

  it('exactly maxLoopDepth nested loops load and run', async () => {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(nestedLoops(DEFAULT_LIMITS.maxLoopDepth));
    expect(() => inst.call('f')).not.toThrow();
  });

  it('deep blocks around shallow loops are not limited (10 000 blocks, one loop each)', async () => {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(blocksAroundLoops(10_000));
    expect(() => inst.call('f')).not.toThrow();
  });
});
