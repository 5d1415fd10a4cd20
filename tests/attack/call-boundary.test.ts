/**
 * Attack / wrong error: a call JS cannot make — an export with a v128 parameter or result, or
 * arguments the JS API rejects (a number for an i64, a BigInt or Symbol for an i32) — threw V8's
 * TypeError, reported as `HostError: unexpected host failure: type incompatibility when
 * transforming from/to JS` (or `Cannot convert 5 to a BigInt`), and FAILED the instance although
 * no guest code ran (for a v128 result, the guest ran to the end and the result was then lost).
 * Fixed: instance.call checks the export's type first: BadSignature naming the export, the
 * argument and the type; the instance stays usable.
 */
import { describe, expect, it } from 'vitest';
import { BadSignature } from '../../ts/index';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

describe('calls that cannot cross the JS boundary get a clear error', () => {
  it('v128 results and parameters, wrong argument kinds: BadSignature, instance still ready', async () => {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(await wat(`(module
      (func (export "vec") (result v128) (v128.const i32x4 0 0 0 0))
      (func (export "vecp") (param v128))
      (func (export "wide") (param i64) (result i64) (local.get 0))
      (func (export "narrow") (param i32) (result i32) (local.get 0)))`, { simd: true }));
    const cases: [string, unknown[], RegExp][] = [
      ['vec', [], /v128/], ['vecp', [0], /v128/],
      ['wide', [5], /argument 0 \(i64\).*BigInt/], ['narrow', [5n], /argument 0 \(i32\)/], ['narrow', [Symbol('s')], /argument 0 \(i32\)/],
    ];
    for (const [name, args, msg] of cases) {
      let err: unknown;
      try { inst.call(name, args as never); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(BadSignature);
      expect((err as Error).message).toMatch(msg);
      expect(inst.state).toBe('ready');
    }
    expect(inst.call('wide', [5n])).toBe(5n);
    expect(inst.call('narrow', [7])).toBe(7);
  });
});
