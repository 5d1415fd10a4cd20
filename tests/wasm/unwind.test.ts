/**
 * Unwinding costs per frame (legacy exception handling): a guest that recurses N deep, throws,
 * catches at the top and repeats makes V8 unwind N wasm frames per throw (~100 ns each). A fixed
 * `throw` price cannot cover that; modules with a `try` keep a frame counter and every catch
 * handler pays for the frames it unwound (docs/limits.md, "Unwinding").
 */
import { describe, expect, it } from 'vitest';
import { instrumentFuel } from '../../ts/wasm/fuel';
import { UNWIND_FRAME } from '../../ts/wasm/rewrite';
import { ADVERSARIAL_WAT, KERNELS, UNWIND_WAT } from '../../bench/fuel';
import { instantiateMetered } from '../helpers/fuel';
import { wat } from './toolchains';

class HostError extends Error {}
// A faulted instance's host imports rethrow the fault they already hold (ts/table/linker.ts), before any charge.
const prior = new HostError('host');

describe('exception unwinding is paid per frame', () => {
  it('deep throw/catch loops run out of fuel within 3x a plain loop\'s time per unit', async () => {
    const plainM = await instantiateMetered(instrumentFuel(await wat(ADVERSARIAL_WAT)), 1e15, {}, 1 << 24);
    const m = await instantiateMetered(instrumentFuel(await wat(UNWIND_WAT)), 1e15,
      { env: { fail: () => { throw prior; } } }, 1 << 24);
    const nsPerUnit = (inst: typeof m, name: string, budget: number, ...args: number[]) => {
      inst.run(name, budget / 10, ...args); // warm up
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const r = inst.run(name, budget, ...args);
        const ms = performance.now() - t;
        if (name !== 'plain') expect(r.outOfFuel, name).toBe(true);
        best = Math.min(best, (ms * 1e6) / r.used);
      }
      return best;
    };
    const plain = nsPerUnit(plainM, 'plain', 3e8, 1e9);
    const ratios: Record<string, number> = {};
    for (const depth of [0, 100, 1000, 5000]) {
      for (const k of ['deep_throw', 'deep_catch_all', 'deep_host']) {
        ratios[`${k}@${depth}`] = nsPerUnit(m, k, 3e8, 1e9, depth) / plain;
      }
    }
    console.log(`ns per unit: plain ${plain.toFixed(3)}; ratios to plain:`, Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, +v.toFixed(2)])));
    for (const [k, v] of Object.entries(ratios)) expect(v, k).toBeLessThan(3);
  }, 120_000);

  it('charges a catch for the frames between it and the throw, and nothing more', async () => {
    const m = await instantiateMetered(instrumentFuel(await wat(UNWIND_WAT)), 1e15,
      { env: { fail: () => { throw new HostError('host'); } } });
    const used = (depth: number) => m.run('deep_throw', 1e15, 1, depth).used;
    const a = used(10), b = used(1010);
    // 1000 more frames: their calls and bodies (~30 units each) plus the unwinding price
    expect((b - a) / 1000).toBeGreaterThan(UNWIND_FRAME);
    expect((b - a) / 1000).toBeLessThan(UNWIND_FRAME + 100);
    // a throw caught in its own function pays no frames
    const own = m.run('own_catch', 1e15, 100).used;
    expect(own / 100).toBeLessThan(40_000); // the throw's price, not also the JS-exception price
    // a JS exception from a host import caught right away pays what a throw would
    const host = m.run('deep_host', 1e15, 100, 0).used;
    expect(host / 100).toBeGreaterThan(32_768);
  });

  it('is not fooled by frames that returned normally, tail calls, or a catch in a deeper frame', async () => {
    const bytes = await wat(`(module (tag $t)
      (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func $deep (param $d i32) (result i32)
        (if (result i32) (local.get $d)
          (then (call $deep (i32.sub (local.get $d) (i32.const 1))))
          (else (i32.const 0))))
      (func $tail (param $d i32) (result i32)
        (if (local.get $d) (then (return_call $tail (i32.sub (local.get $d) (i32.const 1)))))
        (throw $t))
      (func $inner (param $d i32)
        ;; catches its own deep throw: the outer catch must not pay for these frames again
        (try (do (drop (call $rec (local.get $d)))) (catch $t)) (throw $t))
      (func $rec (param $d i32) (result i32)
        (if (local.get $d) (then (drop (call $rec (i32.sub (local.get $d) (i32.const 1))))) (else (throw $t)))
        (i32.const 0))
      (func (export "returned") (param $d i32) (result i32)
        ;; 1000 frames returned normally before the throw: nothing to unwind
        (try (result i32) (do (drop (call $deep (local.get $d))) (throw $t)) (catch $t (i32.const 1))))
      (func (export "tail") (param $d i32) (result i32)
        ;; a tail-call chain keeps one frame
        (try (result i32) (do (drop (call $tail (local.get $d))) (i32.const 0)) (catch $t (i32.const 2))))
      (func (export "nested") (param $d i32) (result i32)
        (try (result i32) (do (call $inner (local.get $d)) (i32.const 0)) (catch $t (i32.const 3)))))`);
    const plain = (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, (d: number) => number>;
    const m = await instantiateMetered(instrumentFuel(bytes), 1e15);
    for (const name of ['returned', 'tail', 'nested']) {
      const one = m.run(name, 1e15, 1);
      const many = m.run(name, 1e15, 1001);
      expect(many.result, name).toBe(plain[name]!(1001));
      const perFrame = (many.used - one.used) / 1000;
      if (name === 'nested') expect(perFrame, name).toBeGreaterThan(UNWIND_FRAME); // unwound once, by $inner
      if (name === 'nested') expect(perFrame, name).toBeLessThan(UNWIND_FRAME + 100); // ... and not twice
      else expect(perFrame, name).toBeLessThan(100); // nothing unwound
    }
  });

  it('leaves modules without a try as they were (throws in them are still priced at the throw)', async () => {
    for (const k of KERNELS) {
      const b = await wat(k.wat);
      expect(instrumentFuel(b), k.name).toEqual(instrumentFuel(b, { countFrames: false }));
    }
    const thrower = await wat(`(module (tag $t) (func $f (param i32) (if (local.get 0) (then (throw $t))))
      (func (export "g") (param i32) (call $f (local.get 0))))`);
    expect(instrumentFuel(thrower)).toEqual(instrumentFuel(thrower, { countFrames: false }));
    const m = await instantiateMetered(instrumentFuel(thrower), 1e15);
    expect(m.run('g', 1e15, 0).used).toBeLessThan(100); // the throw not taken is not paid
    expect(m.run('g', 1e15, 1).used).toBeGreaterThan(32_768);
  });
});
