import { CompileError } from '../engine/errors';

/**
 * Cursor over a module's bytes. Every failure is a CompileError carrying the absolute
 * byte offset, so a malformed mod says where it is malformed. Reads never go past `end`,
 * and every read advances, so no loop driven by a Reader can spin forever.
 */
export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly moduleName: string,
    start = 0,
    /** Exclusive limit: reads past it fail, even if the buffer goes on (section bounds). */
    public end = bytes.length,
  ) {
    this.pos = start;
  }

  done(): boolean { return this.pos >= this.end; }

  fail(message: string, offset = this.pos): never {
    throw new CompileError(message, { module: this.moduleName, offset });
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of section');
    return this.bytes[this.pos++]!;
  }

  peek(): number {
    if (this.pos >= this.end) this.fail('unexpected end of section');
    return this.bytes[this.pos]!;
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(`${n} bytes run past the end of the section`);
    return this.bytes.subarray(this.pos, (this.pos += n));
  }

  u32le(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) v |= this.byte() << (8 * i);
    return v >>> 0;
  }

  /** Unsigned LEB128 of at most `bits` bits (u32 by default; u64 values above 2^53 lose precision). */
  uleb(bits = 32): number {
    // Fast path (the loader's hottest read): a well-formed u32 inside the bounds.
    if (bits === 32) {
      const b = this.bytes;
      let p = this.pos;
      if (p + 4 <= this.end) {
        let v = b[p++]!;
        if (v < 0x80) { this.pos = p; return v; }
        let x = b[p++]!;
        v = (v & 0x7f) | ((x & 0x7f) << 7);
        if (x < 0x80) { this.pos = p; return v; }
        x = b[p++]!;
        v |= (x & 0x7f) << 14;
        if (x < 0x80) { this.pos = p; return v; }
        x = b[p++]!;
        v |= (x & 0x7f) << 21;
        if (x < 0x80) { this.pos = p; return v; }
        // 5 bytes (linkers pad relocatable indices to 5): the last holds bits 28-31 only
        if (p < this.end) {
          x = b[p++]!;
          if (x < 0x10) { this.pos = p; return v + x * 0x10000000; }
        }
      }
    }
    return this.ulebSlow(bits);
  }

  private ulebSlow(bits: number): number {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail(`LEB128 integer longer than ${maxBytes} bytes`, start);
      const b = this.byte();
      const shift = 7 * i;
      if (i === maxBytes - 1 && (b >> (bits - shift)) !== 0) this.fail(`LEB128 integer does not fit in ${bits} bits`, start);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  }

  /** Signed LEB128 as a number (s32/s33 exact; s64 is only skipped, see skipLeb). */
  sleb(bits = 32): number {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail(`LEB128 integer longer than ${maxBytes} bytes`, start);
      const b = this.byte();
      const shift = 7 * i;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return b & 0x40 ? result - 2 ** (shift + 7) : result;
    }
  }

  /** Steps over a LEB128 of at most `bits` bits without decoding it (i64 immediates). */
  skipLeb(bits: number): void {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; (this.byte() & 0x80) !== 0; i++) {
      if (i + 1 >= maxBytes) this.fail(`LEB128 integer longer than ${maxBytes} bytes`, start);
    }
  }

  name(): string {
    const len = this.uleb();
    const start = this.pos;
    const raw = this.take(len);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('name is not valid UTF-8', start);
    }
  }

  /** A length-prefixed vector; the count is checked against the bytes left so garbage cannot ask for 2^32 items. */
  vec<T>(item: (r: Reader) => T): T[] {
    const at = this.pos;
    const n = this.uleb();
    if (n > this.end - this.pos) this.fail(`vector of ${n} items cannot fit in the ${this.end - this.pos} bytes left`, at);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // keep a leading U+FEFF: it is part of the name
const utf8Encoder = new TextEncoder();

/** Growable byte buffer with the LEB128 encoders the binary format needs. */
export class Writer {
  private buf: Uint8Array;
  length = 0;

  /** `capacity`: bytes to reserve up front (a good guess saves the copies of growing). */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Advances over `n` bytes left for a later write (e.g. a section header placed by `frameSection`). */
  skip(n: number): this {
    this.room(n);
    this.length += n;
    return this;
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /**
   * Ends a run written after `skip(room)` at `at`: writes its length as a u32 LEB right before it
   * and moves the run back over the room the LEB did not use.
   */
  closeSized(at: number, room: number): this {
    const start = at + room;
    const size = this.length - start;
    let n = 1;
    for (let v = size; v >= 0x80; v = Math.floor(v / 128)) n++;
    if (n > room) throw new RangeError(`a ${size}-byte run needs ${n} bytes of size, ${room} reserved`);
    const buf = this.buf;
    if (n < room) buf.copyWithin(at + n, start, this.length);
    let v = size;
    for (let i = 0; i < n; i++) {
      const b = v % 128;
      v = Math.floor(v / 128);
      buf[at + i] = i < n - 1 ? b | 0x80 : b;
    }
    this.length -= room - n;
    return this;
  }

  /** Appends src[start, end): a plain loop for short runs (no subarray object), set() for long ones. */
  copy(src: Uint8Array, start: number, end: number): this {
    const n = end - start;
    this.room(n);
    if (n < 64) {
      const buf = this.buf;
      let at = this.length;
      for (let i = start; i < end; i++) buf[at++] = src[i]!;
    } else {
      this.buf.set(src.subarray(start, end), this.length);
    }
    this.length += n;
    return this;
  }

  uleb(v: number): this {
    if (v < 128 && v >= 0) {
      this.room(1);
      this.buf[this.length++] = v;
      return this;
    }
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      this.byte(b);
    } while (v > 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer (fast path: no BigInt). */
  sleb32(v: number): this {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const last = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.byte(last ? b : b | 0x80);
      if (last) return this;
    }
  }

  /** Empties the buffer, keeping its storage (for reuse across function bodies). */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** The underlying storage (valid until the next write; only [0, length) is meaningful). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** The bytes written so far, without copying (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A view of the bytes written since `from` (stays valid after later writes: growing copies, never reuses). */
  viewFrom(from: number): Uint8Array {
    return this.buf.subarray(from, this.length);
  }

  sleb(v: bigint | number): this {
    let x = BigInt(v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const last = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
      this.byte(last ? b : b | 0x80);
      if (last) return this;
    }
  }

  name(s: string): this {
    const b = utf8Encoder.encode(s);
    return this.uleb(b.length).bytes(b);
  }

  vec<T>(items: readonly T[], item: (w: Writer, x: T) => void): this {
    this.uleb(items.length);
    for (const x of items) item(this, x);
    return this;
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.length);
  }
}
