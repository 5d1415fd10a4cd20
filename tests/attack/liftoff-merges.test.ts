/**
 * Attack: V8's baseline compiler (Liftoff) merges the whole local state at every branch to a label
 * and every loop header, so compiling a function costs ~locals x branches. Functions are compiled
 * lazily inside their first call, where neither fuel nor the deadline sees it, and the metered
 * body runs so few units afterwards that no refill checks the deadline at all: the call RETURNS
 * normally, seconds late. Measured (default settings, maxCallMs 250, 2-core VM, Node 20):
 *   49 000 i32 locals (under maxLocals 50 000), one loop holding 10 000 `br_if 0` (a 40 KB
 *   module): first call 2 874 ms, returned OK (68 939 units), second call 0.2 ms;
 *   49 000 locals, 1 000 br_if (4 KB): 180 ms; 49 000 locals, 256 nested empty loops (808 B):
 *   1 338 ms (raw V8 without WasGo: 350 ms; the rewriter's loop wrappers add 2 blocks + 1 loop
 *   per loop, so ~4x the merges); raw V8, 5 000 locals x 10 000 br_if: 349 ms; 1 000 x 10 000: 81 ms.
 * With lazy-compile-chain.test.ts: k such functions entered at once cost k x that in one call.
 * Also: a module with exactly 50 000 locals (the default maxLocals) is refused with InternalError
 * ("local count too large" from V8, after the rewriter added its locals), not ModuleTooLarge.
 * Fixed: a shape limit maxLocalMerges (4 000 000; ts/wasm/limits.ts), locals x control merges
 * (block/if/else/end/br/br_if/try/catch 1, loop 1 + its wrappers' 3, br_table its targets) per
 * function, checked as scanned, metered or not; ModuleTooLarge names the function and both
 * numbers. The worst function of Godot's 37.7 MB engine wasm is 91 x 7 379 = 0.67 M (webp_codec
 * 0.17 M). The 50 000-locals InternalError is fixed: tests/attack/locals-at-cap.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ModuleTooLarge } from '../../ts/index';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { freshEngine } from '../helpers/engine';
import { exportedFunction, uleb } from '../helpers/bytes';

/** `(func (export "f") (local i32 x locals) (loop (br_if 0 (i32.const 0)) x branches))` */
export function localsAndBranches(locals: number, branches: number, salt: number): Uint8Array<ArrayBuffer> {
  const code: number[] = [1, ...uleb(locals), 0x7f, 0x41, salt & 0x3f, 0x1a, 0x03, 0x40];
  for (let i = 0; i < branches; i++) code.push(0x41, 0, 0x0d, 0);
  code.push(0x0b, 0x0b);
  return exportedFunction(code);
}

describe("a function's first call cannot compile for seconds", () => {
  it('49 000 locals and 10 000 br_if (40 KB) are refused at load: ModuleTooLarge naming maxLocalMerges', async () => {
    for (const meter of [true, false]) {
      const { engine } = freshEngine(meter ? {} : { fuelPerCall: 0, fuelPerMain: 0 });
      const err = await engine.loadMod(localsAndBranches(49_000, 10_000, Math.floor(Math.random() * 64)), { name: 'merges.wasm' }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ModuleTooLarge);
      expect((err as Error).message).toMatch(/49000 x 1000[0-9] = .* maxLocalMerges = 4000000/);
      expect((err as ModuleTooLarge).place.module).toBe('merges.wasm');
    }
  });

  it('the largest product allowed loads and its first call runs (compile time printed, not asserted)', async () => {
    const { engine } = freshEngine({ maxCallMs: 0 });
    // 10 000 br_if + loop (4) + 2 ends = 10 006 merges; locals chosen so the product is just under the limit.
    const locals = Math.floor(DEFAULT_LIMITS.maxLocalMerges / 10_006);
    const inst = await engine.loadMod(localsAndBranches(locals, 10_000, Math.floor(Math.random() * 64)));
    const t0 = performance.now();
    inst.call('f');
    console.log(`${locals} locals x 10 000 br_if: first call ${(performance.now() - t0).toFixed(1)} ms`);
  });
});
