import { fromBase64, toBase64 } from './encoding';
import { PackageRefused } from './errors';
import { ed25519Generate, ed25519Sign, ed25519Verify, encodeSignatureFile } from './signature';

/**
 * A signing key file, as `wasgo keygen` would write it (keep it private; share `publicKey`,
 * which is what goes into the trustedKeys setting):
 *
 *   { "type": "wasgo-ant-signing-key", "alg": "Ed25519",
 *     "publicKey": "<base64 of 32 raw bytes>", "privateKey": "<base64 of PKCS#8 DER>" }
 */
export interface SigningKey {
  type: 'wasgo-ant-signing-key';
  alg: 'Ed25519';
  publicKey: string;
  privateKey: string;
}

export async function generateSigningKey(): Promise<SigningKey> {
  const { publicKey, pkcs8 } = await ed25519Generate();
  return { type: 'wasgo-ant-signing-key', alg: 'Ed25519', publicKey: toBase64(publicKey), privateKey: toBase64(pkcs8) };
}

/** Parses a key file's text. Throws PackageRefused(SigningKeyInvalid). */
export function parseSigningKey(text: string): SigningKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const k = (json ?? {}) as Partial<Record<keyof SigningKey, unknown>>;
  if (k.type !== 'wasgo-ant-signing-key' || k.alg !== 'Ed25519') throw invalid('not a wasgo-ant-signing-key Ed25519 key file');
  if (typeof k.publicKey !== 'string' || fromBase64(k.publicKey)?.length !== 32) throw invalid('"publicKey" must be base64 of 32 bytes');
  if (typeof k.privateKey !== 'string' || !fromBase64(k.privateKey)?.length) throw invalid('"privateKey" must be base64 PKCS#8');
  return { type: k.type, alg: k.alg, publicKey: k.publicKey, privateKey: k.privateKey };
}

/** ant.sig bytes for `manifest`; checks the key pair matches so a bad key file never ships. */
export async function signManifest(manifest: Uint8Array, key: SigningKey): Promise<Uint8Array> {
  const publicKey = fromBase64(key.publicKey);
  const pkcs8 = fromBase64(key.privateKey);
  if (publicKey?.length !== 32 || !pkcs8) throw invalid('malformed key');
  let signature: Uint8Array;
  try {
    signature = await ed25519Sign(pkcs8, manifest);
  } catch (cause) {
    if (cause instanceof PackageRefused) throw cause;
    throw invalid(`WebCrypto refused the private key: ${(cause as Error).message}`);
  }
  if (!(await ed25519Verify(publicKey, signature, manifest))) throw invalid('publicKey does not belong to privateKey');
  return encodeSignatureFile(publicKey, signature);
}

function invalid(why: string): PackageRefused {
  return new PackageRefused('SigningKeyInvalid', `signing key: ${why}`);
}
