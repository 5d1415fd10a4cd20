import { GuestMemoryError } from '../engine/errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16 = new TextDecoder('utf-16le', { fatal: true });
const encoder = new TextEncoder();

/**
 * Bounds-checked access to one instance's linear memory. Every pointer and length a guest
 * hands the host goes through here. Guest values arrive as signed i32; they are read as
 * unsigned (a "negative" pointer is simply a huge one) and checked in double arithmetic,
 * so ptr + len can never wrap around.
 */
export class GuestMemory {
  constructor(private readonly memory: WebAssembly.Memory, private readonly moduleName = 'module') {}

  /** Current size in bytes (memory can grow, so never cache views). */
  get size(): number {
    return this.memory.buffer.byteLength;
  }

  /** Throws GuestMemoryError unless [ptr, ptr+len) lies inside memory. Returns the unsigned pointer. */
  check(ptr: number, len: number, what = 'buffer'): number {
    const p = ptr >>> 0;
    const n = len >>> 0;
    if (!Number.isInteger(ptr) || !Number.isInteger(len) || p + n > this.size) {
      throw new GuestMemoryError(
        `${what} at 0x${p.toString(16)} with length ${n} is outside guest memory (${this.size} bytes)`,
        { module: this.moduleName },
      );
    }
    return p;
  }

  /** A live view (valid until memory grows). */
  view(ptr: number, len: number, what?: string): Uint8Array {
    const p = this.check(ptr, len, what);
    return new Uint8Array(this.memory.buffer, p, len >>> 0);
  }

  /** A copy that stays valid. */
  read(ptr: number, len: number, what?: string): Uint8Array {
    return this.view(ptr, len, what).slice();
  }

  /** Strict UTF-8: invalid sequences are an error, not U+FFFD. */
  readString(ptr: number, len: number, what = 'string'): string {
    const bytes = this.view(ptr, len, what);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new GuestMemoryError(`${what} at 0x${(ptr >>> 0).toString(16)} is not valid UTF-8`, { module: this.moduleName });
    }
  }

  /** AssemblyScript string: UTF-16LE, byte length in the u32 just before ptr. */
  readAsString(ptr: number, what = 'AssemblyScript string'): string {
    const p = ptr >>> 0;
    if (p < 4) throw new GuestMemoryError(`${what} pointer 0x${p.toString(16)} is invalid`, { module: this.moduleName });
    const len = new DataView(this.memory.buffer).getUint32(this.check(p - 4, 4, what), true);
    try {
      return utf16.decode(this.view(p, len, what));
    } catch (e) {
      if (e instanceof GuestMemoryError) throw e;
      throw new GuestMemoryError(`${what} at 0x${p.toString(16)} is not valid UTF-16`, { module: this.moduleName });
    }
  }

  write(ptr: number, data: Uint8Array, what?: string): void {
    this.view(ptr, data.length, what).set(data);
  }

  static encode(text: string): Uint8Array {
    return encoder.encode(text);
  }
}
