import { describe, expect, it } from 'vitest';
import { HandleError } from '../../ts/engine/errors';
import { HandleSpace, MOD_NODE_HANDLE } from '../../ts/godot/handles';
import { arrayOf, boolValue, floatValue, fromBase64, intValue, nilValue, plainArgs, scalarArgs, stringValue, toBase64, vector2Value } from '../../ts/godot/variant';
import { cat, u32 } from '../helpers/bytes';

const NODE = ['Node2D', 'CanvasItem', 'Node', 'Object'];

describe('handles', () => {
  it('gives each instance its node as handle 1 and one handle per object', () => {
    const space = new HandleSpace();
    const a = space.open(1, '100', NODE);
    expect(a.resolve(MOD_NODE_HANDLE).id).toBe('100');
    const h = a.handleFor('200', NODE);
    expect(h).toBeGreaterThan(1);
    expect(a.handleFor('200', NODE)).toBe(h);
    expect(a.resolve(h).chain).toEqual(NODE);
  });

  it('refuses invented, null, released and other instances\' handles', () => {
    const space = new HandleSpace();
    const a = space.open(1, '100', NODE);
    const b = space.open(2, '101', NODE);
    const h = a.handleFor('200', NODE);
    expect(() => b.resolve(h)).toThrow(HandleError);
    expect(() => a.resolve(12345)).toThrow(HandleError);
    expect(() => a.resolve(0)).toThrow(/null/);
    a.drop(h);
    expect(() => a.resolve(h)).toThrow(HandleError);
  });

  it('never reuses a number: not after release, not for the same object, not across instances', () => {
    const space = new HandleSpace();
    const a = space.open(1, '100', NODE);
    const b = space.open(2, '101', NODE);
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const h = a.handleFor(String(1000 + i), NODE);
      expect(seen.has(h)).toBe(false);
      seen.add(h);
      a.drop(h);
      const again = a.handleFor(String(1000 + i), NODE);
      expect(seen.has(again)).toBe(false);
      seen.add(again);
      const other = b.handleFor(String(1000 + i), NODE);
      expect(seen.has(other)).toBe(false);
      seen.add(other);
    }
  });

  it('a closed instance has no table', () => {
    const space = new HandleSpace();
    space.open(7, '1', NODE);
    space.close(7);
    expect(space.get(7)).toBeUndefined();
  });
});

describe('variant helpers', () => {
  it('encodes an Array of encoded values and a String like var_to_bytes', () => {
    // var_to_bytes(["ab"]) = 1c000000 01000000 04000000 02000000 61620000
    const bytes = arrayOf(stringValue('ab'));
    expect(Buffer.from(bytes).toString('hex')).toBe('1c000000010000000400000002000000' + '61620000');
    expect(Buffer.from(arrayOf()).toString('hex')).toBe('1c00000000000000');
  });

  it('base64 round trip', () => {
    const data = new Uint8Array(70000).map((_, i) => i & 255);
    expect(fromBase64(toBase64(data))).toEqual(data);
  });

  it('base64 is the standard alphabet with padding, as Godot\'s Marshalls writes and reads it', () => {
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const data = new Uint8Array(n).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
      const expected = Buffer.from(data).toString('base64');
      expect(toBase64(data)).toBe(expected);
      expect(fromBase64(expected)).toEqual(data);
      expect(fromBase64(expected.replace(/=+$/, ''))).toEqual(data);
    }
    expect(() => fromBase64('AB C')).toThrow(/base64/);
    expect(() => fromBase64('A')).toThrow(/base64/);
    expect(() => fromBase64('ü===')).toThrow(/base64/);
  });
});

