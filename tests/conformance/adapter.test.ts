/** The gate's fuel accounting works with today's counter (v1) and CONTRACT.md's refill import (v2). */
import { describe, expect, it } from 'vitest';
import { wat } from '../helpers/wat';
import { FuelMeter, rewrite, SLICE } from './adapter';

function instantiate(bytes: Uint8Array) {
  const module = new WebAssembly.Module(new Uint8Array(bytes));
  const imports: Record<string, unknown> = {};
  const meter = new FuelMeter();
  meter.link(module, imports);
  const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  meter.attach(instance);
  return { meter, instance, imports };
}

describe('FuelMeter', () => {
  it('counts a v2 module: i32 slice counter refilled through __wasgo.fuel_refill', async () => {
    // What a v2-rewritten module does: F -= c; if (F < 0) F = fuel_refill(F)
    const bytes = await wat(`(module
      (import "__wasgo" "fuel_refill" (func $refill (param i32) (result i32)))
      (global $F (export "__wasgo_fuel") (mut i32) (i32.const 0))
      (func (export "charge") (param $c i32)
        (global.set $F (i32.sub (global.get $F) (local.get $c)))
        (if (i32.lt_s (global.get $F) (i32.const 0)) (then (global.set $F (call $refill (global.get $F)))))))`);
    const { meter, instance, imports } = instantiate(bytes);
    expect(imports.__wasgo).toBeDefined();
    const charge = instance.exports.charge as (c: number) => void;
    charge(5);
    expect(meter.used()).toBe(5);
    expect(meter.refills).toBe(1);
    charge(SLICE - 5);
    charge(7);
    expect(meter.used()).toBe(SLICE + 7);
    meter.reset();
    charge(3);
    expect(meter.used()).toBe(3);
  });

  it('counts today\'s rewriter (v1: i64 budget counter, no import) and links nothing extra', async () => {
    const bytes = rewrite(await wat('(module (func (export "spin") (param $n i32) (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))'), 'v1');
    const { meter, instance, imports } = instantiate(bytes);
    if (WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(bytes))).length === 0) expect(imports.__wasgo).toBeUndefined();
    expect(meter.metered).toBe(true);
    const spin = instance.exports.spin as (n: number) => void;
    spin(10);
    const ten = meter.used();
    meter.reset();
    spin(1000);
    expect(ten).toBeGreaterThan(0);
    expect(meter.used()).toBeGreaterThan(ten * 50);
  });
});
