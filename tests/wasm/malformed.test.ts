import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError, LinkError, MemoryLimit, ModuleTooLarge, UnsupportedFeature } from '../../ts/engine/errors';
import { prepareModule } from '../../ts/engine/prepare';
import { instrumentFuel } from '../../ts/wasm/fuel';
import { inspect } from '../../ts/wasm/inspect';
import { capMemories } from '../../ts/wasm/memory-caps';
import { readModule } from '../../ts/wasm/module';
import { buildCorpus, type CorpusModule } from './corpus';
import { wat } from './toolchains';

/** Runs every pass; anything but a WasGo refusal (or success) fails the test. */
function everyPass(bytes: Uint8Array): void {
  for (const pass of [
    () => inspect(bytes, 'bad'),
    () => capMemories(bytes, { maxPages: 16, moduleName: 'bad' }),
    () => instrumentFuel(bytes, { moduleName: 'bad' }),
    () => prepareModule(bytes, { name: 'bad', memoryMb: 1, meter: true }),
  ]) {
    try {
      pass();
    } catch (e) {
      if (e instanceof CompileError) {
        expect(e.place.module).toBe('bad');
        expect(e.place.offset).toBeGreaterThanOrEqual(0);
        expect(e.place.offset).toBeLessThanOrEqual(bytes.length);
      } else if (e instanceof UnsupportedFeature) {
        expect(e.place.offset).toBeGreaterThanOrEqual(0);
      } else if (!(e instanceof MemoryLimit || e instanceof LinkError || e instanceof ModuleTooLarge)) {
        throw e;
      }
    }
  }
}

function compileErrorOf(bytes: Uint8Array): CompileError {
  try { readModule(bytes, 'bad'); } catch (e) { if (e instanceof CompileError) return e; throw e; }
  throw new Error('expected a CompileError');
}

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('malformed modules', () => {
  let corpus: CorpusModule[];
  beforeAll(async () => { corpus = await buildCorpus(); });

  it('names the offset of a bad header', () => {
    expect(compileErrorOf(new Uint8Array([1, 2, 3])).place.offset).toBe(0);
    expect(compileErrorOf(Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0)).place.offset).toBe(4);
  });

  it('names the offset of a section that claims more bytes than there are', async () => {
    const bytes = await wat('(module (func (export "f")))');
    const bad = bytes.slice();
    bad[9] = 0x7f; // the type section's size
    const e = compileErrorOf(bad);
    expect(e.message).toMatch(/section 1 declares 127 bytes/);
    expect(e.place.offset).toBe(8);
  });

  it('names the offset of a section whose contents overrun or underrun its size', async () => {
    const bytes = await wat('(module (memory 1) (func (export "f")))');
    const m = readModule(bytes);
    const memory = m.sections.find((s) => s.id === 5)!;
    const shorter = bytes.slice();
    shorter[memory.payloadOffset - 1] = 2; // size 3 -> 2: limits run past the section
    expect(compileErrorOf(shorter).place.offset).toBeGreaterThanOrEqual(memory.payloadOffset);
    const longer = Uint8Array.from([...bytes.subarray(0, memory.payloadOffset - 1), 4, ...memory.payload, 0, ...bytes.subarray(memory.payloadOffset + 3)]);
    expect(compileErrorOf(longer).message).toMatch(/left over/);
  });

  it('refuses every truncation of real modules with a CompileError, never anything else', () => {
    for (const { bytes } of corpus.slice(0, 6)) {
      for (let n = 0; n < bytes.length; n += Math.max(1, bytes.length >> 9)) everyPass(bytes.subarray(0, n));
    }
  });

  it('survives random byte corruption and pure garbage without hanging', () => {
    const rnd = random(42);
    for (const { bytes } of corpus) {
      for (let i = 0; i < 150; i++) {
        const bad = bytes.slice();
        for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) bad[8 + Math.floor(rnd() * (bad.length - 8))] = Math.floor(rnd() * 256);
        everyPass(bad);
      }
    }
    for (let i = 0; i < 500; i++) {
      const garbage = Uint8Array.from({ length: 8 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
      garbage.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
      everyPass(garbage);
    }
  });

  it('refuses huge vector counts at once instead of allocating', () => {
    const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f);
    expect(compileErrorOf(bytes).message).toMatch(/vector of 4294967295 items/);
  });
});
