import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { PackageError } from '../../ts/engine/errors';
import { PackageRefused } from '../../ts/ant/errors';
import { readZip } from '../../ts/ant/zip';
import { craftZip } from './zip-craft';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('readZip', () => {
  it('reads stored and deflated entries from a jszip-made zip, skipping folders', async () => {
    const zip = new JSZip();
    zip.file('core.wasm', 'core bytes');
    zip.file('core/lib.wasm', 'x'.repeat(10000), { compression: 'DEFLATE' });
    zip.folder('empty');
    const files = await readZip(await zip.generateAsync({ type: 'uint8array' }));
    expect([...files.keys()].sort()).toEqual(['core.wasm', 'core/lib.wasm']);
    expect(text(files.get('core.wasm'))).toBe('core bytes');
    expect(files.get('core/lib.wasm')!.length).toBe(10000);
  });

  it('reads hand-made zips with deflate', async () => {
    const files = await readZip(craftZip([{ name: 'a.txt', data: 'hello hello hello', method: 8 }, { name: 'b/c.txt', data: '' }]));
    expect(text(files.get('a.txt'))).toBe('hello hello hello');
    expect(files.get('b/c.txt')!.length).toBe(0);
  });

  it('reads an empty zip', async () => {
    expect((await readZip(craftZip([]))).size).toBe(0);
  });

  it('refusals are PackageErrors with a precise code and errno', async () => {
    const err = await readZip(new Uint8Array([1, 2, 3])).catch((e) => e);
    expect(err).toBeInstanceOf(PackageError);
    expect(err).toBeInstanceOf(PackageRefused);
    expect(err.code).toBe('NotAZip');
    expect(err.errno).toBe(41);
    expect(err.describe()).toMatch(/^NotAZip: /);
  });

  it('a CRC mismatch is EntryCorrupt', async () => {
    await expect(readZip(craftZip([{ name: 'a', data: 'abc', crc32: 1234 }]))).rejects.toMatchObject({ code: 'EntryCorrupt', entry: 'a' });
  });
});
