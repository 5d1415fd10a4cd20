/**
 * Attack: the off-thread load path hashes the caller's bytes (awaiting Web Crypto), then hands the
 * same buffer to the loader worker. Bytes changed in between (a host reusing its buffer, or a view
 * of memory something else writes) are rewritten and cached under the ORIGINAL bytes' key: every
 * later load of the original module gets the other module's code (cache poisoning across mods).
 * Measured on main before the fix: the second load of A ran B's code (returned 2, not 1).
 * Fix: compileOffThread takes its own copy of the bytes before the first await.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { stopLoader } from '../../ts/isolate/loader';
import { loadCache } from '../../ts/engine/load-cache';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

afterAll(() => stopLoader());

const mod = (n: number) => wat(`(module (func (export "f") (result i32) (i32.const ${n})))`);

describe('load cache: bytes mutated while an off-thread load is pending', () => {
  it('a load of A never compiles or caches bytes written over A after the call', async () => {
    const { engine } = freshEngine();
    loadCache.clear();
    const a = await mod(1);
    const b = await mod(2);
    expect(a.length).toBe(b.length);
    const buf = a.slice();
    const pending = engine.compile({ name: 'a.wasm', bytes: buf }, { offThread: true });
    buf.set(b); // the caller reuses its buffer once the call has returned
    const first = await engine.instantiate(await pending);
    const again = await engine.instantiate(await engine.compile({ name: 'a.wasm', bytes: a.slice() }, { offThread: true }));
    const sync = engine.instantiateSync(engine.compileSync({ name: 'a.wasm', bytes: a.slice() }));
    console.log(`first load of A returned ${first.call('f')}, second ${again.call('f')}, sync ${sync.call('f')}`);
    expect(first.call('f')).toBe(1);
    expect(again.call('f')).toBe(1);
    expect(sync.call('f')).toBe(1);
  });
});
