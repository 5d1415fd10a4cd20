import { describe, expect, it } from 'vitest';
import { MemoryLimit, UnsupportedFeature } from '../../ts/engine/errors';
import { capMemories } from '../../ts/wasm/memory-caps';
import { inspect } from '../../ts/wasm/inspect';
import { wat } from './toolchains';

const GROWER = (memory: string) => `(module
  ${memory}
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))`;

async function instantiate(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}) {
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  return instance.exports as { grow(n: number): number; size(): number };
}

describe('capMemories', () => {
  it('gives a memory without a maximum the cap, so memory.grow past it returns -1', async () => {
    const bytes = await wat(GROWER('(memory 1)'));
    const capped = capMemories(bytes, { maxPages: 4, moduleName: 'grower' });
    expect(capped.rewritten).toBe(true);
    expect(capped.memories).toEqual([{ min: 1, max: 4 }]);
    expect(inspect(capped.bytes).memories).toEqual([{ min: 1, max: 4 }]);
    const g = await instantiate(capped.bytes);
    expect(g.grow(3)).toBe(1);
    expect(g.grow(1)).toBe(-1);
    expect(g.size()).toBe(4);
  });

  it('lowers a declared maximum above the cap and keeps one below it', async () => {
    expect(capMemories(await wat(GROWER('(memory 1 100)')), { maxPages: 10 }).memories).toEqual([{ min: 1, max: 10 }]);
    const small = await wat(GROWER('(memory 1 2)'));
    const kept = capMemories(small, { maxPages: 10 });
    expect(kept.rewritten).toBe(false);
    expect(Buffer.from(kept.bytes).equals(Buffer.from(small))).toBe(true);
  });

  it('refuses an initial size above the cap, naming module, memory, initial and cap', async () => {
    const bytes = await wat(GROWER('(memory 20)'));
    const err = (() => { try { capMemories(bytes, { maxPages: 16, moduleName: 'big.wasm' }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(MemoryLimit);
    expect((err as MemoryLimit).describe()).toMatch(/memory 0 needs 20 pages .* cap of 16 pages .*module big\.wasm/);
  });

  it('refuses shared and 64-bit memories as unsupported features', async () => {
    const shared = await wat(GROWER('(memory 1 2 shared)'));
    const memory64 = await wat('(module (memory i64 1))');
    expect(() => capMemories(shared, { maxPages: 16 })).toThrow(UnsupportedFeature);
    expect(() => capMemories(shared, { maxPages: 16 })).toThrow(/threads \(shared memory/);
    expect(() => capMemories(memory64, { maxPages: 16 })).toThrow(/64-bit memories/);
  });

  it('reports imported memories with the maximum the engine must give them', async () => {
    const bytes = await wat(`(module (import "env" "memory" (memory 2)) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
    const capped = capMemories(bytes, { maxPages: 8 });
    expect(capped.rewritten).toBe(false);
    expect(capped.imported).toEqual([{ module: 'env', name: 'memory', memoryIndex: 0, limits: { min: 2 }, maximum: 8 }]);
    const im = capped.imported[0]!;
    const memory = new WebAssembly.Memory({ initial: im.limits.min, maximum: im.maximum });
    const g = await instantiate(capped.bytes, { env: { memory } });
    expect(g.grow(6)).toBe(2);
    expect(g.grow(1)).toBe(-1);
    expect(() => capMemories(bytes, { maxPages: 1 })).toThrow(/imported memory 0 \(env\.memory\) needs 2 pages/);
  });

  it('checks the cap option', async () => {
    const empty = await wat('(module)');
    expect(() => capMemories(empty, { maxPages: 70000 })).toThrow(RangeError);
  });
});
