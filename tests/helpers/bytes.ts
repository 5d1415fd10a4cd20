/** Little builders for Variant bytes in tests: u32 words and concatenation. */
export const u32 = (...v: number[]): Uint8Array => new Uint8Array(new Uint32Array(v).buffer);

export const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

/** Unsigned LEB128 bytes of `n` (module builders in the attack tests). */
export function uleb(n: number): number[] {
  const o: number[] = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; o.push(b); } while (n);
  return o;
}

/** A module of one `() -> ()` function exported as "f" with `body`: its locals declaration, its code and the final `end`. */
export function exportedFunction(body: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const size = uleb(body.length);
  const payload = 1 + size.length + body.length;
  const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, ...uleb(payload), 1, ...size];
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
