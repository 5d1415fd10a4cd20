/**
 * Attack: a host function that throws (wasgo.abort, or wasgo.print with a pointer outside memory)
 * records a fault on the instance; later host calls rethrow it at once without charging anything,
 * and `catch_all` swallows the JS exception. A loop `try (call abort) catch_all` then ran ~10 units
 * per iteration against ~1-3 µs per JS throw. Measured before the fix (default settings, 2-core VM):
 *   abort loop: 254 ms (stopped only by maxCallMs) for 6.9M units billed, 36.7 ns per unit
 *   (325x a plain loop's 0.11 ns); print out-of-bounds loop: 250 ms, 39.5 ns per unit (351x).
 * Fixed: the refill rethrows the instance's fault (the call fails with it anyway) and the rethrowing
 * host call still bills its floor + cost. After: the same calls end in ~4 ms with the same error.
 */
import { describe, expect, it } from 'vitest';
import { GuestMemoryError, GuestTrap, type WasGoError } from '../../ts/index';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const swallowLoop = (imp: string, call: string) => `(module ${imp} (memory (export "memory") 1)
  (func (export "f") (result i32) (local $n i32)
    (loop $l
      (try (do ${call}) (catch_all (local.set $n (i32.add (local.get $n) (i32.const 1)))))
      (br_if $l (i32.lt_u (local.get $n) (i32.const 100000000))))
    (local.get $n)))`;

async function timed(text: string): Promise<{ ms: number; error: WasGoError }> {
  const { engine } = freshEngine();
  const inst = await engine.loadMod(await wat(text));
  const t0 = performance.now();
  try { inst.call('f'); } catch (e) { return { ms: performance.now() - t0, error: e as WasGoError }; }
  throw new Error('expected the call to fail');
}

describe('a host error swallowed by catch_all stops the guest', () => {
  it('wasgo.abort in a try/catch_all loop', async () => {
    const { ms, error } = await timed(swallowLoop('(import "wasgo" "abort" (func $a (param i32 i32 i32 i32)))',
      '(call $a (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))'));
    expect(error).toBeInstanceOf(GuestTrap);
    expect(ms).toBeLessThan(100); // was 254 ms (maxCallMs); ~4 ms after
  });

  it('wasgo.print outside guest memory in a try/catch_all loop', async () => {
    const { ms, error } = await timed(swallowLoop('(import "wasgo" "print" (func $p (param i32 i32)))',
      '(call $p (i32.const 65530) (i32.const 100))'));
    expect(error).toBeInstanceOf(GuestMemoryError);
    expect(ms).toBeLessThan(100); // was 250 ms; ~4 ms after
  });
});
