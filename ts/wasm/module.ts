import { Reader } from './bytes';
import type { FuncType, Limits, ValType } from './info';
import { skipConstExpr, unsupported, valTypeByte } from './instructions';
import { checkLimit, type ModuleLimits } from './limits';
import { readNames, type NameSection } from './names';
import { FEATURE } from './opcodes';
import { readSections, SectionId, type Section } from './sections';

/**
 * A decoded module. Every section is decoded (so malformed input is caught here, with its
 * offset), and `sections` keeps the original bytes for writing back. Byte ranges (bodies,
 * const expressions, data) are views into the input, not copies.
 */
export interface WasmModule {
  name: string;
  /** The input the module was read from (offsets in errors point into it). */
  bytes: Uint8Array;
  sections: Section[];
  types: FuncType[];
  imports: Import[];
  /** Type index of each defined function (the function section). */
  functions: number[];
  tables: TableType[];
  memories: Limits[];
  tags: number[];
  globals: Global[];
  exports: Export[];
  start: number | undefined;
  elements: ElementSegment[];
  dataCount: number | undefined;
  code: FunctionBody[];
  data: DataSegment[];
  customs: CustomSection[];
  /**
   * The `name` custom section, when present and well formed (engines ignore a broken one, so do
   * we). Decoded on first use only: loading never pays for a big name section it does not read.
   */
  readonly names: NameSection | undefined;
}

export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
export const EXTERN_KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];

export type Import = { module: string; name: string } & (
  | { kind: 'function'; typeIndex: number }
  | { kind: 'table'; table: TableType }
  | { kind: 'memory'; limits: Limits }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'tag'; typeIndex: number }
);

export interface TableType { elem: ValType; limits: Limits }
export interface GlobalType { type: ValType; mutable: boolean }
export interface Global extends GlobalType {
  /** Constant expression including its final `end`. */
  init: Uint8Array;
}
export interface Export { name: string; kind: ExternKind; index: number }

export interface ElementSegment {
  /** The encoding's flag word (0-7): kept so the segment re-encodes the way it came. */
  flags: number;
  mode: 'active' | 'passive' | 'declarative';
  table: number;
  offset: Uint8Array | undefined;
  /** Element kind byte (flags 1-3, always 0x00 = funcref) or reference type (flags 5-7). */
  elemType: ValType;
  /** Function indices (flags 0-3) or constant expressions (flags 4-7). */
  items: { funcs: number[] } | { exprs: Uint8Array[] };
}

export interface DataSegment {
  flags: number;
  mode: 'active' | 'passive';
  memory: number;
  offset: Uint8Array | undefined;
  bytes: Uint8Array;
}

export interface LocalGroup { count: number; type: ValType }

export interface FunctionBody {
  locals: LocalGroup[];
  /** Raw local declarations, so an untouched body re-emits its exact bytes. */
  localsRaw: Uint8Array;
  /** Locals declared by the body (parameters not included). */
  localCount: number;
  /** The expression: instructions up to and including the final `end`. */
  code: Uint8Array;
  /** Offset of `code` in the original module (for error messages). */
  codeOffset: number;
}

export interface CustomSection { name: string; payload: Uint8Array; payloadOffset: number }

const VAL_TYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
export const VAL_TYPE_BYTE: Record<string, number> = Object.fromEntries(Object.entries(VAL_TYPES).map(([b, t]) => [t, Number(b)]));

/**
 * Decodes a module. With `limits`, vector counts are checked against them before their items
 * are decoded (ModuleTooLarge), so an oversized module is refused without the work of reading it.
 */
export function readModule(bytes: Uint8Array, name = 'module', limits?: ModuleLimits): WasmModule {
  let names: NameSection | undefined | null = null;
  const m: WasmModule = {
    name, bytes, sections: readSections(bytes, name), types: [], imports: [], functions: [], tables: [], memories: [],
    tags: [], globals: [], exports: [], start: undefined, elements: [], dataCount: undefined, code: [], data: [],
    customs: [],
    get names() {
      if (names === null) {
        const c = m.customs.find((x) => x.name === 'name');
        names = c ? readNames(c.payload, name) : undefined;
      }
      return names;
    },
  };
  for (const s of m.sections) {
    const r = new Reader(bytes, name, s.payloadOffset, s.payloadOffset + s.payload.length);
    if (limits) checkCounts(s.id, r, limits);
    readSectionContents(m, s.id, r);
    if (!r.done()) r.fail(`section ${s.id} has ${r.end - r.pos} bytes left over after its contents`);
  }
  checkIndices(m, new Reader(bytes, name));
  return m;
}

