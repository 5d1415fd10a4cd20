import { Reader, Writer } from './bytes';

/**
 * Section framing: a module is a header plus sections, each kept as the exact bytes it came
 * with. Writing concatenates those bytes, so a module nobody changed comes out byte-identical
 * (padded size LEBs and all); a pass swaps in new bytes only for the sections it rewrote.
 */

export const SectionId = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13,
} as const;

/** Where each known section must appear relative to the others (the binary format's order). */
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export interface Section {
  id: number;
  /** The whole section as emitted: id byte, size LEB, payload. */
  raw: Uint8Array;
  /** Offset of the payload in the module it was read from (-1 for sections a pass created). */
  payloadOffset: number;
  payload: Uint8Array;
}

const HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);

export function readSections(bytes: Uint8Array, moduleName: string): Section[] {
  const r = new Reader(bytes, moduleName);
  if (bytes.length < 4 || r.u32le() !== 0x6d736100) r.fail('not a WebAssembly binary (bad magic)', 0);
  if (bytes.length < 8 || r.u32le() !== 1) r.fail('unsupported WebAssembly version (only version 1 binaries are read)', 4);
  const sections: Section[] = [];
  let lastOrder = 0;
  while (!r.done()) {
    const start = r.pos;
    const id = r.byte();
    if (id !== SectionId.custom) {
      const order = ORDER[id];
      if (order === undefined) r.fail(`unknown section id ${id}`, start);
      if (order <= lastOrder) r.fail(`section ${id} is out of order or repeated`, start);
      lastOrder = order;
    }
    const size = r.uleb();
    if (size > bytes.length - r.pos) r.fail(`section ${id} declares ${size} bytes but only ${bytes.length - r.pos} remain`, start);
    const payloadOffset = r.pos;
    r.pos += size;
    sections.push({ id, raw: bytes.subarray(start, r.pos), payloadOffset, payload: bytes.subarray(payloadOffset, r.pos) });
  }
  return sections;
}

/** The module: the header and every section's bytes, copied once into a buffer of the exact size. */
export function writeSections(sections: readonly Section[]): Uint8Array<ArrayBuffer> {
  let size = HEADER.length;
  for (const s of sections) size += s.raw.length;
  const out = new Uint8Array(size);
  out.set(HEADER);
  let at = HEADER.length;
  for (const s of sections) {
    out.set(s.raw, at);
    at += s.raw.length;
  }
  return out;
}

export function makeSection(id: number, payload: Uint8Array): Section {
  const raw = new Writer(payload.length + SECTION_HEADER_ROOM).byte(id).uleb(payload.length).bytes(payload).finish();
  return { id, raw, payloadOffset: -1, payload: raw.subarray(raw.length - payload.length) };
}

/** Bytes a section header (id byte + u32 size LEB) takes at most. */
export const SECTION_HEADER_ROOM = 6;

/**
 * A section whose payload was written into `w` after `w.skip(SECTION_HEADER_ROOM)` at `start`:
 * the header goes right before the payload, so the (possibly large) payload is never copied.
 */
export function frameSection(id: number, w: Writer, start: number): Section {
  const payloadStart = start + SECTION_HEADER_ROOM;
  const size = w.length - payloadStart;
  const header = new Writer(SECTION_HEADER_ROOM).byte(id).uleb(size).view();
  const buf = w.buffer;
  const rawStart = payloadStart - header.length;
  buf.set(header, rawStart);
  return { id, raw: buf.subarray(rawStart, w.length), payloadOffset: -1, payload: buf.subarray(payloadStart, w.length) };
}

/** Replaces the section with this id, or inserts it where the format's order puts it. */
export function putSection(sections: readonly Section[], section: Section): Section[] {
  const out = [...sections];
  const at = out.findIndex((s) => s.id === section.id);
  if (at >= 0) {
    out[at] = section;
    return out;
  }
  const order = ORDER[section.id]!;
  // Before the first known section that must come later; custom sections stay where they were.
  const next = out.findIndex((s) => s.id !== SectionId.custom && ORDER[s.id]! > order);
  out.splice(next < 0 ? lastKnownIndex(out) + 1 : next, 0, section);
  return out;
}

function lastKnownIndex(sections: readonly Section[]): number {
  for (let i = sections.length - 1; i >= 0; i--) if (sections[i]!.id !== SectionId.custom) return i;
  return -1;
}

/** A vector section with `extra` (already encoded items) appended: original items kept byte for byte. */
export function appendToVector(id: number, s: Section | undefined, count: number, extra: Uint8Array, added = 1): Section {
  const w = new Writer().uleb(count + added);
  if (s) {
    const r = new Reader(s.payload, 'section');
    r.uleb();
    w.bytes(s.payload.subarray(r.pos));
  }
  return makeSection(id, w.bytes(extra).view());
}
