import { describe, expect, it } from 'vitest';
import { HandleError } from '../../ts/engine/errors';
import { HandleSpace, MOD_NODE_HANDLE } from '../../ts/godot/handles';
import { arrayOf, fromBase64, stringValue, toBase64 } from '../../ts/godot/variant';

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
