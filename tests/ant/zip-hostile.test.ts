// Hostile zips: each is refused with its documented code, in bounded time and memory.
import { createDeflateRaw } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackageRefused } from '../../ts/ant/errors';
import { readZip, INFLATE_OVERSHOOT, type ZipReadStats } from '../../ts/ant/zip';
import { DEFAULT_PACKAGE_LIMITS } from '../../ts/ant/limits';
import { concat, craftZip, type CraftEntry } from './zip-craft';

const MiB = 1024 * 1024;
const refused = (bytes: Uint8Array, code: string, entry?: string, limits = {}) =>
  expect(readZip(bytes, { limits })).rejects.toMatchObject(entry === undefined ? { code } : { code, entry });

/** Raw deflate of `total` zero bytes, streamed so the test never holds the inflated data. */
async function deflatedZeros(total: number): Promise<Uint8Array> {
  const z = createDeflateRaw({ level: 9, memLevel: 9 });
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => z.on('end', r));
  const block = Buffer.alloc(MiB);
  for (let written = 0; written < total; written += MiB) {
    if (!z.write(block)) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return new Uint8Array(Buffer.concat(out));
}

describe('zip bombs', async () => {
  const GiB = 1024 * MiB;
  const bomb = await deflatedZeros(GiB); // ~1 MB of deflate that inflates to 1 GiB
  const bombEntry = (size: number): CraftEntry => ({ name: 'core.wasm', method: 8, raw: bomb, size, crc32: 0 });

  it('is small', () => expect(bomb.length).toBeLessThan(2 * MiB));

  it('an honest 1 GiB header is refused before anything inflates', async () => {
    const stats: ZipReadStats = { inflatedBytes: 0, allocatedBytes: 0 };
    await expect(readZip(craftZip([bombEntry(GiB)]), { stats })).rejects.toMatchObject({ code: 'EntryTooLarge', entry: 'core.wasm' });
    expect(stats.inflatedBytes).toBe(0);
    expect(stats.allocatedBytes).toBe(0);
  });

  it('a header that claims 1 KiB is stopped one inflater step past 1 KiB', async () => {
    const stats: ZipReadStats = { inflatedBytes: 0, allocatedBytes: 0 };
    await expect(readZip(craftZip([bombEntry(1024)]), { stats })).rejects.toMatchObject({ code: 'EntrySizeMismatch', entry: 'core.wasm' });
    expect(stats.inflatedBytes).toBeLessThanOrEqual(1024 + INFLATE_OVERSHOOT);
  });

  it('a header that claims just under the entry cap is stopped at the cap, not at 1 GiB', async () => {
    const stats: ZipReadStats = { inflatedBytes: 0, allocatedBytes: 0 };
    const cap = DEFAULT_PACKAGE_LIMITS.maxEntryBytes;
    const t0 = performance.now();
    await expect(readZip(craftZip([bombEntry(cap)]), { stats })).rejects.toMatchObject({ code: 'EntrySizeMismatch' });
    console.log(`bomb (claims ${cap / MiB} MiB): refused after ${(stats.inflatedBytes / MiB).toFixed(1)} MiB inflated, ` +
      `${stats.allocatedBytes} bytes still allocated, ${(performance.now() - t0).toFixed(0)} ms`);
    expect(stats.inflatedBytes).toBeGreaterThan(cap);
    expect(stats.inflatedBytes).toBeLessThanOrEqual(cap + INFLATE_OVERSHOOT);
    expect(stats.allocatedBytes).toBe(0);
  });

  it('many entries that each declare the cap exceed the total before inflating', async () => {
    const stats: ZipReadStats = { inflatedBytes: 0, allocatedBytes: 0 };
    const entries = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ ...bombEntry(DEFAULT_PACKAGE_LIMITS.maxEntryBytes), name }));
    await expect(readZip(craftZip(entries), { stats })).rejects.toMatchObject({ code: 'PackageInflatesTooLarge' });
    expect(stats.inflatedBytes).toBe(0);
  });

  it('overlapping entries (a header hidden inside another entry\'s data) are refused', async () => {
    const hidden = craftZip([{ name: 'b', data: 'hello' }]).subarray(0, 30 + 1 + 5); // b's local header + data
    const zip = craftZip([{ name: 'a', data: hidden }, { name: 'b', data: 'hello', localOffset: 30 + 1 }]);
    await refused(zip, 'ZipCorrupt', 'b');
  });

  it('a zip with a too-large file is refused before parsing', async () => {
    await refused(new Uint8Array(1025), 'PackageTooLarge', undefined, { maxPackageBytes: 1024 });
  });
});

