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

function uleb(n: number): number[] {
  const o: number[] = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; o.push(b); } while (n);
  return o;
}

/** `(func (export "f") (local i32 × n) loop … br_if … end)`: a loop and a call site, so the pass adds its locals. */
function withLocals(n: number): Uint8Array<ArrayBuffer> {
  const body = [1, ...uleb(n), 0x7f, 0x03, 0x40, 0x41, 0, 0x0d, 0, 0x0b, 0x0b];
  const payload = [1, ...uleb(body.length), ...body];
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0,
    10, ...uleb(payload.length), ...payload]);
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
