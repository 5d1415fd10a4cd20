// Test helper (not a test): writes zip bytes by hand so headers can lie on purpose.
import { deflateRawSync } from 'node:zlib';
import { crc32Update } from '../../ts/ant/crc32';

export interface HeaderOverrides {
  name?: string | Uint8Array;
  flags?: number;
  method?: number;
  crc32?: number;
  compressedSize?: number;
  size?: number;
  extra?: Uint8Array;
}

export interface CraftEntry extends HeaderOverrides {
  name: string | Uint8Array;
  /** Inflated contents; compressed with deflate when method is 8. Default empty. */
  data?: Uint8Array | string;
  /** Compressed bytes as written, when they should not be derived from data. */
  raw?: Uint8Array;
  versionMadeBy?: number;
  externalAttributes?: number;
  /** Where the central record says the local header is (default: where it was written). */
  localOffset?: number;
  /** Fields that differ in the local header only. */
  local?: HeaderOverrides;
}

export interface CraftOptions {
  /** Entry count written in the end record (default: the real count). */
  count?: number;
  comment?: string;
  prefix?: Uint8Array;
  suffix?: Uint8Array;
}

const enc = new TextEncoder();
const bytesOf = (v: string | Uint8Array) => (typeof v === 'string' ? enc.encode(v) : v);

export function craftZip(entries: CraftEntry[], options: CraftOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = options.prefix?.length ?? 0;
  if (options.prefix) parts.push(options.prefix);
  for (const e of entries) {
    const data = bytesOf(e.data ?? '');
    const method = e.method ?? 0;
    const body = e.raw ?? (method === 8 ? new Uint8Array(deflateRawSync(data)) : data);
    const real = { name: bytesOf(e.name), flags: e.flags ?? 0x0800, method, crc32: crc32Update(0, data), compressedSize: body.length, size: data.length, extra: new Uint8Array(0) };
    const c = { ...real, ...strip(e), name: bytesOf(e.name) };
    const l = { ...c, ...strip(e.local ?? {}), name: bytesOf(e.local?.name ?? e.name) };
    const local = header(30 + l.name.length + l.extra.length);
    local.u32(0x04034b50).u16(20).u16(l.flags).u16(l.method).u16(0).u16(0x21).u32(l.crc32).u32(l.compressedSize).u32(l.size).u16(l.name.length).u16(l.extra.length).bytes(l.name).bytes(l.extra);
    parts.push(local.out, body);
    const cd = header(46 + c.name.length + c.extra.length);
    cd.u32(0x02014b50).u16(e.versionMadeBy ?? 20).u16(20).u16(c.flags).u16(c.method).u16(0).u16(0x21).u32(c.crc32).u32(c.compressedSize).u32(c.size)
      .u16(c.name.length).u16(c.extra.length).u16(0).u16(0).u16(0).u32(e.externalAttributes ?? 0).u32(e.localOffset ?? offset).bytes(c.name).bytes(c.extra);
    central.push(cd.out);
    offset += local.out.length + body.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const comment = enc.encode(options.comment ?? '');
  const end = header(22 + comment.length);
  const count = options.count ?? entries.length;
  end.u32(0x06054b50).u16(0).u16(0).u16(count & 0xffff).u16(count & 0xffff).u32(cdSize).u32(offset).u16(comment.length).bytes(comment);
  return concat([...parts, ...central, end.out, ...(options.suffix ? [options.suffix] : [])]);
}

function strip(o: HeaderOverrides): Partial<Omit<HeaderOverrides, 'name'>> {
  const { name: _name, ...rest } = o;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

function header(size: number) {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const w = {
    out,
    u16(v: number) { view.setUint16(at, v, true); at += 2; return w; },
    u32(v: number) { view.setUint32(at, v >>> 0, true); at += 4; return w; },
    bytes(b: Uint8Array) { out.set(b, at); at += b.length; return w; },
  };
  return w;
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
