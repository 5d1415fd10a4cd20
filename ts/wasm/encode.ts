import { Writer } from './bytes';
import type { FuncType, Limits, ValType } from './info';
import {
  EXTERN_KINDS, VAL_TYPE_BYTE, type DataSegment, type ElementSegment, type Export, type FunctionBody,
  type Global, type GlobalType, type Import, type LocalGroup, type TableType,
} from './module';
import { encodeNames, type NameSection } from './names';
import { makeSection, SectionId, type Section } from './sections';

/**
 * Section encoders: the inverse of module.ts, one per section. A pass re-encodes only what it
 * changed; for a canonically encoded module (no padded LEBs) each encoder reproduces the
 * original payload exactly.
 */

export const encodeSection = {
  types: (types: readonly FuncType[]) => section(SectionId.type, (w) => w.vec(types, funcType)),
  imports: (imports: readonly Import[]) => section(SectionId.import, (w) => w.vec(imports, importEntry)),
  functions: (typeIndices: readonly number[]) => section(SectionId.function, (w) => w.vec(typeIndices, (v, i) => v.uleb(i))),
  tables: (tables: readonly TableType[]) => section(SectionId.table, (w) => w.vec(tables, tableType)),
  memories: (memories: readonly Limits[]) => section(SectionId.memory, (w) => w.vec(memories, limits)),
  tags: (tags: readonly number[]) => section(SectionId.tag, (w) => w.vec(tags, (v, t) => v.byte(0).uleb(t))),
  globals: (globals: readonly Global[]) => section(SectionId.global, (w) => w.vec(globals, (v, g) => globalType(v, g).bytes(g.init))),
  exports: (exports: readonly Export[]) => section(SectionId.export, (w) => w.vec(exports, exportEntry)),
  start: (func: number) => section(SectionId.start, (w) => w.uleb(func)),
  elements: (segments: readonly ElementSegment[]) => section(SectionId.element, (w) => w.vec(segments, elementSegment)),
  dataCount: (count: number) => section(SectionId.dataCount, (w) => w.uleb(count)),
  code: (bodies: readonly FunctionBody[]) => section(SectionId.code, (w) => w.vec(bodies, functionBody)),
  data: (segments: readonly DataSegment[]) => section(SectionId.data, (w) => w.vec(segments, dataSegment)),
  custom: (name: string, payload: Uint8Array) => section(SectionId.custom, (w) => w.name(name).bytes(payload)),
  names: (names: NameSection) => encodeSection.custom('name', encodeNames(names)),
};

function section(id: number, fill: (w: Writer) => void): Section {
  const w = new Writer();
  fill(w);
  return makeSection(id, w.finish());
}

function valType(w: Writer, t: ValType): Writer {
  const b = VAL_TYPE_BYTE[t];
  if (b === undefined) throw new TypeError(`cannot encode value type ${t}`);
  return w.byte(b);
}

function funcType(w: Writer, t: FuncType): void {
  w.byte(0x60).vec(t.params, valType).vec(t.results, valType);
}

function limits(w: Writer, l: Limits): Writer {
  const flags = (l.max !== undefined ? 1 : 0) | (l.shared ? 2 : 0) | (l.memory64 ? 4 : 0);
  w.byte(flags).uleb(l.min);
  return l.max !== undefined ? w.uleb(l.max) : w;
}

function tableType(w: Writer, t: TableType): void {
  limits(valType(w, t.elem), t.limits);
}

function globalType(w: Writer, g: GlobalType): Writer {
  return valType(w, g.type).byte(g.mutable ? 1 : 0);
}

function importEntry(w: Writer, i: Import): void {
  w.name(i.module).name(i.name).byte(EXTERN_KINDS.indexOf(i.kind));
  switch (i.kind) {
    case 'function': w.uleb(i.typeIndex); break;
    case 'table': tableType(w, i.table); break;
    case 'memory': limits(w, i.limits); break;
    case 'global': globalType(w, i.type); break;
    case 'tag': w.byte(0).uleb(i.typeIndex); break;
  }
}

function exportEntry(w: Writer, e: Export): void {
  w.name(e.name).byte(EXTERN_KINDS.indexOf(e.kind)).uleb(e.index);
}

function elementSegment(w: Writer, s: ElementSegment): void {
  w.uleb(s.flags);
  if (s.mode === 'active' && s.flags & 2) w.uleb(s.table);
  if (s.offset) w.bytes(s.offset);
  if (s.flags & 3) {
    if (s.flags & 4) valType(w, s.elemType);
    else w.byte(0x00);
  }
  if ('funcs' in s.items) w.vec(s.items.funcs, (v, f) => v.uleb(f));
  else w.vec(s.items.exprs, (v, e) => v.bytes(e));
}

function dataSegment(w: Writer, s: DataSegment): void {
  w.uleb(s.flags);
  if (s.flags === 2) w.uleb(s.memory);
  if (s.offset) w.bytes(s.offset);
  w.uleb(s.bytes.length).bytes(s.bytes);
}

function functionBody(w: Writer, b: FunctionBody): void {
  w.uleb(b.localsRaw.length + b.code.length).bytes(b.localsRaw).bytes(b.code);
}

/** Local declarations as they sit at the start of a function body. */
export function encodeLocals(groups: readonly LocalGroup[]): Uint8Array {
  return new Writer().vec(groups, (w, g) => valType(w.uleb(g.count), g.type)).finish();
}