describe('lying headers', () => {
  const data = 'hello world '.repeat(100);
  it('central size smaller than the data', () => refused(craftZip([{ name: 'a', data, method: 8, size: 10, local: { size: 10 } }]), 'EntrySizeMismatch', 'a'));
  it('central size larger than the data', () => refused(craftZip([{ name: 'a', data, method: 8, size: 5000, local: { size: 5000 } }]), 'EntrySizeMismatch', 'a'));
  it('local size differs from central', () => refused(craftZip([{ name: 'a', data, method: 8, local: { size: 5 } }]), 'HeaderMismatch', 'a'));
  it('local name differs from central (jszip would use the local one)', () =>
    refused(craftZip([{ name: 'a.txt', data, local: { name: '../../etc/x' } }]), 'HeaderMismatch', 'a.txt'));
  it('local method differs from central', () => refused(craftZip([{ name: 'a', data, method: 8, local: { method: 0 } }]), 'HeaderMismatch', 'a'));
  it('stored entry with different stored and inflated sizes', () => refused(craftZip([{ name: 'a', data, size: 5, local: { size: 5 } }]), 'EntrySizeMismatch', 'a'));
  it('compressed size beyond the file data', () =>
    refused(craftZip([{ name: 'a', data, method: 8, compressedSize: 100000, local: { compressedSize: 100000 } }]), 'ZipCorrupt', 'a'));
  it('data descriptor headers (zeros in the local header) are accepted', async () => {
    const files = await readZip(craftZip([{ name: 'a', data, method: 8, flags: 0x0808, local: { crc32: 0, size: 0, compressedSize: 0 } }]));
    expect(files.get('a')!.length).toBe(data.length);
  });
  it('corrupt deflate data', () => refused(craftZip([{ name: 'a', method: 8, raw: new Uint8Array([0xff, 0xff, 0xff, 0xff]), size: 10, crc32: 0 }]), 'EntrySizeMismatch', 'a'));
});

