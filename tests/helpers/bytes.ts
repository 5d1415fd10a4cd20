/** Little builders for Variant bytes in tests: u32 words and concatenation. */
export const u32 = (...v: number[]): Uint8Array => new Uint8Array(new Uint32Array(v).buffer);

export const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};
