/**
 * Adversarial module shapes for the load-time bench (issue 8, "Build" 5 and 9), generated
 * directly as binaries: each is valid, small to ship (it compresses well) and hard on a
 * rewriter that is not linear-time.
 */

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

/** Chunks, so that multi-megabyte payloads never go through one giant array spread. */
class Bytes {
  private chunks: Uint8Array[] = [];
  private cur: number[] = [];
  length = 0;
  push(...b: number[]): this {
    for (const x of b) this.cur.push(x);
    this.length += b.length;
    if (this.cur.length > 65536) this.flush();
    return this;
  }
  uleb(n: number): this {
    const t: number[] = [];
    uleb(n, t);
    return this.push(...t);
  }
  raw(b: Uint8Array): this {
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }
  private flush(): void {
    if (this.cur.length) this.chunks.push(Uint8Array.from(this.cur));
    this.cur = [];
  }
  finish(): Uint8Array<ArrayBuffer> {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}

function section(m: Bytes, id: number, payload: Uint8Array): void {
  m.push(id).uleb(payload.length).raw(payload);
}

function header(): Bytes {
  return new Bytes().push(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
}

/** type 0 = () -> (); `count` functions of type 0, with the given bodies (without size prefix). */
function withFunctions(m: Bytes, bodies: Uint8Array[], exportFirst = true): void {
  section(m, 1, Uint8Array.from([1, 0x60, 0, 0]));
  const f = new Bytes().uleb(bodies.length);
  for (let i = 0; i < bodies.length; i++) f.push(0);
  section(m, 3, f.finish());
  if (exportFirst) section(m, 7, Uint8Array.from([1, 3, 0x72, 0x75, 0x6e, 0x00, 0x00])); // "run" -> func 0
  const c = new Bytes().uleb(bodies.length);
  for (const b of bodies) c.uleb(b.length).raw(b);
  section(m, 10, c.finish());
}

/** One function: `depth` nested loops (each a fuel point), innermost empty. */
export function deepNesting(depth = 10_000): Uint8Array<ArrayBuffer> {
  const body = new Bytes().push(0);
  for (let i = 0; i < depth; i++) body.push(i % 2 ? 0x02 : 0x03, 0x40);
  for (let i = 0; i < depth; i++) body.push(0x0b);
  body.push(0x0b);
  const m = header();
  withFunctions(m, [body.finish()]);
  return m.finish();
}

/** ~`bytes` of `call 1` inside `depth` nested blocks (O(depth x calls) for a planner that copies its block stack per call). */
export function manyCalls(bytes = 500_000, depth = 1000): Uint8Array<ArrayBuffer> {
  const body = new Bytes().push(0);
  for (let i = 0; i < depth; i++) body.push(0x02, 0x40);
  const calls = Math.floor((bytes - 4 * depth) / 2);
  for (let i = 0; i < calls; i++) body.push(0x10, 0x01);
  for (let i = 0; i < depth; i++) body.push(0x0b);
  body.push(0x0b);
  const m = header();
  withFunctions(m, [body.finish(), Uint8Array.from([0, 0x0b])]);
  return m.finish();
}

/** `count` empty functions. */
export function manyFunctions(count = 200_000): Uint8Array<ArrayBuffer> {
  const empty = Uint8Array.from([0, 0x0b]);
  const m = header();
  withFunctions(m, Array.from({ length: count }, () => empty));
  return m.finish();
}

/** `count` immutable i32 globals. */
export function manyGlobals(count = 1_000_000): Uint8Array<ArrayBuffer> {
  const g = new Bytes().uleb(count);
  for (let i = 0; i < count; i++) g.push(0x7f, 0x00, 0x41, 0x00, 0x0b);
  const m = header();
  section(m, 6, g.finish());
  return m.finish();
}

/** One function and a `name` section of about `bytes` bytes of function names. */
export function hugeNameSection(bytes = 24 * 1024 * 1024): Uint8Array<ArrayBuffer> {
  const m = header();
  withFunctions(m, [Uint8Array.from([0, 0x0b])]);
  const nameLen = 20;
  const entries = Math.floor(bytes / (nameLen + 4));
  const sub = new Bytes().uleb(entries);
  const name = Array.from({ length: nameLen }, (_, i) => 0x61 + (i % 26));
  for (let i = 0; i < entries; i++) sub.uleb(i).uleb(nameLen).push(...name);
  const subBytes = sub.finish();
  const payload = new Bytes().uleb(4).push(0x6e, 0x61, 0x6d, 0x65).push(1).uleb(subBytes.length).raw(subBytes).finish();
  section(m, 0, payload);
  return m.finish();
}

export const SHAPES: Record<string, () => Uint8Array<ArrayBuffer>> = {
  'nesting 10k deep': () => deepNesting(10_000),
  '500 KB of calls in 5k blocks': () => manyCalls(500_000, 5000),
  '200k functions': () => manyFunctions(200_000),
  // V8 allows at most 1,000,000 globals: a module at the limit cannot take one more (the fuel counter).
  '1M globals': () => manyGlobals(1_000_000),
  '999,999 globals': () => manyGlobals(999_999),
  '24 MB name section': () => hugeNameSection(24 * 1024 * 1024),
};
