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

const FLAG_64 = 1 << 16;
const T_NIL = 0, T_BOOL = 1, T_INT = 2, T_FLOAT = 3, T_STRING = 4;
/** Plain types (cannot hold an object or an RID) by header → payload bytes (-1 = String). */
const PLAIN = new Map<number, number>([
  [T_NIL, 0], [T_BOOL, 4], [T_INT, 4], [T_INT | FLAG_64, 8], [T_FLOAT, 4], [T_FLOAT | FLAG_64, 8], [T_STRING, -1],
  [5, 8], [5 | FLAG_64, 16], // Vector2
  [6, 8], // Vector2i
  [7, 16], [7 | FLAG_64, 32], // Rect2
  [8, 16], // Rect2i
  [9, 12], [9 | FLAG_64, 24], // Vector3
  [10, 12], // Vector3i
  [20, 16], // Color
]);

/**
 * Checks the arguments of a call in TypeScript when that is simple: `bytes` must be
 * var_to_bytes of an untyped Array holding only plain values (nil, bool, int, float, String,
 * Vector2/2i/3/3i, Rect2/2i, Color — nothing that can hold an object or an RID), each exactly of
 * its declared type (0 = any), `min`..`max` of them (max -1 = any number). Only headers Godot
 * itself writes are accepted, and every byte must be accounted for, so Godot's bytes_to_var
 * decodes exactly what was checked here. Ints given for float parameters are widened (the bytes
 * are re-encoded). Returns the bytes to send, or null when they need Godot's full check.
 */
export function plainArgs(bytes: Uint8Array, types: readonly number[], min: number, max: number): Uint8Array | null {
  const len = bytes.length;
  if (len < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, len);
  if (view.getUint32(0, true) !== 28) return null;
  const count = view.getUint32(4, true);
  if (count < min || (max >= 0 && count > max) || count > 64) return null;
  let at = 8;
  let widen: number[] | null = null;
  for (let i = 0; i < count; i++) {
    if (at + 4 > len) return null;
    const header = view.getUint32(at, true);
    let size = PLAIN.get(header);
    if (size === undefined) return null;
    if (size < 0) {
      if (at + 8 > len) return null;
      size = 4 + ((view.getUint32(at + 4, true) + 3) & ~3);
    }
    const type = header & 0xff;
    const declared = types[i] ?? 0;
    if (declared !== 0 && declared !== type) {
      if (declared === T_FLOAT && type === T_INT) (widen ??= []).push(at);
      else return null;
    }
    at += 4 + size;
    if (at > len) return null;
  }
  if (at !== len) return null;
  if (!widen) return bytes;
  // Re-encode each int given for a float parameter as a 64-bit float.
  const out = new Uint8Array(len + widen.length * 12);
  const ov = new DataView(out.buffer);
  let from = 0;
  let to = 0;
  for (const w of widen) {
    out.set(bytes.subarray(from, w), to);
    to += w - from;
    const h = view.getUint32(w, true);
    const value = h & FLAG_64 ? Number(view.getBigInt64(w + 4, true)) : view.getInt32(w + 4, true);
    ov.setUint32(to, T_FLOAT | FLAG_64, true);
    ov.setFloat64(to + 4, value, true);
    to += 12;
    from = w + 4 + (h & FLAG_64 ? 8 : 4);
  }
  out.set(bytes.subarray(from), to);
  return out.subarray(0, to + (len - from));
}

/**
 * var_to_bytes of plain results, encoded here instead of in GDScript (a call's result then
 * crosses as one or two numbers rather than a base64 String). Same choices as Godot's encoder:
 * ints and floats take 64 bits only when 32 do not hold them exactly.
 */
export function nilValue(): Uint8Array {
  return new Uint8Array(4);
}

export function boolValue(b: boolean): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = T_BOOL;
  out[4] = b ? 1 : 0;
  return out;
}

/** `n` must be an integer within ±2^53. */
export function intValue(n: number): Uint8Array {
  if (n >= -0x80000000 && n <= 0x7fffffff) {
    const out = new Uint8Array(8);
    const v = new DataView(out.buffer);
    v.setUint32(0, T_INT, true);
    v.setInt32(4, n, true);
    return out;
  }
  const out = new Uint8Array(12);
  const v = new DataView(out.buffer);
  v.setUint32(0, T_INT | FLAG_64, true);
  v.setBigInt64(4, BigInt(n), true);
  return out;
}

export function floatValue(d: number): Uint8Array {
  const wide = Math.fround(d) !== d;
  const out = new Uint8Array(wide ? 12 : 8);
  const v = new DataView(out.buffer);
  v.setUint32(0, T_FLOAT | (wide ? FLAG_64 : 0), true);
  if (wide) v.setFloat64(4, d, true);
  else v.setFloat32(4, d, true);
  return out;
}

/** A Vector2 of 32-bit floats (Godot's default build). */
export function vector2Value(x: number, y: number): Uint8Array {
  const out = new Uint8Array(12);
  const v = new DataView(out.buffer);
  v.setUint32(0, 5, true);
  v.setFloat32(4, x, true);
  v.setFloat32(8, y, true);
  return out;
}

/** Declared types whose arguments can cross as plain numbers (see scalarArgs). */
export const SCALAR_TYPES: ReadonlySet<number> = new Set([T_BOOL, T_INT, T_FLOAT, 5]);

/**
 * The arguments of `bytes` — which plainArgs accepted for declared types all in SCALAR_TYPES —
 * as the numbers a callback can take directly: a bool as a boolean, an int or a float as a
 * number, a Vector2 as two numbers. Null when one does not fit (a 64-bit int or Vector2).
 */
export function scalarArgs(bytes: Uint8Array): (number | boolean)[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const count = view.getUint32(4, true);
  const out: (number | boolean)[] = [];
  let at = 8;
  for (let i = 0; i < count; i++) {
    const header = view.getUint32(at, true);
    switch (header) {
      case T_BOOL: out.push(view.getUint32(at + 4, true) !== 0); at += 8; break;
      case T_INT: out.push(view.getInt32(at + 4, true)); at += 8; break;
      case T_FLOAT: out.push(view.getFloat32(at + 4, true)); at += 8; break;
      case T_FLOAT | FLAG_64: out.push(view.getFloat64(at + 4, true)); at += 12; break;
      case 5: out.push(view.getFloat32(at + 4, true), view.getFloat32(at + 8, true)); at += 12; break;
      default: return null;
    }
  }
  return out;
}
