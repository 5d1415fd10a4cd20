import { describe, expect, it } from 'vitest';
import { GROW_REFUSED_EXPORT, instrumentFuel } from '../../ts/wasm/fuel';
import { inspect } from '../../ts/wasm/inspect';
import { rewriteModule } from '../../ts/wasm/rewrite';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { instantiateMetered } from '../helpers/fuel';
import { wat } from './toolchains';

// Issue 8 item 10: a `memory.grow` the cap refuses must be recorded, so the engine can report
// MemoryLimit (the cap, the size asked) instead of whatever the guest does with -1.
describe('refused memory.grow is recorded in __wasgo_grow_refused', () => {
  const text = `(module (memory 1 3)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "growLoop") (param i32) (result i32) (local $r i32)
      (loop $l (local.set $r (memory.grow (local.get 0))) (br_if $l (i32.eqz (i32.const 1))))
      (local.get $r)))`;

  it('stores the pages asked on -1 and leaves 0 on success; the results are the same as unmetered', async () => {
    const bytes = await wat(text);
    const m = await instantiateMetered(instrumentFuel(bytes), 1e15);
    const g = m.instance.exports[GROW_REFUSED_EXPORT] as WebAssembly.Global;
    expect(g.value).toBe(0);
    expect(m.run('grow', 1e15, 1).result).toBe(1); // 1 -> 2 pages: old size
    expect(m.run('grow', 1e15, 0).result).toBe(2);
    expect(g.value).toBe(0);
    expect(m.run('grow', 1e15, 5).result).toBe(-1); // over the declared maximum of 3
    expect(g.value).toBe(5);
    g.value = 0;
    expect(m.run('growLoop', 1e15, 1).result).toBe(2); // local mode (a loop, no calls): 2 -> 3
    expect(g.value).toBe(0);
    expect(m.run('growLoop', 1e15, 1).result).toBe(-1);
    expect(g.value).toBe(1);
    // A request past 2^31 pages is recorded unsigned by the reader.
    expect(m.run('grow', 1e15, -1).result).toBe(-1);
    expect((g.value as number) >>> 0).toBe(0xffffffff);
  });

  it('records a grow the memory cap refuses (the cap replaces a larger declared maximum)', async () => {
    const bytes = await wat('(module (memory 1 100) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))');
    const r = rewriteModule(bytes, { moduleName: 'm', meter: true, maxPages: 2, limits: DEFAULT_LIMITS });
    const m = await instantiateMetered(r.bytes, 1e15);
    const g = m.instance.exports[GROW_REFUSED_EXPORT] as WebAssembly.Global;
    expect(m.run('grow', 1e15, 1).result).toBe(1);
    expect(g.value).toBe(0);
    expect(m.run('grow', 1e15, 1).result).toBe(-1);
    expect(g.value).toBe(1);
  });

  it('is exported, after __wasgo_fuel, by metered modules that have a memory.grow; others get nothing', async () => {
    for (const t of ['(module (memory 1) (func (drop (memory.grow (i32.const 1)))))', '(module (global i32 (i32.const 1)) (memory 1) (func (export "f") (drop (memory.grow (i32.const 1)))))', text]) {
      const info = inspect(instrumentFuel(await wat(t)));
      const fuel = info.exports.find((e) => e.name === '__wasgo_fuel')!;
      expect(info.exports.find((e) => e.name === GROW_REFUSED_EXPORT)).toEqual({ name: GROW_REFUSED_EXPORT, kind: 'global', index: fuel.index + 1 });
    }
    for (const t of ['(module)', '(module (memory 1) (func (export "f") (result i32) (memory.size)))']) {
      expect(inspect(instrumentFuel(await wat(t))).exports.some((e) => e.name === GROW_REFUSED_EXPORT)).toBe(false);
    }
    const r = rewriteModule(await wat(text), { moduleName: 'm', meter: false, maxPages: 2, limits: DEFAULT_LIMITS });
    expect(inspect(r.bytes).exports.some((e) => e.name === GROW_REFUSED_EXPORT)).toBe(false);
  });
});
