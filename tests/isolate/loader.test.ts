import { afterAll, describe, expect, it } from 'vitest';
import { CompileError, LinkError } from '../../ts/index';
import { stopLoader } from '../../ts/isolate/loader';
import { loadCache } from '../../ts/engine/load-cache';
import { straightLeaf } from '../../bench/load';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const LOOP = `(module
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (loop $l (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;

afterAll(() => stopLoader());

describe('off-thread loading (the loader worker)', () => {
  it('validates, rewrites and compiles in a worker: the same module, metered, as on the main thread', async () => {
    const { engine } = freshEngine();
    loadCache.clear();
    const bytes = await wat(LOOP);
    const off = await engine.compile({ name: 'loop.wasm', bytes }, { offThread: true });
    loadCache.clear();
    const on = await engine.compile({ name: 'loop.wasm', bytes }, { offThread: false });
    expect(off.bytes).toEqual(on.bytes);
    expect(off.metered).toBe(true);
    expect(off.info).toEqual(on.info);
    const inst = await engine.instantiate(off);
    expect(inst.call('sum', [1000])).toBe(500500);
    expect(inst.lastCallFuel).toBeGreaterThan(1000);
  });

  it('reports a refusal from the worker as the same error the main thread gives', async () => {
    const { engine } = freshEngine();
    const invalid = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x00);
    const e1 = await engine.compile({ name: 'bad.wasm', bytes: invalid }, { offThread: true }).catch((e) => e);
    const e2 = await engine.compile({ name: 'bad.wasm', bytes: invalid }, { offThread: false }).catch((e) => e);
    expect(e1).toBeInstanceOf(CompileError);
    expect(e1.message).toBe(e2.message);
    expect(e1.place.module).toBe('bad.wasm');
    const reserved = await wat('(module (func (export "__wasgo_fuel")))');
    await expect(engine.compile({ name: 'r.wasm', bytes: reserved }, { offThread: true })).rejects.toBeInstanceOf(LinkError);
  });

  it('keeps the main thread free while a 1 MB module loads, and puts the result in the load cache', async () => {
    const { engine } = freshEngine();
    loadCache.clear();
    const { bytes } = straightLeaf(1_000_000); // one body just under maxBodyBytes (1 MiB), as written and as metered
    await engine.compile({ name: 'warm.wasm', bytes: await wat(LOOP) }, { offThread: true }); // the worker is up
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const compiled = await engine.compile({ name: 'leaf.wasm', bytes }, { offThread: true });
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(compiled.metered).toBe(true);
    // the main thread ran its timer while the worker loaded (a main-thread load runs no timer at all)
    expect(ticks).toBeGreaterThanOrEqual(Math.min(3, Math.floor(ms / 20)));
    const hits = loadCache.stats.hits;
    await engine.compile({ name: 'leaf.wasm', bytes }, { offThread: true });
    expect(loadCache.stats.hits - hits).toBe(1);
  });
});
