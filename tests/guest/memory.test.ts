import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GuestMemory, GuestMemoryError } from '../../ts/index';

const mem = () => new GuestMemory(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 'm.wasm');
const SIZE = 65536;

describe('guest memory access', () => {
  it('accepts ranges inside memory, including empty ones at the very end', () => {
    const m = mem();
    expect(m.check(0, SIZE)).toBe(0);
    expect(m.check(SIZE - 1, 1)).toBe(SIZE - 1);
    expect(m.check(SIZE, 0)).toBe(SIZE);
  });

  it.each([
    ['length past the end', SIZE - 4, 5],
    ['pointer past the end', SIZE + 1, 0],
    ['negative pointer (huge unsigned)', -1, 1],
    ['negative length (huge unsigned)', 0, -1],
    ['wraparound: ptr + len overflows 32 bits back into range', 0xfffffff0 | 0, 0x20],
    ['INT_MIN pointer', -0x80000000, 4],
  ])('refuses %s', (_what, ptr, len) => {
    expect(() => mem().check(ptr, len)).toThrow(GuestMemoryError);
  });

  it('property: check accepts exactly the ranges that fit, for any i32 pointer and length', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (ptr, len) => {
      const fits = (ptr >>> 0) + (len >>> 0) <= SIZE;
      let ok = true;
      try { mem().check(ptr, len); } catch (e) { expect(e).toBeInstanceOf(GuestMemoryError); ok = false; }
      expect(ok).toBe(fits);
    }));
  });

  it('sees memory growth (never caches a detached buffer)', () => {
    const raw = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const m = new GuestMemory(raw);
    expect(() => m.check(SIZE, 1)).toThrow();
    raw.grow(1);
    expect(m.check(SIZE, 1)).toBe(SIZE);
  });

  it('decodes UTF-8 strictly', () => {
    const m = mem();
    const put = (bytes: number[]) => { m.write(100, Uint8Array.from(bytes)); return bytes.length; };
    expect(m.readString(100, put([0x68, 0xc3, 0xa9, 0xe2, 0x82, 0xac]))).toBe('hé€');
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(() => m.readString(100, put(bad)), bad.join(',')).toThrow(/is not valid UTF-8/);
    }
  });

  it('reads AssemblyScript strings with their length prefix, bounds-checked', () => {
    const m = mem();
    const text = 'héllo';
    const utf16 = new Uint8Array(new Uint16Array([...text].map((c) => c.charCodeAt(0))).buffer);
    const dv = new DataView(new ArrayBuffer(4)); dv.setUint32(0, utf16.length, true);
    m.write(196, new Uint8Array(dv.buffer));
    m.write(200, utf16);
    expect(m.readAsString(200)).toBe(text);
    dv.setUint32(0, 0xffffff, true);
    m.write(196, new Uint8Array(dv.buffer));
    expect(() => m.readAsString(200)).toThrow(GuestMemoryError);
    expect(() => m.readAsString(2)).toThrow(GuestMemoryError);
  });
});
