import { beforeAll, describe, expect, it } from 'vitest';
import { LinkError } from '../../ts/engine/errors';
import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME, instrumentFuel } from '../../ts/wasm/fuel';
import { FakeOutOfFuel, instantiateMetered } from '../helpers/fuel';
import { inspect } from '../../ts/wasm/inspect';
import { checkReservedNames } from '../../ts/wasm/reserved';
import { C_KERNELS, KERNELS } from '../../bench/fuel';
import { buildCorpus, type CorpusModule } from './corpus';
import { clang, clangMissing, wat } from './toolchains';

type Fn = (...args: number[]) => number;

async function metered(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}) {
  const m = await instantiateMetered(instrumentFuel(bytes, { moduleName: 'test' }), 1e15, imports);
  /** Runs an export under a budget; returns its result (or the exception) and the fuel used. */
  const run = (name: string, budget: number | bigint, ...args: number[]) => m.run(name, Number(budget), ...args);
  return { instance: m.instance, run, meter: m.meter };
}

function expectOutOfFuel(r: { result: unknown; outOfFuel: boolean }) {
  expect(r.result).toBeInstanceOf(FakeOutOfFuel);
  expect(r.outOfFuel).toBe(true);
}

describe('instrumentFuel', () => {
  it('stops an infinite loop with negative fuel', async () => {
    const m = await metered(await wat('(module (func (export "spin") (loop $l (br $l))))'));
    expectOutOfFuel(m.run('spin', 1_000_000n));
  });

  it('stops a loop whose back-edge is a br_table or br_if', async () => {
    const m = await metered(await wat(`(module
      (func (export "table") (param i32) (loop $l (block $b (br_table $l $b $l (local.get 0)))))
      (func (export "brif") (param i32) (loop $l (br_if $l (local.get 0)))))`));
    expectOutOfFuel(m.run('table', 100_000n, 0));
    expectOutOfFuel(m.run('brif', 100_000n, 1));
  });

  it('stops infinite recursion, direct and through call_indirect, before the stack overflows', async () => {
    const m = await metered(await wat(`(module
      (type $v (func))
      (table 1 funcref) (elem (i32.const 0) $viaTable)
      (func $self (export "self") (call $self))
      (func $viaTable (export "indirect") (call_indirect (type $v) (i32.const 0)))
      (func $tail (export "tail") (return_call $tail)))`));
    expectOutOfFuel(m.run('self', 1_000n));
    expectOutOfFuel(m.run('indirect', 1_000n));
    expectOutOfFuel(m.run('tail', 100_000n));
  });

  it('leaves fuel non-negative when the guest traps on its own', async () => {
    const m = await metered(await wat('(module (func (export "boom") (loop $l (br_if $l (i32.const 0))) (call $f)) (func $f (unreachable)))'));
    const r = m.run('boom', 1_000n);
    expect(r.result).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(r.outOfFuel).toBe(false);
    expect(m.meter.fuel!.value as number).toBeGreaterThanOrEqual(0);
  });

  it('writes the counter back on every way out of a call-free looping function', async () => {
    const m = await metered(await wat(`(module
      (func $viaReturn (export "viaReturn") (param $n i32) (result i32)
        (loop $l (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l)) (i32.const 0))
      (func $viaBr (export "viaBr") (param $n i32) (result i32)
        (loop $l (drop (br_if 1 (i32.const 2) (i32.eqz (local.get $n))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l)) (i32.const 0))
      (func $viaTable (export "viaTable") (param $n i32)
        (loop $l (local.get $n) (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_table 1 $l)))
      (func $viaEnd (export "viaEnd") (param $n i32) (result i32)
        (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))) (i32.const 4))
      (func (export "callsInLoop") (loop $l (drop (call $viaEnd (i32.const 3))) (br $l))))`));
    for (const [name, result] of [['viaReturn', 1], ['viaBr', 2], ['viaEnd', 4]] as const) {
      const used = [10, 20, 30].map((n) => m.run(name, 1n << 40n, n));
      expect(used.map((u) => u.result), name).toEqual([result, result, result]);
      expect(used[1]!.used - used[0]!.used, name).toBe(used[2]!.used - used[1]!.used);
      expect(used[1]!.used - used[0]!.used, name).toBeGreaterThan(0);
    }
    const table = [0, 5, 10].map((n) => m.run('viaTable', 1n << 40n, n).used);
    expect(table[2]! - table[1]!).toBe(table[1]! - table[0]!);
    expect(table[1]!).toBeGreaterThan(table[0]!);
    expectOutOfFuel(m.run('callsInLoop', 100_000n));
    expectOutOfFuel(m.run('viaEnd', 1000n, 1_000_000));
  });

  it('gives kernels the same results metered and unmetered', async () => {
    for (const k of KERNELS) {
      const plain = await wat(k.wat);
      const { instance } = await WebAssembly.instantiate(plain);
      const small = k.args.map((a) => Math.max(2, Math.floor(a / 10)));
      const expected = (instance.exports[k.entry] as Fn)(...small);
      const r = (await metered(plain)).run(k.entry, 1n << 60n, ...small);
      expect(r.result, k.name).toBe(expected);
      expect(r.used, k.name).toBeGreaterThan(0);
    }
  });

  it('gives the clang-compiled kernels the same results metered and unmetered', async () => {
    const why = clangMissing();
    if (why) { console.warn(`skipped: ${why}`); return; }
    const plain = clang(C_KERNELS, ['-O2', '-mbulk-memory']);
    const { instance } = await WebAssembly.instantiate(plain);
    const m = await metered(plain);
    for (const k of KERNELS) {
      const small = k.args.map((a) => Math.max(2, Math.floor(a / 10)));
      const full = m.run(k.entry, 1n << 60n, ...small);
      expect(full.result, k.name).toBe((instance.exports[k.entry] as Fn)(...small));
      expect(full.used, k.name).toBeGreaterThan(0);
      expectOutOfFuel(m.run(k.entry, Math.floor(full.used / 2), ...small));
    }
  });

  it('charges more fuel for more work, the same fuel for the same work', async () => {
    const fib = KERNELS.find((k) => k.name === 'fibonacci')!;
    const m = await metered(await wat(fib.wat));
    const used = [5, 10, 15, 20].map((n) => m.run('fib', 1n << 40n, n).used);
    for (let i = 1; i < used.length; i++) expect(used[i]).toBeGreaterThan(used[i - 1]!);
    expect(m.run('fib', 1n << 40n, 15).used).toBe(used[2]);
    const sieve = KERNELS.find((k) => k.name === 'sieve')!;
    const s = await metered(await wat(sieve.wat));
    expect(s.run('sieve', 1n << 40n, 100_000).used).toBeGreaterThan(5 * s.run('sieve', 1n << 40n, 10_000).used);
  });

  it('charges the start function through the refill import (counter 0 when it is run: deferred to __wasgo_start)', async () => {
    const bytes = await wat(`(module (global $g (export "g") (mut i32) (i32.const 0))
      (func $init (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1))) (br_if $l (i32.lt_u (global.get $g) (i32.const 10)))))
      (start $init))`);
    const out = instrumentFuel(bytes);
    let calls = 0;
    const { instance } = await WebAssembly.instantiate(out, { [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: () => (calls++, 1000) } });
    expect((instance.exports.g as WebAssembly.Global).value).toBe(0); // not run inside instantiation
    (instance.exports.__wasgo_start as () => void)();
    expect((instance.exports.g as WebAssembly.Global).value).toBe(10);
    expect(calls).toBeGreaterThan(0);
    const starved = await WebAssembly.instantiate(out, { [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: () => { throw new FakeOutOfFuel(); } } });
    expect(() => (starved.instance.exports.__wasgo_start as () => void)()).toThrow(FakeOutOfFuel);
  });

  it('adds the refill import after the function imports and the i32 counter after all globals', async () => {
    const bytes = await wat(`(module
      (import "env" "a" (global $a i32)) (import "env" "f" (func $f (result i32)))
      (global $b (mut i32) (i32.const 5))
      (func (export "sum") (result i32) (i32.add (i32.add (global.get $a) (global.get $b)) (call $f))))`);
    const info = inspect(instrumentFuel(bytes));
    expect(info.imports.slice(0, 2)).toEqual(inspect(bytes).imports);
    expect(info.imports[2]).toMatchObject({ module: FUEL_REFILL_MODULE, name: FUEL_REFILL_NAME, kind: 'function', type: { params: ['i32'], results: ['i32'] } });
    expect(info.exports.find((e) => e.name === FUEL_EXPORT)).toEqual({ name: FUEL_EXPORT, kind: 'global', index: 2 });
    expect(info.exports.find((e) => e.name === 'sum')!.index).toBe(2); // shifted past the refill import
    const m = await metered(bytes, { env: { a: 10, f: () => 100 } });
    expect(m.run('sum', 1_000n).result).toBe(115);
    const g = m.instance.exports[FUEL_EXPORT] as WebAssembly.Global;
    expect(typeof g.value).toBe('number');
  });

  it('meters modules that lack the sections it adds to (no types, imports, functions, globals, exports, code)', async () => {
    for (const text of ['(module)', '(module (memory 1))', '(module (import "a" "b" (func)))', '(module (global i32 (i32.const 1)))',
      '(module (type (func (param i32) (result i32))) (func (export "f") (type 0) (local.get 0)))', '(module (func) (start 0))']) {
      const out = instrumentFuel(await wat(text));
      expect(WebAssembly.validate(out), text).toBe(true);
      expect(inspect(out).exports.some((e) => e.name === FUEL_EXPORT), text).toBe(true);
    }
  });

  describe('on every module in the corpus', () => {
    let corpus: CorpusModule[];
    beforeAll(async () => { corpus = await buildCorpus(); });
    it('produces valid modules with the same imports and exports plus the counter', () => {
      for (const { name, bytes } of corpus) {
        const out = instrumentFuel(bytes, { moduleName: name });
        expect(WebAssembly.validate(out), name).toBe(true);
        const before = inspect(bytes);
        const after = inspect(out);
        const fImp = before.imports.filter((i) => i.kind === 'function').length;
        expect(after.imports.filter((i) => i.module !== FUEL_REFILL_MODULE), name).toEqual(before.imports);
        const added = after.exports.filter((e) => e.name.startsWith('__wasgo')).length;
        expect(added, name).toBeGreaterThanOrEqual(1);
        expect(after.exports.slice(0, -added), name)
          .toEqual(before.exports.map((e) => (e.kind === 'function' && e.index >= fImp ? { ...e, index: e.index + 1 } : e)));
      }
    });
  });
});

describe('reserved names', () => {
  it('refuses guests importing or exporting __wasgo names', async () => {
    const exporter = await wat('(module (global (export "__wasgo_fuel") (mut i32) (i32.const 0)))');
    const importer = await wat('(module (import "env" "__wasgo_x" (func)))');
    expect(() => checkReservedNames(inspect(exporter), 'm')).toThrow(LinkError);
    expect(() => checkReservedNames(inspect(importer), 'm')).toThrow(/import env\.__wasgo_x uses the reserved prefix/);
    expect(() => instrumentFuel(exporter)).toThrow(LinkError);
    const fine = await wat('(module (func (export "wasgo")))');
    expect(() => checkReservedNames(inspect(fine))).not.toThrow();
  });
});
