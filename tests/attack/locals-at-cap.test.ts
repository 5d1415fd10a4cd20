/**
 * Found by the attacker pass: a function with exactly maxLocals (then 50 000) locals passed the
 * shape check, then the fuel pass added its own locals (up to 3) and V8 — whose limit is 50 000
 * locals per function — refused the rewritten module: InternalError ("WasGo's bug"), for a module
 * V8 itself accepts. maxLocals now leaves room for the pass's locals, so the refusal is
 * ModuleTooLarge naming the limit, and the largest allowed count loads metered.
 */
import { describe, expect, it } from 'vitest';
import { ModuleTooLarge } from '../../ts/index';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { freshEngine } from '../helpers/engine';
import { exportedFunction, uleb } from '../helpers/bytes';

/** `(func (export "f") (local i32 × n) loop … br_if … end)`: a loop and a call site, so the pass adds its locals. */
function withLocals(n: number): Uint8Array<ArrayBuffer> {
  return exportedFunction([1, ...uleb(n), 0x7f, 0x03, 0x40, 0x41, 0, 0x0d, 0, 0x0b, 0x0b]);
}

describe('locals at the cap', () => {
  it('50 000 locals (V8 accepts them as written) are refused with ModuleTooLarge, not InternalError', async () => {
    expect(WebAssembly.validate(withLocals(50_000))).toBe(true);
    const { engine } = freshEngine();
    const err = await engine.loadMod(withLocals(50_000), { name: 'locals.wasm' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleTooLarge);
    expect((err as Error).message).toMatch(/maxLocals/);
  });

  it('maxLocals locals load metered and run', async () => {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(withLocals(DEFAULT_LIMITS.maxLocals));
    expect(() => inst.call('f')).not.toThrow();
  });
});