describe('entry counts', () => {
  it('100k entries are refused from the end record alone', async () => {
    // 100k stored one-byte entries, built directly: the end record's 16-bit count wraps to 34464.
    const entries: CraftEntry[] = [];
    for (let i = 0; i < 100_000; i++) entries.push({ name: `f${i}`, data: 'x' });
    const zip = craftZip(entries);
    const t0 = performance.now();
    await refused(zip, 'TooManyEntries');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
  it('a directory holding more records than the end record counts', () =>
    refused(craftZip([{ name: 'a' }, { name: 'b' }], { count: 1 }), 'ZipCorrupt'));
  it('an end record counting more records than the directory holds', () =>
    refused(craftZip([{ name: 'a' }], { count: 2 }), 'ZipCorrupt'));
});

describe('entry names', () => {
  const cases: [string, string | Uint8Array, string][] = [
    ['traversal', '../evil.wasm', 'UnsafeEntryName'],
    ['inner traversal', 'core/../../evil.wasm', 'UnsafeEntryName'],
    ['dot segment', 'core/./x.wasm', 'UnsafeEntryName'],
    ['absolute', '/core.wasm', 'UnsafeEntryName'],
    ['backslash', 'core\\x.wasm', 'UnsafeEntryName'],
    ['drive letter', 'C:/core.wasm', 'UnsafeEntryName'],
    ['empty segment', 'core//x.wasm', 'UnsafeEntryName'],
    ['NUL', 'core.wasm\u0000.txt', 'UnsafeEntryName'],
    ['control character', 'core\u001b[2J.wasm', 'UnsafeEntryName'],
    ['invalid UTF-8', new Uint8Array([0x63, 0xff, 0xfe]), 'UnsafeEntryName'],
    ['overlong', 'a'.repeat(256), 'EntryNameTooLong'],
  ];
  for (const [what, name, code] of cases) {
    it(`${what} is ${code}`, async () => {
      const err = await readZip(craftZip([{ name, data: 'x' }])).catch((e) => e);
      expect(err.code).toBe(code);
      expect(err.entry).toBeDefined();
    });
  }
  it('duplicates (jszip would keep the last silently)', () => refused(craftZip([{ name: 'core.wasm', data: 'a' }, { name: 'core.wasm', data: 'b' }]), 'DuplicateEntry', 'core.wasm'));
  it('case collisions', () => refused(craftZip([{ name: 'core.wasm', data: 'a' }, { name: 'Core.wasm', data: 'b' }]), 'EntryNameCollision', 'Core.wasm'));
  it('Unicode normalisation collisions', () => refused(craftZip([{ name: 'caf\u00e9', data: 'a' }, { name: 'cafe\u0301', data: 'b' }]), 'EntryNameCollision', 'cafe\u0301'));
  it('a file that is also a folder', () => refused(craftZip([{ name: 'core', data: 'a' }, { name: 'core/x.wasm', data: 'b' }]), 'EntryNameCollision', 'core'));
  it('a file that is also a folder, in other case', () => refused(craftZip([{ name: 'CORE/x.wasm', data: 'b' }, { name: 'core', data: 'a' }]), 'EntryNameCollision', 'core'));
  it('an Info-ZIP Unicode path field (jszip would use it as the name)', () =>
    refused(craftZip([{ name: 'a.txt', flags: 0, extra: new Uint8Array([0x75, 0x70, 5, 0, 1, 0, 0, 0, 0]), data: 'x' }]), 'UnsupportedZipFeature', 'a.txt'));

  it('__proto__ and constructor names are ordinary files and pollute nothing', async () => {
    const files = await readZip(craftZip([{ name: '__proto__', data: 'p' }, { name: 'constructor', data: 'c' }, { name: 'a/__proto__/x', data: 'x' }]));
    expect([...files.keys()].sort()).toEqual(['__proto__', 'a/__proto__/x', 'constructor']);
    expect(new TextDecoder().decode(files.get('__proto__'))).toBe('p');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('entry kinds', () => {
  it('encrypted flag', () => refused(craftZip([{ name: 'a', data: 'x', flags: 0x0801 }]), 'EncryptedEntry', 'a'));
  it('AES (method 99)', () => refused(craftZip([{ name: 'a', data: 'x', method: 99 }]), 'EncryptedEntry', 'a'));
  it('unknown compression method', () => refused(craftZip([{ name: 'a', data: 'x', method: 14 }]), 'UnsupportedCompression', 'a'));
  it('unix symlink', () =>
    refused(craftZip([{ name: 'link', data: '/etc/passwd', versionMadeBy: 0x031e, externalAttributes: (0o120777 << 16) >>> 0 }]), 'UnsupportedEntryType', 'link'));
  it('unix regular file with permissions is fine', async () => {
    const files = await readZip(craftZip([{ name: 'a', data: 'x', versionMadeBy: 0x031e, externalAttributes: (0o100644 << 16) >>> 0 }]));
    expect(files.has('a')).toBe(true);
  });
  it('folder attribute on a name without a trailing slash', () => refused(craftZip([{ name: 'a', externalAttributes: 0x10 }]), 'UnsupportedEntryType', 'a'));
  it('folder entry with data', () => refused(craftZip([{ name: 'a/', data: 'x' }]), 'UnsupportedEntryType', 'a/'));
  it('ZIP64 end record values', () => refused(craftZip([{ name: 'a' }], { count: 0xffff }), 'UnsupportedZipFeature'));
});

describe('broken containers', () => {
  const good = craftZip([
    { name: 'core.wasm', data: 'x'.repeat(1000), method: 8 },
    { name: 'core/a.wasm', data: 'abc' },
    { name: 'main.wasm', data: 'hello '.repeat(50), method: 8 },
  ]);
  it('not a zip at all', () => refused(new TextEncoder().encode('hello, I am a text file'), 'NotAZip'));
  it('empty input', () => refused(new Uint8Array(0), 'NotAZip'));
  it('a wasm file', () => refused(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'NotAZip'));
  it('truncated (end cut off)', () => refused(good.subarray(0, good.length - 30), 'ZipTruncated'));
  it('truncated inside the end record', () => refused(good.subarray(0, good.length - 5), 'ZipTruncated'));
  it('prefixed data (self-extractor or polyglot)', () => refused(craftZip([{ name: 'a' }], { prefix: new Uint8Array(100) }), 'UnsupportedZipFeature'));
  it('appended data', () => refused(concat([good, new Uint8Array(10)]), 'ZipCorrupt'));
  it('a fake end record in the comment makes the real one trail (jszip reads the last)', async () => {
    const inner = craftZip([{ name: 'evil' }]);
    await refused(craftZip([{ name: 'a' }], { comment: new TextDecoder('latin1').decode(inner.subarray(inner.length - 22)) }), 'ZipCorrupt');
  });
  it('every single-byte truncation is refused, never crashes or hangs', async () => {
    for (let n = 0; n < good.length; n++) {
      const err = await readZip(good.subarray(0, n)).catch((e) => e);
      expect(err.code, `length ${n}`).toMatch(/^(NotAZip|ZipTruncated|ZipCorrupt)$/);
    }
  });
  it('random byte damage is read or refused with a PackageRefused, never anything else', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }), async (edits) => {
      const bytes = good.slice();
      for (const [at, value] of edits) bytes[at] = value;
      const outcome = await readZip(bytes).then(() => 'read', (e) => e);
      if (outcome !== 'read') expect(outcome).toBeInstanceOf(PackageRefused);
    }), { numRuns: 500 });
  });
});
