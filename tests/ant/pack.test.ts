import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, parseSigningKey } from '../../ts/ant/keys';
import { readDirectoryFiles } from '../../ts/ant/node-files';
import { packPackage } from '../../ts/ant/pack';
import { readPackage } from '../../ts/ant/package';
import { validatePackage } from '../../ts/ant/validate';
import { readZip } from '../../ts/ant/zip';
import { craftZip } from './zip-craft';

const enc = new TextEncoder();
const WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

describe('packPackage', () => {
  it('is deterministic', async () => {
    const key = await generateSigningKey();
    const files = new Map([['core.wasm', WASM], ['b.txt', enc.encode('b')], ['a/x.txt', enc.encode('x')]]);
    const reordered = new Map([...files].reverse());
    expect(await packPackage(files, { sign: key })).toEqual(await packPackage(reordered, { sign: key }));
  });

  it('writes ant.json with sorted hashes and reads back', async () => {
    const bytes = await packPackage(new Map([['core.wasm', WASM], ['a.txt', enc.encode('a')]]), { name: 'g' });
    const manifest = new TextDecoder().decode((await readZip(bytes)).get('ant.json'));
    expect(JSON.parse(manifest)).toEqual({
      manifestVersion: 1,
      name: 'g',
      files: {
        'a.txt': 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
        'core.wasm': expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(manifest.indexOf('a.txt')).toBeLessThan(manifest.indexOf('core.wasm'));
  });

  it('refuses names the reader would refuse, and reserved names', async () => {
    await expect(packPackage(new Map([['../x', WASM]]))).rejects.toMatchObject({ code: 'UnsafeEntryName' });
    await expect(packPackage(new Map([['ant.json', WASM]]))).rejects.toMatchObject({ code: 'UnsafeEntryName' });
    await expect(packPackage(new Map([['a', WASM], ['A', WASM]]))).rejects.toMatchObject({ code: 'EntryNameCollision' });
    await expect(packPackage(new Map([['a', new Uint8Array(100)]]), { limits: { maxEntryBytes: 10 } })).rejects.toMatchObject({ code: 'EntryTooLarge' });
  });

  it('key files round-trip and bad ones are SigningKeyInvalid', async () => {
    const key = await generateSigningKey();
    expect(parseSigningKey(JSON.stringify(key))).toEqual(key);
    expect(() => parseSigningKey('{}')).toThrow(expect.objectContaining({ code: 'SigningKeyInvalid' }));
    const other = await generateSigningKey();
    await expect(packPackage(new Map([['core.wasm', WASM]]), { sign: { ...key, publicKey: other.publicKey } }))
      .rejects.toMatchObject({ code: 'SigningKeyInvalid' });
  });
});

describe('validatePackage', () => {
  it('a good signed package has no problems', async () => {
    const key = await generateSigningKey();
    const bytes = await packPackage(new Map([['core.wasm', WASM]]), { sign: key });
    expect(await validatePackage(bytes, { trustedKeys: [key.publicKey] })).toMatchObject({ ok: true, problems: [] });
  });

  it('lists every problem, not just the first', async () => {
    const bytes = craftZip([
      { name: '../evil', data: 'x' },
      { name: 'Core.wasm', data: 'not wasm' },
      { name: 'a', data: 'x', method: 14 },
      { name: 'b', data: 'x', flags: 0x0801 },
      { name: 'dup', data: 'x' },
      { name: 'dup', data: 'y' },
      { name: 'lie', data: 'hello', method: 8, size: 2, local: { size: 2 } },
    ]);
    const result = await validatePackage(bytes);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => `${p.code} ${p.entry ?? ''}`)).toEqual([
      'UnsafeEntryName ../evil',
      'UnsupportedCompression a',
      'EncryptedEntry b',
      'DuplicateEntry dup',
      'EntrySizeMismatch lie',
      'UnsignedPackage ',
      'MissingCore ',
      'InvalidWasm Core.wasm',
    ]);
    expect(result.problems.find((p) => p.code === 'MissingCore')!.message).toContain('"Core.wasm"');
  });

  it('stops at limits, after the entry problems found so far', async () => {
    const bytes = craftZip([{ name: '../x', data: 'x' }, { name: 'a', data: 'x'.repeat(60) }, { name: 'b', data: 'x'.repeat(60) }]);
    const result = await validatePackage(bytes, { limits: { maxTotalBytes: 100 } });
    expect(result.problems.map((p) => p.code)).toEqual(['UnsafeEntryName', 'PackageInflatesTooLarge']);
    expect(result.trust).toBeUndefined();
  });

  it('reports a zip it cannot read at all as one problem', async () => {
    expect(await validatePackage(enc.encode('nope'))).toMatchObject({ ok: false, problems: [{ code: 'NotAZip' }] });
  });

  it('no /core.wasm is MissingCore (readPackage leaves that to the runtime)', async () => {
    const bytes = await packPackage(new Map([['main.wasm', WASM]]));
    expect((await validatePackage(bytes, { requireSignature: false })).problems.map((p) => p.code)).toEqual(['MissingCore']);
    await expect(readPackage(bytes, { requireSignature: false })).resolves.toBeDefined();
  });
});

describe('readDirectoryFiles (node-only)', () => {
  it('reads a folder tree as entry names, skipping ant.json/ant.sig, refusing symlinks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wasgo-pack-'));
    try {
      await mkdir(join(dir, 'core'));
      await writeFile(join(dir, 'core.wasm'), WASM);
      await writeFile(join(dir, 'core', 'lib.wasm'), WASM);
      await writeFile(join(dir, 'ant.json'), '{}');
      const files = await readDirectoryFiles(dir);
      expect([...files.keys()]).toEqual(['core/lib.wasm', 'core.wasm']);
      const pkg = await readPackage(await packPackage(files), { requireSignature: false });
      expect(pkg.get('/core/lib.wasm')).toEqual(WASM);
      await symlink('/etc/passwd', join(dir, 'link'));
      await expect(readDirectoryFiles(dir)).rejects.toMatchObject({ code: 'UnsupportedEntryType', entry: 'link' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
