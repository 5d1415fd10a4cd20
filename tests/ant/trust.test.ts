import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../ts/engine/errors';
import { generateSigningKey, type SigningKey } from '../../ts/ant/keys';
import { packPackage } from '../../ts/ant/pack';
import { readPackage } from '../../ts/ant/package';
import { verifyPackage } from '../../ts/ant/trust';
import { readZip } from '../../ts/ant/zip';

const enc = new TextEncoder();
const WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const game = () => new Map([['core.wasm', WASM], ['core/lib.wasm', WASM], ['data/level1.txt', enc.encode('level one')]]);

/** Rewrites entries of a packed zip (jszip keeps everything else as it was). */
async function tamper(bytes: Uint8Array, edits: Record<string, Uint8Array | null>): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  for (const [name, data] of Object.entries(edits)) {
    if (data === null) zip.remove(name);
    else zip.file(name, data);
  }
  return zip.generateAsync({ type: 'uint8array' });
}

describe('trust', async () => {
  const key: SigningKey = await generateSigningKey();
  const other: SigningKey = await generateSigningKey();
  const signed = await packPackage(game(), { sign: key, name: 'demo', version: '1.0.0' });
  const unsigned = await packPackage(game());
  const trustKey = { trustedKeys: [key.publicKey] };

  it('a package signed with a trusted key is trusted', async () => {
    const pkg = await readPackage(signed, trustKey);
    expect(pkg.trust).toMatchObject({ trusted: true, signature: 'trusted', signer: key.publicKey, problems: [] });
    expect(pkg.manifest).toMatchObject({ name: 'demo', version: '1.0.0' });
    expect(pkg.get('/core.wasm')).toEqual(WASM);
    expect(pkg.get('/data/level1.txt')).toEqual(enc.encode('level one'));
  });

  it('a tampered entry is HashMismatch, even with requireSignature off', async () => {
    const bad = await tamper(signed, { 'core.wasm': enc.encode('evil') });
    await expect(readPackage(bad, trustKey)).rejects.toMatchObject({ code: 'HashMismatch', entry: 'core.wasm', errno: 62 });
    await expect(readPackage(bad, { requireSignature: false })).rejects.toMatchObject({ code: 'HashMismatch' });
  });

  it('an added entry is UnlistedEntry; a removed one MissingEntry', async () => {
    await expect(readPackage(await tamper(signed, { 'core/extra.wasm': WASM }), trustKey)).rejects.toMatchObject({ code: 'UnlistedEntry', entry: 'core/extra.wasm' });
    await expect(readPackage(await tamper(signed, { 'core/lib.wasm': null }), trustKey)).rejects.toMatchObject({ code: 'MissingEntry', entry: 'core/lib.wasm' });
  });

  it('a tampered manifest is BadSignature, even with requireSignature off', async () => {
    const zip = await JSZip.loadAsync(signed);
    const manifest = (await zip.file('ant.json')!.async('string')).replace('"1.0.0"', '"6.6.6"');
    const bad = await tamper(signed, { 'ant.json': enc.encode(manifest) });
    await expect(readPackage(bad, trustKey)).rejects.toMatchObject({ code: 'BadSignature', entry: 'ant.sig' });
    await expect(readPackage(bad, { requireSignature: false })).rejects.toMatchObject({ code: 'BadSignature' });
  });

  it('an entry and its manifest hash both swapped still fail the signature', async () => {
    const zip = await JSZip.loadAsync(signed);
    const evil = enc.encode('evil');
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', evil))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const manifest = JSON.parse(await zip.file('ant.json')!.async('string'));
    manifest.files['core.wasm'] = hash;
    const bad = await tamper(signed, { 'core.wasm': evil, 'ant.json': enc.encode(JSON.stringify(manifest)) });
    await expect(readPackage(bad, trustKey)).rejects.toMatchObject({ code: 'BadSignature' });
  });

  it('a signature from an unknown key is UntrustedKey; allowed (and reported) with requireSignature off', async () => {
    await expect(readPackage(signed, { trustedKeys: [other.publicKey] })).rejects.toMatchObject({ code: 'UntrustedKey', errno: 65 });
    const pkg = await readPackage(signed, { requireSignature: false });
    expect(pkg.trust).toMatchObject({ trusted: true, signature: 'untrusted-key', signer: key.publicKey });
  });

  it('a signature replaced by another key\'s over the same manifest names that key', async () => {
    const resigned = await packPackage(game(), { sign: other, name: 'demo', version: '1.0.0' });
    const sig = (await readZip(resigned)).get('ant.sig')!;
    await expect(readPackage(await tamper(signed, { 'ant.sig': sig }), trustKey)).rejects.toMatchObject({ code: 'UntrustedKey' });
  });

  it('unsigned: refused with requireSignature on (the default), allowed with it off', async () => {
    await expect(readPackage(unsigned)).rejects.toMatchObject({ code: 'UnsignedPackage', errno: 63 });
    await expect(readPackage(unsigned, trustKey)).rejects.toMatchObject({ code: 'UnsignedPackage' });
    const pkg = await readPackage(unsigned, { requireSignature: false });
    expect(pkg.trust).toMatchObject({ trusted: true, signature: 'absent' });
    expect(pkg.manifest?.files.size).toBe(3);
  });

  it('unsigned without a manifest: hashes cannot be checked, allowed only with requireSignature off', async () => {
    const bare = await tamper(unsigned, { 'ant.json': null });
    await expect(readPackage(bare)).rejects.toMatchObject({ code: 'UnsignedPackage' });
    const pkg = await readPackage(bare, { requireSignature: false });
    expect(pkg.manifest).toBeUndefined();
    expect(pkg.get('/core.wasm')).toEqual(WASM);
  });

  it('ant.sig without ant.json is ManifestInvalid', async () => {
    await expect(readPackage(await tamper(signed, { 'ant.json': null }), trustKey)).rejects.toMatchObject({ code: 'ManifestInvalid' });
  });

  it('malformed ant.sig and ant.json', async () => {
    await expect(readPackage(await tamper(signed, { 'ant.sig': enc.encode('not json') }), trustKey)).rejects.toMatchObject({ code: 'BadSignature' });
    await expect(readPackage(await tamper(signed, { 'ant.sig': enc.encode('{"alg":"Ed25519","publicKey":"AAAA","signature":"AAAA"}') }), trustKey))
      .rejects.toMatchObject({ code: 'BadSignature' });
    await expect(readPackage(await tamper(unsigned, { 'ant.json': enc.encode('{"manifestVersion":2,"files":{}}') }), { requireSignature: false }))
      .rejects.toMatchObject({ code: 'ManifestInvalid', entry: 'ant.json' });
    await expect(readPackage(await tamper(unsigned, { 'ant.json': enc.encode('{"manifestVersion":1,"files":{"../x":"00"}}') }), { requireSignature: false }))
      .rejects.toMatchObject({ code: 'ManifestInvalid' });
  });

  it('verifyPackage lists every reason', async () => {
    const bad = await tamper(signed, { 'core.wasm': enc.encode('evil'), 'extra.txt': enc.encode('x') });
    const result = await verifyPackage(await readZip(bad), { trustedKeys: [other.publicKey] });
    expect(result.trusted).toBe(false);
    expect(result.problems.map((p) => p.code).sort()).toEqual(['HashMismatch', 'UnlistedEntry', 'UntrustedKey']);
  });

  it('a __proto__ entry is hashed and listed like any other', async () => {
    const pkg = await readPackage(await packPackage(new Map([['__proto__', WASM], ['core.wasm', WASM]]), { sign: key }), trustKey);
    expect(pkg.manifest!.files.has('__proto__')).toBe(true);
    expect(pkg.get('/__proto__')).toEqual(WASM);
  });

  it('a malformed trusted key is a SettingsError', async () => {
    await expect(verifyPackage(new Map(), { trustedKeys: ['not a key'] })).rejects.toBeInstanceOf(SettingsError);
  });

  it('errors carry the package name as their place', async () => {
    const err = await readPackage(unsigned, { name: 'mygame.ant.zip' }).catch((e) => e);
    expect(err.describe()).toBe('UnsignedPackage: the package has no ant.sig and requireSignature is on (module mygame.ant.zip)');
  });
});
