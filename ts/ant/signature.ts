import { PackageRefused } from './errors';
import { plainBytes, fromBase64, toBase64 } from './encoding';
import { SIGNATURE_ENTRY } from './names';

/**
 * ant.sig at the zip root: an Ed25519 signature over the exact bytes of ant.json, with the public
 * key that made it, so a changed package ("the signature does not verify") can be told apart
 * from a package signed by someone you do not trust ("verifies, but the key is not trusted").
 *
 *   { "alg": "Ed25519", "publicKey": "<base64 of 32 raw bytes>", "signature": "<base64 of 64 bytes>" }
 */
export interface SignatureFile {
  alg: 'Ed25519';
  publicKey: string;
  signature: string;
}

const ED25519 = { name: 'Ed25519' } as const;

export function encodeSignatureFile(publicKey: Uint8Array, signature: Uint8Array): Uint8Array {
  const file: SignatureFile = { alg: 'Ed25519', publicKey: toBase64(publicKey), signature: toBase64(signature) };
  return new TextEncoder().encode(JSON.stringify(file, null, 2) + '\n');
}

/** Throws PackageRefused(BadSignature) when ant.sig is not in the format above. */
export function decodeSignatureFile(bytes: Uint8Array): { publicKey: Uint8Array; signature: Uint8Array } {
  const bad = (why: string): never => {
    throw new PackageRefused('BadSignature', `malformed ant.sig: ${why}`, SIGNATURE_ENTRY);
  };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bad('not UTF-8 JSON');
  }
  const f = (json ?? {}) as Partial<Record<keyof SignatureFile, unknown>>;
  if (f.alg !== 'Ed25519') bad('"alg" must be "Ed25519"');
  const publicKey = typeof f.publicKey === 'string' ? fromBase64(f.publicKey) : undefined;
  if (publicKey?.length !== 32) bad('"publicKey" must be base64 of 32 bytes');
  const signature = typeof f.signature === 'string' ? fromBase64(f.signature) : undefined;
  if (signature?.length !== 64) bad('"signature" must be base64 of 64 bytes');
  return { publicKey: publicKey!, signature: signature! };
}

/** Ed25519 through WebCrypto; PackageRefused(CryptoUnavailable) where the platform lacks it. */
export async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const subtle = webCrypto();
  try {
    const key = await subtle.importKey('raw', plainBytes(publicKey), ED25519, false, ['verify']);
    return await subtle.verify(ED25519, key, plainBytes(signature), plainBytes(data));
  } catch (cause) {
    if ((cause as Error).name === 'NotSupportedError') throw unavailable(cause);
    return false; // a key WebCrypto rejects cannot have made a valid signature
  }
}

export async function ed25519Sign(pkcs8: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const subtle = webCrypto();
  let key: CryptoKey;
  try {
    key = await subtle.importKey('pkcs8', plainBytes(pkcs8), ED25519, false, ['sign']);
  } catch (cause) {
    if ((cause as Error).name === 'NotSupportedError') throw unavailable(cause);
    throw cause;
  }
  return new Uint8Array(await subtle.sign(ED25519, key, plainBytes(data)));
}

export async function ed25519Generate(): Promise<{ publicKey: Uint8Array; pkcs8: Uint8Array }> {
  const subtle = webCrypto();
  let pair: CryptoKeyPair;
  try {
    pair = (await subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  } catch (cause) {
    throw unavailable(cause);
  }
  return {
    publicKey: new Uint8Array(await subtle.exportKey('raw', pair.publicKey)),
    pkcs8: new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)),
  };
}

function webCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw unavailable(undefined, 'WebCrypto is not available (browsers expose it only in secure contexts)');
  return subtle;
}

function unavailable(cause: unknown, message = 'this platform\'s WebCrypto does not support Ed25519'): PackageRefused {
  return new PackageRefused('CryptoUnavailable', message, undefined, {}, { cause });
}
