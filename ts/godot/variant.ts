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

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