const COUNTED: Record<number, [keyof ModuleLimits, string]> = {
  [SectionId.type]: ['maxTypes', 'types'],
  [SectionId.import]: ['maxImports', 'imports'],
  [SectionId.function]: ['maxFunctions', 'defined functions'],
  [SectionId.table]: ['maxTables', 'defined tables'],
  [SectionId.global]: ['maxGlobals', 'defined globals'],
  [SectionId.export]: ['maxExports', 'exports'],
  [SectionId.element]: ['maxSegments', 'element segments'],
  [SectionId.data]: ['maxSegments', 'data segments'],
};

/** Refuses a vector whose count is over its limit before its items are read. */
function checkCounts(id: number, r: Reader, limits: ModuleLimits): void {
  const counted = COUNTED[id];
  if (!counted) return;
  const at = r.pos;
  const n = r.uleb();
  r.pos = at;
  checkLimit(limits, counted[0], n, counted[1], r.moduleName, at);
}

/** The cross-section facts the rewriting passes and linking rely on. */
function checkIndices(m: WasmModule, r: Reader): void {
  const offsetOf = (id: number) => m.sections.find((s) => s.id === id)?.payloadOffset ?? 0;
  if (m.functions.length !== m.code.length) {
    r.fail(`${m.functions.length} functions declared but ${m.code.length} bodies given`, offsetOf(SectionId.code));
  }
  for (const i of m.imports) {
    if ((i.kind === 'function' || i.kind === 'tag') && i.typeIndex >= m.types.length) {
      r.fail(`import ${i.module}.${i.name} uses unknown type ${i.typeIndex}`, offsetOf(SectionId.import));
    }
  }
  const bad = m.functions.findIndex((t) => t >= m.types.length);
  if (bad >= 0) r.fail(`function ${bad} uses unknown type ${m.functions[bad]}`, offsetOf(SectionId.function));
  // Wasm 2.0 constant expressions read imported globals only; a defined one is the GC / extended-const extension.
  const importedGlobals = m.imports.reduce((n, i) => n + (i.kind === 'global' ? 1 : 0), 0);
  // No spread of unbounded arrays (a million globals): each list is walked as it is.
  for (const g of m.globals) {
    if (g instanceof DecodedGlobal ? g.op === 0x23 && g.globalGetIndex(m.name) >= importedGlobals : g.init[0] === 0x23 && new Reader(g.init, m.name, 1).uleb() >= importedGlobals) {
      unsupported(r, FEATURE.extendedConst, offsetOf(SectionId.global));
    }
  }
  for (const list of [m.elements, m.data]) {
    for (const x of list) {
      const e = x.offset;
      if (e && e[0] === 0x23 && new Reader(e, m.name, 1).uleb() >= importedGlobals) unsupported(r, FEATURE.extendedConst, offsetOf(SectionId.global));
    }
  }
}

function readSectionContents(m: WasmModule, id: number, r: Reader): void {
  switch (id) {
    case SectionId.custom: {
      const customName = r.name();
      const payloadOffset = r.pos;
      const payload = r.take(r.end - r.pos);
      m.customs.push({ name: customName, payload, payloadOffset });
      return;
    }
    case SectionId.type: m.types = r.vec(funcType); return;
    case SectionId.import: m.imports = r.vec(importEntry); return;
    case SectionId.function: m.functions = r.vec((v) => v.uleb()); return;
    case SectionId.table: m.tables = r.vec(tableType); return;
    case SectionId.memory: m.memories = r.vec(limits); return;
    case SectionId.tag: m.tags = r.vec(tag); return;
    case SectionId.global: m.globals = r.vec((v) => {
      const type = valType(v);
      const mut = v.byte();
      if (mut > 1) v.fail(`bad global mutability ${mut}`, v.pos - 1);
      const start = v.pos;
      skipConstExpr(v);
      return new DecodedGlobal(type, mut === 1, v.bytes, start, v.pos);
    }); return;
    case SectionId.export: m.exports = r.vec(exportEntry); return;
    case SectionId.start: m.start = r.uleb(); return;
    case SectionId.element: m.elements = r.vec(elementSegment); return;
    case SectionId.dataCount: m.dataCount = r.uleb(); return;
    case SectionId.code: m.code = r.vec(functionBody); return;
    case SectionId.data: m.data = r.vec(dataSegment); return;
  }
}

