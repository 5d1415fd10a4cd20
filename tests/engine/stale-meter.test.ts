// A call's meter must never outlive the call. The engine keeps the running call's meter as its
// *current* one (ts/engine/meter.ts); an outermost entry (a game calling an export, a module
// instantiated at top level) takes a fresh meter only when there is none. If a frame that made
// a meter current were unwound without putting the previous one back (a JS stack overflow
// hitting the statements between a swap and its `try`, or the `finally` that restores it), the
// finished meter would stay current and every later top-level call and instantiation would
// inherit it: its deadline long past, they would all fail with Timeout (or OutOfFuel).
// (Suspected from one redteam-reentry e2e run whose 203rd load_mod timed out in `~start`.)
import { describe, expect, it } from 'vitest';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

let tries = 0;
/**
 * Runs `fn` at the bottom of the stack, then again one small frame higher each time it throws
 * (a stack overflow somewhere inside it), until it completes: every point of `fn`'s path gets
 * its turn to be the one that overflows.
 */
function atEveryOverflowPoint(fn: () => void): void {
  try {
    atEveryOverflowPoint(fn);
  } catch {
    tries++;
    fn();
  }
}

describe('no stale meter after a stack overflow', () => {
  it('instantiating (start function calling the host) and calling at every overflow point leave no meter behind', async () => {
    const { engine } = freshEngine({ maxCallMs: 250 });
    engine.register({ module: 'game', name: 'nop', params: [], result: 'void', level: 1, kind: 'core', implementation: () => undefined });
    const compiled = await engine.compile(await engine.load(await wat(`(module
      (import "game" "nop" (func $nop))
      (func $s (call $nop) (call $nop))
      (func (export "f") (call $nop) (call $nop))
      (start $s))`), 'start-nop.wasm'));
    for (let k = 0; k < 10; k++) { // early rounds run unoptimized code, later ones optimized
      tries = 0;
      atEveryOverflowPoint(() => engine.instantiateSync(compiled).dispose());
      expect(tries).toBeGreaterThan(0);
      expect(engine.currentMeter, `round ${k}: a meter was left current`).toBeUndefined();
    }
    for (let k = 0; k < 10; k++) {
      const inst = engine.instantiateSync(compiled);
      atEveryOverflowPoint(() => {
        if (inst.state === 'ready') inst.call('f');
      });
      inst.dispose();
      expect(engine.currentMeter, `call round ${k}: a meter was left current`).toBeUndefined();
    }
    // A top-level call after all that gets a fresh meter (deadline and budget of its own).
    const again = engine.instantiateSync(compiled);
    expect(again.call('f')).toBeUndefined();
    expect(again.lastCallFuel).toBeGreaterThan(0);
  }, 60_000);
});
