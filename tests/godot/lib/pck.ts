// Writes Godot 4.6 resource packs (.pck, pack format v3) from in-memory files.
// Layout (little-endian), as Godot 4.6 reads it:
//   header: "GDPC", u32 format=3, u32 major, minor, patch, u32 flags=2 (offsets relative to the
//           file base), u64 file base, u64 directory offset (absolute), 16 × u32 reserved,
//           zero padding up to the file base;
//   file data from the file base, each file 16-byte aligned relative to the file base;
//   directory (16-byte aligned, at the end): u32 count, then per file sorted by path:
//           u32 path length (zero-padded to a multiple of 4, like Godot's own writer: a path
//           whose length is already a multiple of 4 gets no NUL), path without "res://",
//           u64 offset (relative to the file base), u64 size, 16-byte MD5, u32 flags (0).
import { createHash } from 'node:crypto';

export interface PackFile {
  /** Path inside the pack, with or without the `res://` prefix, `/`-separated. */
  path: string;
  data: Uint8Array;
}

export interface PackOptions {
  /** Engine version written to the header; must not be newer than the engine. Default 4.6.0. */
  engine?: readonly [number, number, number];
}

const MAGIC = 0x43504447; // "GDPC" read as a little-endian u32
const FORMAT_VERSION = 3;
const FLAG_REL_FILEBASE = 2;
const HEADER_SIZE = 4 + 4 + 12 + 4 + 8 + 8 + 16 * 4; // 104
const FILE_BASE = align(HEADER_SIZE, 16); // 112 = 0x70
const ALIGN = 16;

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Normalizes a path to what the directory stores: no `res://`, no leading `/`, `/` separators. */
export function packPath(path: string): string {
  let p = path.replace(/\\/g, '/');
  if (p.startsWith('res://')) p = p.slice(6);
  p = p.replace(/^\/+/, '');
  if (p === '' || p.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`pck: bad path ${JSON.stringify(path)}`);
  }
  return p;
}

/** Builds a complete .pck image. Paths must be unique after normalization. */
export function writePck(files: readonly PackFile[], options: PackOptions = {}): Uint8Array<ArrayBuffer> {
  const [major, minor, patch] = options.engine ?? [4, 6, 0];
  const entries = files.map((f) => ({ path: packPath(f.path), data: f.data }));
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.path === entries[i - 1]!.path) throw new Error(`pck: duplicate path ${entries[i]!.path}`);
  }

  // Lay out the file data relative to the file base.
  const offsets: number[] = [];
  let rel = 0;
  for (const e of entries) {
    rel = align(rel, ALIGN);
    offsets.push(rel);
    rel += e.data.length;
  }
  const dirOffset = align(FILE_BASE + rel, ALIGN);
  const enc = new TextEncoder();
  const pathBytes = entries.map((e) => enc.encode(e.path));
  const dirSize = 4 + pathBytes.reduce((n, p) => n + 4 + align(p.length, 4) + 8 + 8 + 16 + 4, 0);

  const out = new Uint8Array(dirOffset + dirSize);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, FORMAT_VERSION, true);
  dv.setUint32(8, major, true);
  dv.setUint32(12, minor, true);
  dv.setUint32(16, patch, true);
  dv.setUint32(20, FLAG_REL_FILEBASE, true);
  dv.setBigUint64(24, BigInt(FILE_BASE), true);
  dv.setBigUint64(32, BigInt(dirOffset), true);
  // reserved words and padding are already zero

  entries.forEach((e, i) => out.set(e.data, FILE_BASE + offsets[i]!));

  let p = dirOffset;
  dv.setUint32(p, entries.length, true);
  p += 4;
  entries.forEach((e, i) => {
    const name = pathBytes[i]!;
    const padded = align(name.length, 4);
    dv.setUint32(p, padded, true);
    out.set(name, p + 4);
    p += 4 + padded;
    dv.setBigUint64(p, BigInt(offsets[i]!), true);
    dv.setBigUint64(p + 8, BigInt(e.data.length), true);
    out.set(createHash('md5').update(e.data).digest(), p + 16);
    dv.setUint32(p + 32, 0, true);
    p += 36;
  });
  return out;
}

/** Reads a pack written by writePck (or Godot) back into files; used by tests and for debugging. */
export function readPck(bytes: Uint8Array): { engine: [number, number, number]; files: PackFile[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('pck: bad magic');
  if (dv.getUint32(4, true) !== FORMAT_VERSION) throw new Error(`pck: format ${dv.getUint32(4, true)} is not 3`);
  const engine: [number, number, number] = [dv.getUint32(8, true), dv.getUint32(12, true), dv.getUint32(16, true)];
  const flags = dv.getUint32(20, true);
  if (flags !== FLAG_REL_FILEBASE) throw new Error(`pck: unsupported flags ${flags}`);
  const base = Number(dv.getBigUint64(24, true));
  let p = Number(dv.getBigUint64(32, true));
  const count = dv.getUint32(p, true);
  p += 4;
  const dec = new TextDecoder();
  const files: PackFile[] = [];
  for (let i = 0; i < count; i++) {
    const len = dv.getUint32(p, true);
    const path = dec.decode(bytes.subarray(p + 4, p + 4 + len)).replace(/\0+$/, '');
    p += 4 + len;
    const off = Number(dv.getBigUint64(p, true));
    const size = Number(dv.getBigUint64(p + 8, true));
    const data = bytes.slice(base + off, base + off + size);
    const md5 = createHash('md5').update(data).digest();
    if (!md5.equals(bytes.subarray(p + 16, p + 32))) throw new Error(`pck: MD5 mismatch for ${path}`);
    p += 36;
    files.push({ path, data });
  }
  return { engine, files };
}
