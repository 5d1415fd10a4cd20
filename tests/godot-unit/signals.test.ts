import { describe, expect, it } from 'vitest';
import { GodotError } from '../../ts/engine/errors';
import { numbersOf } from '../../ts/godot/signals';
import { arrayOf, stringValue } from '../../ts/godot/variant';

const u32 = (...v: number[]) => new Uint8Array(new Uint32Array(v).buffer);
const f64 = (v: number) => new Uint8Array(new Float64Array([v]).buffer);
const i64 = (v: bigint) => new Uint8Array(new BigInt64Array([v]).buffer);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

describe('signal arguments as numbers', () => {
  it('converts nil, bool, int, float (32 and 64 bit) to the parameter types', () => {
    const args = arrayOf(u32(0), u32(1, 1), u32(2, -5 >>> 0), cat(u32(2 | (1 << 16)), i64(1n << 40n)), cat(u32(3 | (1 << 16)), f64(2.5)));
    expect(numbersOf(args, ['i32', 'i32', 'i32', 'i64', 'f64'], 'f')).toEqual([0, 1, -5, 1n << 40n, 2.5]);
    expect(numbersOf(args, ['f64', 'f32', 'i64', 'f64', 'i32'], 'f')).toEqual([0, 1, -5n, 2 ** 40, 2]);
  });

  it('fills missing arguments with 0 and drops extra ones', () => {
    expect(numbersOf(arrayOf(u32(2, 7)), ['i32', 'f64', 'i64'], 'f')).toEqual([7, 0, 0n]);
    expect(numbersOf(arrayOf(u32(2, 7), u32(2, 8)), [], 'f')).toEqual([]);
  });

  it('refuses a non-number for a parameter, naming it', () => {
    expect(() => numbersOf(arrayOf(u32(2, 1), stringValue('x')), ['i32', 'i32'], 'on_text')).toThrow(GodotError);
    expect(() => numbersOf(arrayOf(stringValue('x')), ['i32'], 'on_text')).toThrow(/on_text: argument 1 is a String, not a number/);
    expect(numbersOf(arrayOf(u32(2, 1), stringValue('x')), ['i32'], 'f')).toEqual([1]); // not a parameter: fine
    expect(() => numbersOf(cat(u32(28, 1), u32(3 | (1 << 16), 0)), ['f64'], 'f')).toThrow(/cut short/);
  });
});