/** A value type WasGo accepts; a type of a refused feature (GC, typed references...) is UnsupportedFeature. */
export function valType(r: Reader): ValType {
  return VAL_TYPES[valTypeByte(r)]!;
}

/** Type forms other than plain function types: rec groups, subtypes, structs, arrays (GC and later proposals). */
const GC_FORMS = new Set([0x4e, 0x4f, 0x50, 0x5e, 0x5f, 0x5d, 0x4d, 0x4c]);

function funcType(r: Reader): FuncType {
  const at = r.pos;
  const form = r.byte();
  if (form !== 0x60) {
    if (GC_FORMS.has(form)) unsupported(r, FEATURE.gc, at);
    r.fail(`unknown type form 0x${form.toString(16)}`, at);
  }
  return { params: r.vec(valType), results: r.vec(valType) };
}

/** Limits of a memory (`table` false) or a table: shared and 64-bit forms are refused features. */
export function limits(r: Reader, table = false): Limits {
  const at = r.pos;
  const flags = r.byte();
  if (flags > 7) r.fail(`unknown limits flags 0x${flags.toString(16)}`, at);
  if (flags & 4) unsupported(r, table ? FEATURE.table64 : FEATURE.memory64, at);
  if (flags & 2) {
    if (table) r.fail('a table cannot be shared', at);
    unsupported(r, FEATURE.threads, at);
  }
  const memory64 = (flags & 4) !== 0;
  const l: Limits = { min: r.uleb(memory64 ? 64 : 32) };
  if (flags & 1) l.max = r.uleb(memory64 ? 64 : 32);
  if (flags & 2) l.shared = true;
  if (memory64) l.memory64 = true;
  return l;
}

function tableType(r: Reader): TableType {
  if (r.peek() === 0x40) unsupported(r, FEATURE.typedRefs, r.pos); // table with an initializer expression
  return { elem: valType(r), limits: limits(r, true) };
}

function globalType(r: Reader): GlobalType {
  const type = valType(r);
  const mut = r.byte();
  if (mut > 1) r.fail(`bad global mutability ${mut}`, r.pos - 1);
  return { type, mutable: mut === 1 };
}

function tag(r: Reader): number {
  const attribute = r.byte();
  if (attribute !== 0) r.fail(`unknown tag attribute ${attribute}`, r.pos - 1);
  return r.uleb();
}

function importEntry(r: Reader): Import {
  const module = r.name();
  const name = r.name();
  const at = r.pos;
  switch (r.byte()) {
    case 0: return { module, name, kind: 'function', typeIndex: r.uleb() };
    case 1: return { module, name, kind: 'table', table: tableType(r) };
    case 2: return { module, name, kind: 'memory', limits: limits(r) };
    case 3: return { module, name, kind: 'global', type: globalType(r) };
    case 4: return { module, name, kind: 'tag', typeIndex: tag(r) };
    default: return r.fail(`unknown import kind ${r.bytes[at]} for ${module}.${name}`, at);
  }
}

function exportEntry(r: Reader): Export {
  const name = r.name();
  const at = r.pos;
  const kind = EXTERN_KINDS[r.byte()];
  if (!kind) r.fail(`unknown export kind ${r.bytes[at]} for ${name}`, at);
  return { name, kind, index: r.uleb() };
}

/**
 * A decoded global: its initializer is a view made on demand (a module may hold a million
 * globals: one object each, no per-global subarray to allocate and collect).
 */
class DecodedGlobal implements Global {
  constructor(readonly type: ValType, readonly mutable: boolean, private readonly src: Uint8Array, private readonly start: number, private readonly end: number) {}
  get init(): Uint8Array { return this.src.subarray(this.start, this.end); }
  /** The initializer's first byte (its opcode) without making a view. */
  get op(): number { return this.src[this.start]!; }
  /** The immediate of a `global.get` initializer (its LEB after the opcode). */
  globalGetIndex(name: string): number { return new Reader(this.src, name, this.start + 1, this.end).uleb(); }
}

function constExpr(r: Reader): Uint8Array {
  const start = r.pos;
  skipConstExpr(r);
  return r.bytes.subarray(start, r.pos);
}

