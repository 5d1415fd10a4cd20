import { DEFAULT_SETTINGS, type WasGoSettings } from '../engine/settings';
import { SettingsError } from '../engine/errors';
import { fromBase64, sha256Hex, toBase64 } from './encoding';
import { PackageRefused, problem, type PackageProblem } from './errors';
import { parseManifest, type AntManifest } from './manifest';
import { MANIFEST_ENTRY, SIGNATURE_ENTRY } from './names';
import { decodeSignatureFile, ed25519Verify } from './signature';

/**
 * The Loading Phase's trust decision (spec: a package marked Untrusted MUST abort).
 *
 * - ant.json present → every other entry must be listed with a matching SHA-256 (always).
 * - ant.sig present → it must verify over ant.json with the key it names (always); the key must
 *   be one of `trustedKeys` when `requireSignature` is on.
 * - neither → refused when `requireSignature` is on, allowed (unverified) when off.
 */
export type TrustOptions = Partial<Pick<WasGoSettings, 'requireSignature' | 'trustedKeys'>>;

export interface TrustResult {
  /** May the package run under these options. False means the loader must abort. */
  trusted: boolean;
  /**
   * trusted: verifies with a trusted key. untrusted-key: verifies with a key not in trustedKeys.
   * invalid: ant.sig is malformed or does not verify. absent: no ant.sig.
   */
  signature: 'trusted' | 'untrusted-key' | 'invalid' | 'absent';
  /** Base64 public key that made a verifying signature (trusted or not). */
  signer?: string;
  manifest?: AntManifest;
  /** Every reason the package is untrusted; empty exactly when `trusted`. */
  problems: PackageProblem[];
}

/** `files` is entry name → contents, as readZip returns it. */
export async function verifyPackage(files: ReadonlyMap<string, Uint8Array>, options: TrustOptions = {}): Promise<TrustResult> {
  const requireSignature = options.requireSignature ?? DEFAULT_SETTINGS.requireSignature;
  const trustedKeys = normaliseKeys(options.trustedKeys ?? DEFAULT_SETTINGS.trustedKeys);
  const problems: PackageProblem[] = [];
  const result: TrustResult = { trusted: false, signature: 'absent', problems };
  const collect = (e: unknown) => {
    if (!(e instanceof PackageRefused)) throw e;
    problems.push(e.toProblem());
  };

  const manifestBytes = files.get(MANIFEST_ENTRY);
  if (manifestBytes) {
    try {
      result.manifest = parseManifest(manifestBytes);
      problems.push(...(await checkHashes(files, result.manifest)));
    } catch (e) {
      collect(e);
    }
  }

  const signatureBytes = files.get(SIGNATURE_ENTRY);
  if (!signatureBytes) {
    if (requireSignature) problems.push(problem('UnsignedPackage', 'the package has no ant.sig and requireSignature is on'));
  } else if (!manifestBytes) {
    result.signature = 'invalid';
    problems.push(problem('ManifestInvalid', 'ant.sig is present but ant.json, which it signs, is missing', MANIFEST_ENTRY));
  } else {
    try {
      const { publicKey, signature } = decodeSignatureFile(signatureBytes);
      if (!(await ed25519Verify(publicKey, signature, manifestBytes))) {
        throw new PackageRefused('BadSignature', 'does not verify over ant.json: the package was changed after signing', SIGNATURE_ENTRY);
      }
      result.signer = toBase64(publicKey);
      result.signature = trustedKeys.has(result.signer) ? 'trusted' : 'untrusted-key';
      if (result.signature === 'untrusted-key' && requireSignature) {
        problems.push(problem('UntrustedKey', `signed by ${result.signer}, which is not in trustedKeys`, SIGNATURE_ENTRY));
      }
    } catch (e) {
      result.signature = 'invalid';
      collect(e);
    }
  }
  result.trusted = problems.length === 0;
  return result;
}

async function checkHashes(files: ReadonlyMap<string, Uint8Array>, manifest: AntManifest): Promise<PackageProblem[]> {
  const problems: PackageProblem[] = [];
  for (const [name, bytes] of files) {
    if (name === MANIFEST_ENTRY || name === SIGNATURE_ENTRY) continue;
    const expected = manifest.files.get(name);
    if (expected === undefined) problems.push(problem('UnlistedEntry', 'is not listed in ant.json', name));
    else if ((await sha256Hex(bytes)) !== expected) problems.push(problem('HashMismatch', 'SHA-256 differs from ant.json', name));
  }
  for (const name of manifest.files.keys()) {
    if (!files.has(name)) problems.push(problem('MissingEntry', 'is listed in ant.json but not in the zip', name));
  }
  return problems;
}

/** Canonical base64 of each key; a key that is not 32 bytes of base64 is a settings mistake. */
function normaliseKeys(keys: readonly string[]): Set<string> {
  return new Set(keys.map((k, i) => {
    const raw = typeof k === 'string' ? fromBase64(k.trim()) : undefined;
    if (raw?.length !== 32) throw new SettingsError(`trustedKeys[${i}] must be base64 of a 32-byte Ed25519 public key`);
    return toBase64(raw);
  }));
}
