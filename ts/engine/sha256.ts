/**
 * Synchronous SHA-256 (the load cache's key must be computed on the sync load path too, and Web
 * Crypto is async only). Node's native hash when the runtime has one (~1-2 GB/s), else a plain
 * JS implementation (FIPS 180-4; a few hundred MB/s once optimised by the JIT).
 */

type NodeHash = { update(b: Uint8Array): NodeHash; digest(): Uint8Array };
type NodeCrypto = { createHash(alg: string): NodeHash };

const nodeCrypto: NodeCrypto | undefined = (() => {
  try {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return p?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

/** A native synchronous SHA-256 exists here (Node); without one, hashing big inputs synchronously is slow (~30 ms per MB). */
export const NATIVE_SYNC_SHA256 = nodeCrypto !== undefined;

export function sha256(bytes: Uint8Array): Uint8Array {
  if (nodeCrypto) return new Uint8Array(nodeCrypto.createHash('sha256').update(bytes).digest());
  return sha256Js(bytes);
}

/** Web Crypto's native digest where there is no synchronous native one (browsers): off the JS thread's hot path. */
export async function sha256Async(bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (nodeCrypto || !subtle) return sha256(bytes);
  return new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export function sha256Hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of sha256(bytes)) s += b.toString(16).padStart(2, '0');
  return s;
}

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
].map((x) => x | 0));

/** The portable implementation (exported for its test against Node's). All arithmetic in int32. */
export function sha256Js(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  // The message's whole blocks are hashed in place; the rest + 0x80 + zeros + 64-bit length go in `tail`.
  const fullBlocks = n >>> 6;
  const rest = n - fullBlocks * 64;
  const tailBlocks = rest + 9 > 64 ? 2 : 1;
  const tail = new Uint8Array(128);
  tail.set(bytes.subarray(fullBlocks * 64));
  tail[rest] = 0x80;
  const tv = new DataView(tail.buffer);
  tv.setUint32(tailBlocks * 64 - 8, Math.floor(n / 2 ** 29));
  tv.setUint32(tailBlocks * 64 - 4, (n << 3) >>> 0);
  const h = new Int32Array([0x6a09e667, 0xbb67ae85 | 0, 0x3c6ef372, 0xa54ff53a | 0, 0x510e527f, 0x9b05688c | 0, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Int32Array(64);
  for (let b = 0; b < fullBlocks; b++) compress(h, w, bytes, b * 64);
  for (let b = 0; b < tailBlocks; b++) compress(h, w, tail, b * 64);
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) ov.setInt32(i * 4, h[i]!);
  return out;
}

function compress(h: Int32Array, w: Int32Array, src: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + (i << 2);
    w[i] = (src[p]! << 24) | (src[p + 1]! << 16) | (src[p + 2]! << 8) | src[p + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!, c = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((c >>> 17) | (c << 15)) ^ ((c >>> 19) | (c << 13)) ^ (c >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (k + S1 + ch + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0; h[5] = (h[5]! + f) | 0; h[6] = (h[6]! + g) | 0; h[7] = (h[7]! + k) | 0;
}
