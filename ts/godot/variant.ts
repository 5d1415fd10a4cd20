/**
 * The little of Godot's binary serialization (var_to_bytes) TypeScript writes itself: wrapping
 * already-encoded values into an Array and encoding a String. Everything else is decoded and
 * encoded by Godot (bytes_to_var / var_to_bytes), never here.
 */
const ARRAY = 28;
const STRING = 4;
const encoder = new TextEncoder();

/** var_to_bytes([v0, v1, ...]) from each element's own var_to_bytes encoding. */
export function arrayOf(...encoded: Uint8Array[]): Uint8Array {
  const size = 8 + encoded.reduce((n, e) => n + e.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, ARRAY, true);
  view.setUint32(4, encoded.length, true);
  let at = 8;
  for (const e of encoded) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}

/** var_to_bytes("text"). */
export function stringValue(text: string): Uint8Array {
  const utf8 = encoder.encode(text);
  const out = new Uint8Array(8 + Math.ceil(utf8.length / 4) * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, STRING, true);
  view.setUint32(4, utf8.length, true);
  out.set(utf8, 8);
  return out;
}

/** An empty Array's encoding (what a call with no arguments sends). */
export const EMPTY_ARRAY = arrayOf();

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_PAIRS: string[] = [];
for (let i = 0; i < 4096; i++) B64_PAIRS.push(B64[i >> 6]! + B64[i & 63]!);
const B64_CODES = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_CODES[B64.charCodeAt(i)] = i;

/**
 * Standard base64 with padding. Table-driven: most payloads are a few dozen bytes (one call's
 * arguments or result), where this is several times faster than String.fromCharCode + btoa.
 */
export function toBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const full = n - (n % 3);
  const parts: string[] = [];
  let s = '';
  for (let i = 0; i < full; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += B64_PAIRS[v >> 12]! + B64_PAIRS[v & 4095]!;
    if (s.length >= 8192) {
      parts.push(s);
      s = '';
    }
  }
  if (n - full === 1) {
    const v = bytes[full]! << 16;
    s += B64_PAIRS[v >> 12]! + '==';
  } else if (n - full === 2) {
    const v = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    s += B64_PAIRS[v >> 12]! + B64[(v >> 6) & 63]! + '=';
  }
  parts.push(s);
  return parts.length === 1 ? s : parts.join('');
}

/** Decodes standard base64 (padding optional; whitespace and other characters are errors). */
export function fromBase64(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === 61 /* = */) len--;
  if (len % 4 === 1) throw new Error('invalid base64 (length)');
  const out = new Uint8Array((len * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_CODES[c]! : -1;
    if (v < 0) throw new Error(`invalid base64 character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
