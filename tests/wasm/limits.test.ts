/** Shape limits (ModuleTooLarge), table caps, name remapping and linear-time loading (issue 8, items 4-5). */
import { describe, expect, it } from 'vitest';
import { MemoryLimit, ModuleTooLarge } from '../../ts/engine/errors';
import { prepareModule, type PrepareOptions } from '../../ts/engine/prepare';
import { Writer } from '../../ts/wasm/bytes';
import { instrumentFuel } from '../../ts/wasm/fuel';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { remapNames } from '../../ts/wasm/rewrite';
import { BENCH_LIMITS, deepNesting, hugeNames, manyCalls, manyFunctions, manyGlobals, measureLoad } from '../../bench/load';
import { instantiateMetered } from '../helpers/fuel';
import { wat } from './toolchains';

const prepare = (bytes: Uint8Array, o: Partial<PrepareOptions> = {}) => prepareModule(bytes, { name: 'big.wasm', memoryMb: 16, meter: true, ...o });
const errorOf = (fn: () => unknown): Error => { try { fn(); } catch (e) { return e as Error; } throw new Error('expected a refusal'); };

describe('shape limits', () => {
  it('has documented defaults', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxTables: 16, maxTableEntries: 100_000, maxFunctions: 100_000, maxGlobals: 10_000, maxLocals: 49_997, maxCustomBytes: 4 * 1024 * 1024 });
  });

  it('refuses each shape over its limit with ModuleTooLarge naming the limit, the value and the cap', async () => {
    const cases: [string, string, Partial<PrepareOptions>][] = [
      ['(module (table 1 funcref) (table 1 funcref) (table 1 funcref))', 'maxTables', { limits: { maxTables: 2 } }],
      ['(module (func) (func) (func))', 'maxFunctions', { limits: { maxFunctions: 2 } }],
      ['(module (import "a" "b" (func)) (func) (func))', 'maxFunctions', { limits: { maxFunctions: 2 } }],
      ['(module (global i32 (i32.const 0)) (global i32 (i32.const 0)))', 'maxGlobals', { limits: { maxGlobals: 1 } }],
      ['(module (func (param i32) (local i32 i32)))', 'maxLocals', { limits: { maxLocals: 2 } }],
      ['(module (func $f) (export "a" (func $f)) (export "b" (func $f)))', 'maxExports', { limits: { maxExports: 1 } }],
      ['(module (import "a" "b" (func)) (import "a" "c" (func)))', 'maxImports', { limits: { maxImports: 1 } }],
      ['(module (func (drop (i32.add (i32.const 1) (i32.const 2)))))', 'maxBodyBytes', { limits: { maxBodyBytes: 4 } }],
      ['(module (table 200 funcref))', 'maxTableEntries', { maxTableEntries: 100 }],
    ];
    for (const [text, limit, o] of cases) {
      const bytes = await wat(text);
      const e = errorOf(() => prepare(bytes, o));
      expect(e, text).toBeInstanceOf(ModuleTooLarge);
      expect(e.message, text).toMatch(new RegExp(`${limit} = \\d+`));
      expect((e as ModuleTooLarge).place.module).toBe('big.wasm');
    }
    const withCustom = new Uint8Array([...(await wat('(module)')), 0, 6, 1, 0x78, 1, 2, 3, 4]);
    expect(errorOf(() => prepare(withCustom, { limits: { maxCustomBytes: 3 } })).message).toMatch(/custom sections: 4 is over the limit maxCustomBytes = 3/);
  });

  it('refuses a module with more functions than the default limit quickly, before reading their bodies', () => {
    const bytes = manyFunctions(150_000);
    const t = performance.now();
    expect(errorOf(() => prepare(bytes))).toBeInstanceOf(ModuleTooLarge);
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it('caps table maxima so table.grow stops at maxTableEntries, and reports the table entries', async () => {
    const bytes = await wat(`(module (table $t (export "t") 1 funcref) (table 2 10 externref)
      (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))`);
    const p = prepare(bytes, { maxTableEntries: 50, meter: false });
    expect(p.tableEntries).toBe(60);
    const { instance } = await WebAssembly.instantiate(p.bytes);
    const grow = instance.exports.grow as (n: number) => number;
    expect(grow(49)).toBe(1);
    expect(grow(1)).toBe(-1);
    expect((instance.exports.t as WebAssembly.Table).length).toBe(50);
  });

  it('charges table.grow per element', async () => {
    const bytes = await wat(`(module (table $t 0 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))`);
    const m = await instantiateMetered(prepare(bytes, { maxTableEntries: 100_000 }).bytes, 1e12);
    const small = m.run('grow', 1e12, 10).used;
    const big = m.run('grow', 1e12, 10_000).used;
    expect(big - small).toBeGreaterThan(9_990 * 100);
  });

  it('still refuses memories over the cap with MemoryLimit', async () => {
    const bytes = await wat('(module (memory 1000))');
    expect(errorOf(() => prepare(bytes))).toBeInstanceOf(MemoryLimit);
  });

  it('keeps an unmetered module whose tables fit and that has no memory or start function byte-identical', async () => {
    const bytes = await wat('(module (table 1 5 funcref) (func (export "f") (result i32) (i32.const 1)))', { names: true });
    const p = prepare(bytes, { meter: false });
    expect(Buffer.from(p.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('an unmetered module with a memory within the cap only gains the host-access export (__wasgo_memory)', async () => {
    const bytes = await wat('(module (memory 1 2) (func (export "f") (result i32) (i32.const 1)))');
    const p = prepare(bytes, { meter: false });
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(p.bytes)).map((e) => `${e.name}:${e.kind}`);
    expect(exports).toEqual(['f:function', '__wasgo_memory:memory']);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(p.bytes))).toEqual([]);
  });
});

describe('names survive metering', () => {
  it('shifts function names past the refill import, so guest stack traces keep them', async () => {
    const bytes = await wat(`(module (import "env" "h" (func $h))
      (func $inner (export "boom") (unreachable)) (func $outer (export "outer") (call $inner)))`, { names: true });
    const m = await instantiateMetered(instrumentFuel(bytes), 1e9, { env: { h: () => {} } });
    const r = m.run('outer', 1e9);
    expect(r.result).toBeInstanceOf(WebAssembly.RuntimeError);
    const stack = (r.result as Error).stack ?? '';
    expect(stack).toMatch(/inner/);
    expect(stack).toMatch(/outer/);
  });

  it('streams a big name section without decoding it, and drops a malformed one', () => {
    const sub = new Writer().uleb(100_000);
    for (let i = 0; i < 100_000; i++) sub.uleb(i).name(`function_${i}`);
    const payload = new Writer().byte(0).uleb(2).name('m').byte(1).uleb(sub.length).bytes(sub.view()).byte(3).uleb(1).byte(0).finish();
    const t = performance.now();
    const out = remapNames(payload, 10)!;
    expect(performance.now() - t).toBeLessThan(2_000);
    // module name kept, label names (3) dropped, indices 10.. shifted by one
    expect(out.subarray(0, 4)).toEqual(Uint8Array.of(0, 2, 1, 0x6d));
    expect(out[out.length - 1]).not.toBe(0); // the 3-subsection is gone
    expect(remapNames(Uint8Array.of(1, 200, 1), 0)).toBeUndefined();
  });
});

describe('linear-time loading of adversarial shapes', () => {
  // Each shape once, with limits raised so it is rewritten rather than refused. Times are
  // generous bounds against quadratic blow-ups (the old planner took 295 s on 500 KB of calls);
  // the ratios to V8 are printed by `npm run bench load`.
  const shapes: [string, () => Uint8Array<ArrayBuffer>][] = [
    ['10k nested blocks', () => deepNesting(10_000)],
    ['500 KB of calls in 1000 blocks', () => manyCalls(500_000)],
    ['200k functions', () => manyFunctions(200_000)],
    ['1M globals', () => manyGlobals(999_999)],
    ['24 MB name section', () => hugeNames()],
  ];
  for (const [name, make] of shapes) {
    it(`loads ${name} in linear time`, () => {
      const bytes = make();
      const t = performance.now();
      const p = prepareModule(bytes, { name, memoryMb: 16, meter: true, limits: BENCH_LIMITS, cache: false });
      const ms = performance.now() - t;
      expect(WebAssembly.validate(p.bytes)).toBe(true);
      expect(ms).toBeLessThan(10_000);
      const r = measureLoad(bytes, 1);
      console.log(`${name}: V8 validate + compile ${r.v8.toFixed(1)} ms, WasGo cold ${r.cold.toFixed(1)} ms, cached ${r.cached.toFixed(1)} ms`);
    }, 60_000);
  }

  it('refuses a 24 MB name section by default (maxCustomBytes) without parsing it', () => {
    const bytes = hugeNames();
    const t = performance.now();
    expect(errorOf(() => prepare(bytes))).toBeInstanceOf(ModuleTooLarge);
    expect(performance.now() - t).toBeLessThan(3_000);
  });
});