function elementSegment(r: Reader): ElementSegment {
  const at = r.pos;
  const flags = r.uleb();
  if (flags > 7) r.fail(`unknown element segment flags ${flags}`, at);
  const passiveOrDeclarative = (flags & 1) !== 0;
  const mode = !passiveOrDeclarative ? 'active' : flags & 2 ? 'declarative' : 'passive';
  const table = !passiveOrDeclarative && flags & 2 ? r.uleb() : 0;
  const offset = mode === 'active' ? constExpr(r) : undefined;
  const usesExprs = (flags & 4) !== 0;
  let elemType: ValType = 'funcref';
  if (flags & 3) {
    if (usesExprs) elemType = valType(r);
    else if (r.byte() !== 0x00) r.fail('unknown element kind', r.pos - 1);
  }
  const items = usesExprs ? exprItems(r) : { funcs: r.vec((v) => v.uleb()) };
  return { flags, mode, table, offset, elemType, items };
}

/**
 * Element expressions, checked as they are read but kept as offsets: a segment may hold 330 000
 * of them, and one view object each was most of its load time (GC). Views are made on first use.
 */
class ExprItems {
  private views: Uint8Array[] | undefined;
  constructor(private readonly src: Uint8Array, private readonly bounds: Int32Array) {}
  get exprs(): Uint8Array[] {
    if (!this.views) {
      const b = this.bounds;
      const out: Uint8Array[] = [];
      for (let i = 0; i + 1 < b.length; i++) out.push(this.src.subarray(b[i], b[i + 1]));
      this.views = out;
    }
    return this.views;
  }
}

function exprItems(r: Reader): { exprs: Uint8Array[] } {
  const at = r.pos;
  const n = r.uleb();
  if (n > r.end - r.pos) r.fail(`vector of ${n} items cannot fit in the ${r.end - r.pos} bytes left`, at);
  const bounds = new Int32Array(n + 1);
  bounds[0] = r.pos;
  const b = r.bytes;
  for (let i = 0; i < n; i++) {
    // Fast path for the usual item, `ref.func f; end` (f at most 4 LEB bytes); the rest in full.
    const p = r.pos;
    if (b[p] === 0xd2 && p + 6 <= r.end) {
      let q = p + 1;
      while (q < p + 4 && (b[q]! & 0x80) !== 0) q++;
      if ((b[q]! & 0x80) === 0 && b[q + 1] === 0x0b) {
        r.pos = q + 2;
        bounds[i + 1] = r.pos;
        continue;
      }
    }
    skipConstExpr(r);
    bounds[i + 1] = r.pos;
  }
  return new ExprItems(r.bytes, bounds);
}

function dataSegment(r: Reader): DataSegment {
  const at = r.pos;
  const flags = r.uleb();
  if (flags > 2) r.fail(`unknown data segment flags ${flags}`, at);
  const memory = flags === 2 ? r.uleb() : 0;
  const offset = flags === 1 ? undefined : constExpr(r);
  return { flags, mode: flags === 1 ? 'passive' : 'active', memory, offset, bytes: r.take(r.uleb()) };
}

function functionBody(r: Reader): FunctionBody {
  const at = r.pos;
  const size = r.uleb();
  if (size > r.end - r.pos) r.fail(`function body of ${size} bytes runs past the code section`, at);
  // Read the body with the section's reader, bounded to the body (no Reader per body).
  const sectionEnd = r.end;
  const end = r.pos + size;
  r.end = end;
  const localsStart = r.pos;
  let total = 0;
  const groups = r.uleb();
  if (groups > end - r.pos) r.fail(`vector of ${groups} items cannot fit in the ${end - r.pos} bytes left`, localsStart);
  const locals: LocalGroup[] = [];
  for (let i = 0; i < groups; i++) {
    const count = r.uleb();
    total += count;
    if (total > 0xffffffff) r.fail('function declares more than 2^32 locals', localsStart);
    locals.push({ count, type: valType(r) });
  }
  const codeStart = r.pos;
  r.end = sectionEnd;
  r.pos = end;
  if (codeStart >= end) r.fail('function body has no code', codeStart);
  if (r.bytes[end - 1] !== 0x0b) r.fail('function body does not end with `end`', end - 1);
  return { locals, localsRaw: r.bytes.subarray(localsStart, codeStart), localCount: total, code: r.bytes.subarray(codeStart, end), codeOffset: codeStart };
}