describe('plainArgs (arguments TypeScript checks itself)', () => {
  const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
  const vec2 = (x: number, y: number) => cat(u32(5), f32(x, y));
  const int = (v: number) => u32(2, v >>> 0);

  it('accepts plain values of the declared types as they are', () => {
    const bytes = arrayOf(vec2(1, 2), int(7), stringValue('hé'));
    expect(plainArgs(bytes, [5, 2, 4], 3, 3)).toBe(bytes);
    expect(plainArgs(bytes, [0, 0, 0], 0, -1)).toBe(bytes); // any Variant, vararg
    expect(plainArgs(arrayOf(), [], 0, 0)).not.toBeNull();
  });

  it('widens ints given for float parameters to 64-bit floats', () => {
    const out = plainArgs(arrayOf(int(-3), vec2(1, 2), cat(u32(2 | (1 << 16)), new Uint8Array(new BigInt64Array([5000000000n]).buffer))), [3, 5, 3], 3, 3)!;
    const v = new DataView(out.buffer, out.byteOffset, out.length);
    expect(v.getUint32(0, true)).toBe(28);
    expect(v.getUint32(4, true)).toBe(3);
    expect(v.getUint32(8, true)).toBe(3 | (1 << 16));
    expect(v.getFloat64(12, true)).toBe(-3);
    expect(v.getUint32(20, true)).toBe(5);
    expect(v.getUint32(32, true)).toBe(3 | (1 << 16));
    expect(v.getFloat64(36, true)).toBe(5000000000);
    expect(out.length).toBe(44);
  });

  it('leaves everything else to Godot (null)', () => {
    expect(plainArgs(arrayOf(int(1)), [5], 1, 1)).toBeNull(); // wrong type
    expect(plainArgs(arrayOf(u32(24, 1, 0)), [0], 1, 1)).toBeNull(); // an object
    expect(plainArgs(arrayOf(cat(u32(23), new Uint8Array(8))), [0], 1, 1)).toBeNull(); // an RID
    expect(plainArgs(arrayOf(u32(28, 0)), [0], 1, 1)).toBeNull(); // a nested Array
    expect(plainArgs(arrayOf(u32(27, 0)), [0], 1, 1)).toBeNull(); // a Dictionary
    expect(plainArgs(cat(u32(28 | (1 << 16), 1), int(1)), [2], 1, 1)).toBeNull(); // a typed Array header
    expect(plainArgs(arrayOf(u32(5 | (1 << 17)), f32(1, 2)), [5], 1, 1)).toBeNull(); // unknown flags
    expect(plainArgs(cat(arrayOf(int(1)), u32(0)), [2], 1, 1)).toBeNull(); // trailing bytes
    expect(plainArgs(cat(u32(28, 2), int(1)), [2, 2], 0, 2)).toBeNull(); // fewer values than counted
    expect(plainArgs(cat(u32(28, 1), u32(4, 100), new Uint8Array(8)), [4], 1, 1)).toBeNull(); // string longer than the bytes
    expect(plainArgs(arrayOf(int(1)), [2], 2, 2)).toBeNull(); // too few
    expect(plainArgs(arrayOf(int(1), int(2)), [2], 1, 1)).toBeNull(); // too many
    expect(plainArgs(u32(4, 0), [], 0, 0)).toBeNull(); // not an Array
  });
});

describe('results and arguments as numbers', () => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  it('encodes plain results as Godot does', () => {
    expect(hex(nilValue())).toBe('00000000');
    expect(hex(boolValue(true))).toBe('0100000001000000');
    expect(hex(intValue(-2))).toBe('02000000feffffff');
    expect(hex(intValue(2 ** 40))).toBe('02000100' + '0000000000010000');
    expect(hex(floatValue(0.5))).toBe('030000000000003f');
    expect(hex(floatValue(0.1))).toBe('03000100' + '9a9999999999b93f');
    expect(hex(vector2Value(1, 2))).toBe('05000000' + '0000803f' + '00000040');
  });

  it('turns checked plain arguments into numbers, or leaves them as bytes', () => {
    const u32 = (...v: number[]) => new Uint8Array(new Uint32Array(v).buffer);
    const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
    const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    const bytes = plainArgs(arrayOf(cat(u32(5), f32(1.5, -2)), u32(1, 1), u32(2, 7), u32(2, 3)), [5, 1, 2, 3], 4, 4)!;
    expect(scalarArgs(bytes)).toEqual([1.5, -2, true, 7, 3]);
    expect(scalarArgs(plainArgs(arrayOf(cat(u32(2 | (1 << 16)), new Uint8Array(8))), [2], 1, 1)!)).toBeNull();
  });
});
