import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompileError } from '../../ts/index';
import { prepareModule } from '../../ts/engine/prepare';
import { configureLoadCache, DEFAULT_CACHE_MEMORY_BYTES, loadCache } from '../../ts/engine/load-cache';
import { sha256Js } from '../../ts/engine/sha256';
import { wat } from '../helpers/wat';

const LOOP = `(module
  (memory (export "memory") 1)
  (func (export "run") (param $n i32) (result i32) (local $s i32)
    (loop $l (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;

const opts = { name: 'loop.wasm', memoryMb: 16, meter: true };

afterEach(() => {
  configureLoadCache({ memoryBytes: DEFAULT_CACHE_MEMORY_BYTES });
  loadCache.clear();
});

describe('load cache', () => {
  it('prepares a module once per settings: the second load is a hit with the same bytes', async () => {
    loadCache.clear();
    const bytes = await wat(LOOP);
    const before = { ...loadCache.stats };
    const a = prepareModule(bytes, opts);
    const b = prepareModule(bytes, opts);
    expect(loadCache.stats.misses - before.misses).toBe(1);
    expect(loadCache.stats.hits - before.hits).toBe(1);
    expect(b.bytes).toEqual(a.bytes);
    expect(b.info).toEqual(a.info);
    expect(b.frames).toEqual(a.frames);
    // and it is the same rewrite as one made without the cache
    expect(prepareModule(bytes, { ...opts, cache: false }).bytes).toEqual(a.bytes);
  });

  it('keys on every setting that shapes the rewrite', async () => {
    loadCache.clear();
    const bytes = await wat(LOOP);
    const before = loadCache.stats.misses;
    const metered = prepareModule(bytes, opts);
    const unmetered = prepareModule(bytes, { ...opts, meter: false });
    const otherCap = prepareModule(bytes, { ...opts, memoryMb: 32 });
    prepareModule(bytes, { ...opts, limits: { maxLocals: 100 } });
    prepareModule(bytes, { ...opts, maxTableEntries: 7 });
    expect(loadCache.stats.misses - before).toBe(5);
    expect(unmetered.metered).toBe(false);
    expect(metered.metered).toBe(true);
    expect(otherCap.info.memories[0]!.max).toBe(512);
    expect(metered.info.memories[0]!.max).toBe(256);
  });

  it('hands out copies: mutating a result does not change the next load', async () => {
    loadCache.clear();
    const bytes = await wat(LOOP);
    const a = prepareModule(bytes, opts);
    const clean = a.bytes.slice();
    a.bytes.fill(0);
    a.info.exports.length = 0;
    const b = prepareModule(bytes, opts);
    expect(b.bytes).toEqual(clean);
    expect(b.info.exports.map((e) => e.name)).toContain('run');
  });

  it('never caches a refusal: an invalid module is refused every time', async () => {
    loadCache.clear();
    const bad = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x00);
    expect(() => prepareModule(bad, opts)).toThrow(CompileError);
    expect(() => prepareModule(bad, opts)).toThrow(CompileError);
  });

  it('keeps prepared modules on disk when given a folder, and ignores a corrupted entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-cache-'));
    configureLoadCache({ dir });
    const bytes = await wat(LOOP);
    const a = prepareModule(bytes, opts);
    const files = readdirSync(dir).filter((f) => f.endsWith('.wgc'));
    expect(files).toHaveLength(1);
    // a new process: nothing in memory
    loadCache.clear();
    const disk = loadCache.stats.diskHits;
    const b = prepareModule(bytes, opts);
    expect(loadCache.stats.diskHits - disk).toBe(1);
    expect(b.bytes).toEqual(a.bytes);
    expect(b.info).toEqual(a.info);
    // flip one byte of the stored module: a miss, prepared again, and correct
    const path = join(dir, files[0]!);
    const stored = readFileSync(path);
    stored[stored.length - 3] ^= 0xff;
    writeFileSync(path, stored);
    loadCache.clear();
    const misses = loadCache.stats.misses;
    const c = prepareModule(bytes, opts);
    expect(loadCache.stats.misses - misses).toBe(1);
    expect(c.bytes).toEqual(a.bytes);
  });

  it('a cached rewrite is validated before a caller that asks for validation gets it', async () => {
    loadCache.clear();
    const bytes = await wat(LOOP);
    const a = prepareModule(bytes, { ...opts, revalidate: false });
    const b = prepareModule(bytes, { ...opts, revalidate: true });
    expect(WebAssembly.validate(b.bytes)).toBe(true);
    expect(b.bytes).toEqual(a.bytes);
  });

  it('the portable SHA-256 matches Node\'s at every padding boundary', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      const expected = createHash('sha256').update(data).digest('hex');
      expect(Buffer.from(sha256Js(data)).toString('hex')).toBe(expected);
    }
  });
});
