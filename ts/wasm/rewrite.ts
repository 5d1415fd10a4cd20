import { MemoryLimit, ModuleTooLarge } from '../engine/errors';
import { Reader, Writer } from './bytes';
import { encodeSection } from './encode';
import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from './fuel';
import { MEMORY_EXPORT, START_EXPORT, TABLE_GROW_MAX_ENTRIES, TABLE_GROW_REQUEST, TABLE_GROW_TABLES } from './fuel-names';
import type { Limits } from './info';
import { decodeOp, Opcode, skipImm, unsupported } from './instructions';
import { checkLimit, type ModuleLimits } from './limits';
import { readModule, type Export, type FunctionBody, type WasmModule } from './module';
import { Ctl, FEATURE, Imm, OPS } from './opcodes';
import { checkReservedNames } from './reserved';
import { appendToVector, frameSection, makeSection, SECTION_HEADER_ROOM, SectionId, writeSections, type Section } from './sections';

/**
 * The module rewriter: one decode of the module, one pass over each function body, one emit.
 * It validates the shape (limits.ts), refuses features it cannot meter (opcodes.ts), caps
 * memories and tables, and, when metering, applies fuel contract v2 (CONTRACT.md; docs/limits.md):
 *
 * - an import `__wasgo.fuel_refill (i32) -> (i32)` after the last function import (defined
 *   functions shift by +1: calls, ref.func, elements, exports, start and names are remapped);
 * - a mutable i32 global, initial 0, exported as `__wasgo_fuel`, appended to the globals;
 * - every `memory.grow` replaced by `fuel_refill(pages)` (v ≥ 0: a grow request, emitGrowGate),
 *   so the host charges the engine-wide memory budget before memory grows;
 * - charges `F -= c; if (F < 0) F = fuel_refill(F)` at the entry of every region of straight-line
 *   code (see scanBody), plus run-time charges before operations whose work grows with an operand.
 */

// ---- cost model (units ≈ one plain wasm instruction; figures measured in docs/limits.md) ----

/** Static weight of an instruction: 1 unless its time differs a lot from a plain instruction. */
export const WEIGHTS: Partial<Record<Ctl, number>> = {
  // Block ends and `else` compile to nothing or a jump: free, so a region holding only ends is not charged.
  [Ctl.End]: 0,
  [Ctl.Else]: 0,
  [Ctl.Call]: 20,
  [Ctl.ReturnCall]: 20,
  [Ctl.CallIndirect]: 30,
  [Ctl.ReturnCallIndirect]: 30,
  // A throw + catch round trip costs ~1.5 µs on V8 (~20 000 plain instructions).
  [Ctl.Throw]: 32_768,
  [Ctl.Rethrow]: 32_768,
  // memory.grow: ~30 µs per call (mprotect, buffer refresh) plus ~4 µs per page.
  [Ctl.MemoryGrow]: 1 << 19,
  [Ctl.BulkMemory]: 64,
  // table ops: ~60 ns per call and per element (fill/init/grow), ~115 ns per element (copy).
  [Ctl.BulkTable]: 1024,
  [Ctl.TableCopy]: 2048,
  [Ctl.TableGrow]: 1024,
};

/**
 * Arithmetic whose latency is far above a plain instruction's (~0.05–0.1 ns of a plain loop per
 * unit here), so a dependent chain of it cannot run 4–14× cheaper per unit than a plain loop
 * (measured with `npm run bench -- adversarial`: chains of i64.div_u 4.1×, i32.rem_s 7.5×,
 * f64.sqrt/div 14.2× at weight 1). Weights ≈ latency ÷ a plain unit's time.
 */
export const OP_WEIGHTS: Record<number, number> = {
  0x6c: 4, 0x7e: 4, // i32.mul, i64.mul (3-cycle latency)
  0x6d: 48, 0x6e: 48, 0x6f: 48, 0x70: 48, // i32.div_s/u, rem_s/u
  0x7f: 48, 0x80: 48, 0x81: 48, 0x82: 48, // i64.div_s/u, rem_s/u
  0x91: 64, 0x95: 64, // f32.sqrt, f32.div
  0x9f: 96, 0xa3: 96, // f64.sqrt, f64.div
  // Measured as chains of 16 dependent ops at weight 1 (tests/attack/op-latency.test.ts), then
  // weighted to <= 3x a plain loop per unit when the baseline runs fast (0.047 ns/unit): rounding 11x, min 4.6x, copysign 6x, bit counts 4x,
  // float<->int conversions 12-24x (a convert + trunc pair; both halves carry the weight).
  0x67: 6, 0x68: 6, 0x69: 6, 0x79: 6, 0x7a: 6, 0x7b: 6, // i32/i64 clz, ctz, popcnt
  0x8d: 24, 0x8e: 24, 0x8f: 24, 0x90: 24, // f32.ceil/floor/trunc/nearest
  0x9b: 24, 0x9c: 24, 0x9d: 24, 0x9e: 24, // f64.ceil/floor/trunc/nearest
  0x96: 8, 0x97: 2, 0xa4: 8, 0xa5: 2, // f32/f64 min, max
  0x98: 12, 0xa6: 12, // f32/f64 copysign
  0xa8: 32, 0xa9: 32, 0xaa: 32, 0xab: 32, // i32.trunc_f32/f64_s/u
  0xb2: 32, 0xb3: 32, 0xb7: 32, 0xb8: 32, // f32/f64.convert_i32_s/u
  0xae: 24, 0xaf: 24, 0xb0: 24, 0xb1: 24, // i64.trunc_f32/f64_s/u
  0xb4: 24, 0xb5: 24, 0xb9: 24, 0xba: 24, // f32/f64.convert_i64_s/u
  0xb6: 12, 0xbb: 12, // f32.demote_f64, f64.promote_f32
};
/** The same for 0xfc sub-opcodes: the saturating truncations (as their trapping twins). */
export const FC_WEIGHTS: Record<number, number> = {
  0: 32, 1: 32, 2: 32, 3: 32, // i32.trunc_sat_f32/f64_s/u
  4: 24, 5: 24, 6: 24, 7: 24, // i64.trunc_sat_f32/f64_s/u
};
/** The same for SIMD (0xfd sub-opcodes): vector sqrt/div and i32x4.mul / i64x2.mul. */
export const SIMD_WEIGHTS: Record<number, number> = {
  0xe3: 64, 0xe7: 64, 0xef: 96, 0xf3: 96, // f32x4.sqrt/div, f64x2.sqrt/div
  0xb5: 20, 0xd5: 20, // i32x4.mul, i64x2.mul (3.5-3.8x at 8)
  // Measured like OP_WEIGHTS (tests/attack/op-latency.test.ts): ratio at weight 1 in brackets.
  0x67: 24, 0x68: 24, 0x69: 24, 0x6a: 24, 0x74: 24, 0x75: 24, 0x7a: 24, 0x94: 24, // f32x4/f64x2 ceil/floor/trunc/nearest (10-11x)
  0xe8: 40, 0xe9: 48, 0xf4: 32, 0xf5: 48, // f32x4/f64x2 min, max (13-19x)
  0xea: 6, 0xeb: 6, 0xf6: 6, 0xf7: 6, // pmin, pmax (4x)
  0xfa: 10, 0xfb: 40, 0xf8: 32, 0xf9: 40, // f32x4.convert_i32x4_s/u (5x, 18x), i32x4.trunc_sat_f32x4_s/u (16x, 21x)
  0xfc: 40, 0xfd: 56, 0xfe: 12, 0xff: 10, // i32x4.trunc_sat_f64x2_s/u_zero (19x, 27x), f64x2.convert_low_i32x4_s/u (7x, 5x)
  0x5e: 10, 0x5f: 10, // f32x4.demote_f64x2_zero, f64x2.promote_low_f32x4 (6.5x)
  0x62: 8, 0xc0: 6, // i8x16.popcnt (5.5x), i64x2.abs (4x)
  0x7c: 10, 0x7d: 10, 0x7e: 10, 0x7f: 6, // extadd_pairwise (4-7x)
  0x82: 16, 0x95: 8, 0xba: 8, // i16x8.q15mulr_sat_s (8x), i16x8.mul (5x), i32x4.dot_i16x8_s (5x)
  0x9c: 10, 0x9d: 10, 0x9e: 10, 0x9f: 10, 0xbc: 10, 0xbd: 10, 0xbe: 10, 0xbf: 10, 0xdc: 10, 0xdd: 10, 0xde: 10, 0xdf: 10, // extmul (6x)
  0xd8: 4, 0xd9: 4, 0xda: 6, 0xdb: 6, // i64x2.lt_s/gt_s (3x), le_s/ge_s (4x)
  0x65: 4, 0x66: 4, 0x85: 4, 0x86: 4, // narrow (3x)
  0x6c: 10, 0xcc: 4, // i8x16.shr_s (6x), i64x2.shr_s (3x)
  0x53: 16, 0x63: 16, 0x83: 16, 0xa3: 16, 0xc3: 16, // any_true, all_true (7-8x with a splat)
  0x64: 12, 0x84: 12, 0xa4: 12, 0xc4: 12, // bitmask (5-9x with a splat)
  0x0f: 4, 0x10: 4, 0x11: 4, 0x12: 4, 0x13: 4, 0x14: 4, // splat (a splat + extract_lane pair: 4.9x)
  0x15: 4, 0x16: 4, 0x18: 4, 0x19: 4, 0x1b: 4, 0x1d: 4, 0x1f: 4, 0x21: 4, // extract_lane
};
const OP_WEIGHT = new Uint8Array(256).fill(1);
for (const [k, v] of Object.entries(OP_WEIGHTS)) OP_WEIGHT[Number(k)] = v;

const WEIGHT_OF = new Float64Array(64).fill(1);
for (const [k, v] of Object.entries(WEIGHTS)) WEIGHT_OF[Number(k)] = v;
const CALL_WEIGHT = WEIGHTS[Ctl.Call]!;

/** Run-time charge from the top operand n: `n >>> shift` or `n * mul`, clamped to 2^30. */
export const DYNAMIC: Partial<Record<Ctl, { shift?: number; mul?: number }>> = {
  [Ctl.BulkMemory]: { shift: 1 }, // ~0.03-0.1 ns per byte (a 64 KiB fill measured up to 3.8x a plain loop per unit at 1 per 4 bytes): 1 unit per 2 bytes
  [Ctl.BulkTable]: { mul: 512 },
  [Ctl.TableCopy]: { mul: 1024 },
  [Ctl.TableGrow]: { mul: 512 },
  [Ctl.MemoryGrow]: { mul: 1 << 16 },
};

/**
 * Unwinding: V8 unwinds ~95-120 ns per wasm frame an exception crosses. In a module with a `try`
 * every catch handler pays UNWIND_FRAME units per frame of this instance it unwound (a frame
 * counter, see Meter.depth); 2^UNWIND_SHIFT units ~ 100 ns of a plain loop (~0.05 ns/unit).
 */
export const UNWIND_SHIFT = 12;
export const UNWIND_FRAME = 1 << UNWIND_SHIFT;
/**
 * A JS exception (a failing host import) caught by a wasm handler costs ~2 µs and no `throw`
 * paid for it: a handler that did not catch a wasm throw/rethrow of this instance pays 2^JS_CATCH_SHIFT.
 */
export const JS_CATCH_SHIFT = 15;
/** Most the frame part of a catch charge may be (with the JS part the charge stays <= 2^30). */
const MAX_UNWIND_CHARGE = 2 ** 30 - (1 << JS_CATCH_SHIFT);

/** Bytes of declared locals a function may zero at entry for free (typical functions pay nothing more). */
export const FREE_LOCAL_BYTES = 256;

/**
 * Entry charge for zeroing a function's declared locals: 1 unit per 4 bytes past FREE_LOCAL_BYTES.
 * V8's baseline tier zeroes the whole frame on every call: a function with 49 000 v128 locals
 * (784 KB) took ~18 µs per call while charged ~30 units (~600 ns per unit, 10 000x a plain loop).
 */
export function localsCharge(body: Pick<FunctionBody, 'locals'>): number {
  let bytes = 0;
  for (const g of body.locals) bytes += g.count * (g.type === 'i32' || g.type === 'f32' ? 4 : g.type === 'v128' ? 16 : 8);
  return bytes > FREE_LOCAL_BYTES ? Math.min(MAX_CHARGE, Math.ceil((bytes - FREE_LOCAL_BYTES) / 4)) : 0;
}

/** A branch-free `if` whose arms cost at most this is charged with the enclosing code (the dearer arm). */
export const FOLD_MAX = 64;

/** Most units later regions may fold into one region's charge (see Meter.close). */
export const FOLD_BUDGET = 16;

/** Largest single charge (the contract keeps F - c inside i32). */
export const MAX_CHARGE = 2 ** 30;

export interface RewriteOptions {
  moduleName: string;
  /** Apply fuel metering (contract v2). */
  meter: boolean;
  /** Largest maximum any memory may have, in 64 KiB pages. */
  maxPages: number;
  limits: ModuleLimits;
  /** Cap table maxima at limits.maxTableEntries (default true). */
  capTables?: boolean;
  /** Count frames and charge catch handlers for unwinding in modules with a `try` (default true; false only to measure its overhead). */
  countFrames?: boolean;
  /** Export memory 0 and defer the start function for the host (hostAccessExports; default true). */
  hostAccess?: boolean;
}

export interface ImportedMemory {
  module: string;
  name: string;
  memoryIndex: number;
  limits: Limits;
  /** What the engine should pass as `maximum`: min(declared maximum, cap). */
  maximum: number;
}

export interface Rewritten {
  bytes: Uint8Array<ArrayBuffer>;
  /** The decoded original. */
  module: WasmModule;
  /** The module's own memories after capping. */
  memories: Limits[];
  importedMemories: ImportedMemory[];
  /** Capped maximum entries of every table (imported first), what the engine may count as memory. */
  tableMaxima: number[];
  metered: boolean;
  /** False when nothing had to change: `bytes` is a copy of the input. */
  rewritten: boolean;
}

/** Sum of the capped maximum entries of a rewritten module's tables (each entry ~8 bytes of host memory). */
export function maxTableEntries(r: Pick<Rewritten, 'tableMaxima'>): number {
  let n = 0;
  for (const t of r.tableMaxima) n += t;
  return n;
}

export function rewriteModule(bytes: Uint8Array, o: RewriteOptions): Rewritten {
  constArena = new Writer(); // the previous module's views keep its own arena alive as long as they need it
  const name = o.moduleName;
  const L = o.limits;
  const m = readModule(bytes, name, L);
  checkReservedNames(m, name);

  // ---- shape ----
  let fImp = 0, gImp = 0, tImp = 0, mImp = 0;
  for (const i of m.imports) {
    if (i.kind === 'function') fImp++;
    else if (i.kind === 'global') gImp++;
    else if (i.kind === 'table') tImp++;
    else if (i.kind === 'memory') mImp++;
  }
  checkLimit(L, 'maxFunctions', fImp + m.functions.length, 'functions (imported and defined)', name);
  checkLimit(L, 'maxGlobals', gImp + m.globals.length, 'globals (imported and defined)', name);
  checkLimit(L, 'maxTables', tImp + m.tables.length, 'tables (imported and defined)', name);
  let customBytes = 0;
  for (const c of m.customs) customBytes += c.payload.length;
  checkLimit(L, 'maxCustomBytes', customBytes, 'bytes of custom sections', name);
  if (mImp + m.memories.length > 1) unsupported(new Reader(bytes, name), FEATURE.multiMemory, sectionOffset(m, SectionId.memory));
  for (let i = 0; i < m.code.length; i++) {
    const body = m.code[i]!;
    const size = body.code.length + body.localsRaw.length;
    if (size > L.maxBodyBytes) checkLimit(L, 'maxBodyBytes', size, `size of function ${fImp + i}`, name, body.codeOffset);
    const locals = m.types[m.functions[i]!]!.params.length + body.localCount;
    if (locals > L.maxLocals) checkLimit(L, 'maxLocals', locals, `locals of function ${fImp + i}`, name, body.codeOffset);
  }

  // ---- memories ----
  const cap = o.maxPages;
  const importedMemories: ImportedMemory[] = [];
  for (const i of m.imports) {
    if (i.kind !== 'memory') continue;
    const memoryIndex = importedMemories.length;
    checkMemory(name, `imported memory ${memoryIndex} (${i.module}.${i.name})`, i.limits, cap);
    importedMemories.push({ module: i.module, name: i.name, memoryIndex, limits: i.limits, maximum: Math.min(i.limits.max ?? cap, cap) });
  }
  const memories = m.memories.map((l, i): Limits => {
    checkMemory(name, `memory ${mImp + i}`, l, cap);
    return l.max !== undefined && l.max <= cap ? l : { ...l, max: cap };
  });
  const memoriesChanged = memories.some((l, i) => l !== m.memories[i]);

  // ---- tables ----
  const tcap = o.capTables === false ? 0xffffffff : L.maxTableEntries;
  const tableMaxima: number[] = [];
  let t = 0;
  for (const i of m.imports) {
    if (i.kind !== 'table') continue;
    checkTable(name, `imported table ${t} (${i.module}.${i.name})`, i.table.limits, tcap);
    tableMaxima.push(Math.min(i.table.limits.max ?? tcap, tcap));
    t++;
  }
  const tables = m.tables.map((tt, i) => {
    checkTable(name, `table ${tImp + i}`, tt.limits, tcap);
    tableMaxima.push(Math.min(tt.limits.max ?? tcap, tcap));
    return o.capTables === false || (tt.limits.max !== undefined && tt.limits.max <= tcap) ? tt : { ...tt, limits: { ...tt.limits, max: tcap } };
  });
  const tablesChanged = tables.some((tt, i) => tt !== m.tables[i]);

  // ---- code ----
  const fuelGlobal = gImp + m.globals.length;
  // Metered: the refill type (i32)->(i32) and () -> () for the helpers, found or appended.
  const findType = (p: string[], r: string[]) => m.types.findIndex((ft) => ft.params.length === p.length && ft.results.length === r.length &&
    ft.params.every((x, i) => x === p[i]) && ft.results.every((x, i) => x === r[i]));
  const newTypes = new Writer();
  let addedTypes = 0;
  let refillType = -1;
  let voidType = -1;
  if (o.meter) {
    refillType = findType(['i32'], ['i32']);
    if (refillType < 0) { refillType = m.types.length + addedTypes++; newTypes.byte(0x60).uleb(1).byte(0x7f).uleb(1).byte(0x7f); }
    voidType = findType([], []);
    if (voidType < 0) { voidType = m.types.length + addedTypes++; newTypes.byte(0x60).uleb(0).uleb(0); }
  }
  const meter = o.meter ? new Meter(m, fImp, fuelGlobal, o.countFrames !== false, L) : undefined;

  const codeSection = meter ? meter.code() : (scanAll(m, L), undefined);
  // The frame counter and the wasm-throw flag exist only in modules with a `try` (fuel + 1 and
  // + 2, not exported).
  const depthGlobal = !!meter?.depth;
  const addedGlobalCount = 1 + (depthGlobal ? 2 : 0);

  const shift = (f: number) => (meter && f >= fImp ? f + 1 : f);
  const hostExports = o.hostAccess === false ? [] : hostAccessExports(m, mImp, shift);
  if (!meter && !memoriesChanged && !tablesChanged && !hostExports.length) {
    return { bytes: bytes.slice(), module: m, memories, importedMemories, tableMaxima, metered: false, rewritten: false };
  }

  // ---- emit ----
  const out: Section[] = [];
  const present = new Set(m.sections.map((s) => s.id));
  const helperTypes = new Writer().uleb(voidType).uleb(refillType).finish();
  const emitMissingBefore = (id: number) => {
    // Sections the metered module needs that the original lacks, in the format's order.
    const needs = meter ? [SectionId.type, SectionId.import, SectionId.function, SectionId.global, SectionId.export, SectionId.code]
      : hostExports.length ? [SectionId.export] : [];
    for (const need of needs) {
      if (present.has(need) || ORDER_OF(need) >= ORDER_OF(id)) continue;
      present.add(need);
      out.push(addedSection(need));
    }
  };
  const addedSection = (id: number): Section => {
    switch (id) {
      case SectionId.type: return appendToVector(id, undefined, 0, newTypes.view(), addedTypes);
      case SectionId.import: return appendToVector(id, undefined, 0, refillImport(refillType));
      case SectionId.function: return appendToVector(id, undefined, 0, helperTypes, 2);
      case SectionId.global: return appendToVector(id, undefined, 0, addedGlobals(addedGlobalCount), addedGlobalCount);
      case SectionId.code: return codeSection!;
      default: return encodeSection.exports([...(meter ? fuelExports(fuelGlobal) : []), ...hostExports]);
    }
  };
  for (const s of m.sections) {
    if (s.id !== SectionId.custom) emitMissingBefore(s.id);
    switch (s.id) {
      case SectionId.type:
        out.push(meter && addedTypes ? appendToVector(s.id, s, m.types.length, newTypes.view(), addedTypes) : s);
        break;
      case SectionId.function:
        out.push(meter ? appendToVector(s.id, s, m.functions.length, helperTypes, 2) : s);
        break;
      case SectionId.import:
        out.push(meter ? appendToVector(s.id, s, m.imports.length, refillImport(refillType)) : s);
        break;
      case SectionId.table: out.push(tablesChanged ? encodeSection.tables(tables) : s); break;
      case SectionId.memory: out.push(memoriesChanged ? encodeSection.memories(memories) : s); break;
      case SectionId.global:
        out.push(meter
          ? makeSection(s.id, new Writer().uleb(m.globals.length + addedGlobalCount).bytes(concatGlobals(m, shift, addedGlobalCount)).view())
          : s);
        break;
      case SectionId.export:
        out.push(meter || hostExports.length
          ? encodeSection.exports([...m.exports.map((e) => (e.kind === 'function' ? { ...e, index: shift(e.index) } : e)),
            ...(meter ? fuelExports(fuelGlobal) : []), ...hostExports])
          : s);
        break;
      case SectionId.start: if (o.hostAccess === false) out.push(meter ? encodeSection.start(shift(m.start!)) : s); break; // else deferred: START_EXPORT
      case SectionId.element:
        out.push(meter ? makeSection(s.id, remapElements(s.payload, fImp, name)) : s);
        break;
      case SectionId.code:
        if (meter?.hintSection) out.push(meter.hintSection); // code metadata goes before the code
        out.push(codeSection ?? s);
        break;
      case SectionId.custom: {
        if (!meter) { out.push(s); break; }
        const r = new Reader(bytes, name, s.payloadOffset, s.payloadOffset + s.payload.length);
        const customName = r.name();
        // Code metadata (branch hints, ...) holds code offsets the rewrite moved: dropped, as the convention asks.
        if (customName.startsWith('metadata.code.')) break;
        if (customName !== 'name') { out.push(s); break; }
        const names = remapNames(bytes.subarray(r.pos, r.end), fImp);
        if (names) out.push(makeSection(SectionId.custom, new Writer().name('name').bytes(names).view()));
        break;
      }
      default: out.push(s);
    }
  }
  emitMissingBefore(1000);
  return { bytes: writeSections(out), module: m, memories, importedMemories, tableMaxima, metered: !!meter, rewritten: true };
}

const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13, 1000: 99 };
const ORDER_OF = (id: number) => ORDER[id] ?? 0;

function sectionOffset(m: WasmModule, id: number): number {
  return m.sections.find((s) => s.id === id)?.payloadOffset ?? 0;
}

function checkMemory(moduleName: string, what: string, l: Limits, cap: number): void {
  if (l.min > cap) {
    const mib = (p: number) => `${+(p * 65536 / 2 ** 20).toFixed(2)} MiB`;
    throw new MemoryLimit(`${what} needs ${l.min} pages (${mib(l.min)}) initially, above the cap of ${cap} pages (${mib(cap)})`, { module: moduleName });
  }
}

function checkTable(moduleName: string, what: string, l: Limits, cap: number): void {
  if (l.min > cap) throw new ModuleTooLarge(`${what} declares ${l.min} initial entries: over the limit maxTableEntries = ${cap}`, { module: moduleName });
}

function refillImport(typeIndex: number): Uint8Array {
  return new Writer().name(FUEL_REFILL_MODULE).name(FUEL_REFILL_NAME).byte(0).uleb(typeIndex).finish();
}

/** The fuel counter, the frame counter and the throw flag (modules with a `try`): `n` mutable i32 globals, initial 0. */
function addedGlobals(n: number): Uint8Array {
  const g = [0x7f, 0x01, Opcode.i32Const, 0x00, Opcode.end];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(...g);
  return Uint8Array.from(out);
}

/** Export of the fuel counter (the frame counter and the throw flag are not exported). */
function fuelExports(fuel: number): Export[] {
  return [{ name: FUEL_EXPORT, kind: 'global', index: fuel }];
}

/**
 * `memory.grow` in a metered module, after its dynamic charge (stack: [pages], also in `scratch`):
 * `fuel_refill(min(pages, 2^30 - 1))`, a grow request (v ≥ 0, which no charge produces: charges
 * refill only when the counter is negative). The host grows memory 0 if the cap and the
 * engine-wide budget allow and returns the old size, else -1 (docs/limits.md "Committed memory";
 * a request over 2^30 - 1 pages could never be granted and stays refused).
 */
function emitGrowGate(w: Writer, scratch: number, refill: number): void {
  w.byte(Opcode.i32Const).sleb32(TABLE_GROW_REQUEST - 1).byte(Opcode.localGet).uleb(scratch).byte(Opcode.i32Const).sleb32(TABLE_GROW_REQUEST - 1)
    .byte(Opcode.i32LeU).byte(Opcode.select).byte(Opcode.call).uleb(refill);
}

/**
 * `table.grow x` in a metered module, after its dynamic charge (stack: [ref, n], n also in
 * `scratch`): asks `fuel_refill(2^30 + x·2^24 + min(n, 2^24 − 1))` (a table grow request, v ≥
 * 2^30), which answers 1 when the table's maximum and the engine-wide budget allow (the entries
 * are then held) or 0; n becomes -1 (2^32 − 1 entries, which no table can take) when refused, so
 * the `table.grow` that follows, as written, returns -1 and changes nothing.
 */
function emitTableGrowGate(w: Writer, scratch: number, table: number, refill: number): void {
  const most = TABLE_GROW_MAX_ENTRIES;
  w.byte(Opcode.i32Const).sleb32(-1)
    .byte(Opcode.i32Const).sleb32(TABLE_GROW_REQUEST + table * (most + 1))
    .byte(Opcode.localGet).uleb(scratch).byte(Opcode.i32Const).sleb32(most).byte(Opcode.localGet).uleb(scratch).byte(Opcode.i32Const).sleb32(most)
    .byte(Opcode.i32LeU).byte(Opcode.select).byte(Opcode.i32Add)
    .byte(Opcode.call).uleb(refill).byte(Opcode.select);
}

/** The table index of the `table.grow` (0xfc 15 x) at `at`; refused past the 64 a request can name. */
function grownTable(bytes: Uint8Array, at: number): number {
  let p = at + 1;
  while (bytes[p]! & 0x80) p++; // the sub-opcode (15), possibly padded
  p++;
  let x = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[p++]!;
    x += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  if (x >= TABLE_GROW_TABLES) throw new ModuleTooLarge(`table.grow on table ${x}: a metered module can grow tables 0-${TABLE_GROW_TABLES - 1} only`, {});
  return x;
}

/**
 * Host access, for every module (metered or not; docs/limits.md "Host access"): memory 0 (defined
 * or imported) exported as MEMORY_EXPORT, so the host reaches it whether or not the guest exports it;
 * the start function exported as START_EXPORT (its section is dropped), so the engine runs it
 * after instantiation, once host functions can see the instance. Guests cannot name either
 * (checkReservedNames refuses `__wasgo` imports and exports).
 */
function hostAccessExports(m: WasmModule, importedMemories: number, shift: (f: number) => number): Export[] {
  const out: Export[] = [];
  if (importedMemories + m.memories.length > 0) out.push({ name: MEMORY_EXPORT, kind: 'memory', index: 0 });
  if (m.start !== undefined) out.push({ name: START_EXPORT, kind: 'function', index: shift(m.start) });
  return out;
}

/** The module's globals (ref.func in initializers remapped) followed by the two added ones; without the count. */
function concatGlobals(m: WasmModule, shift: (f: number) => number, added: number): Uint8Array {
  const w = new Writer();
  const sec = m.sections.find((s) => s.id === SectionId.global)!;
  const r = new Reader(sec.payload, m.name);
  r.uleb();
  // A byte 0xd2 anywhere may be ref.func (or just data): only then re-encode the initializers.
  if (sec.payload.indexOf(Opcode.refFunc, r.pos) < 0) w.bytes(sec.payload.subarray(r.pos));
  else {
    for (const g of m.globals) {
      w.byte(g.type === 'i32' ? 0x7f : g.type === 'i64' ? 0x7e : g.type === 'f32' ? 0x7d : g.type === 'f64' ? 0x7c : g.type === 'v128' ? 0x7b : g.type === 'funcref' ? 0x70 : 0x6f);
      w.byte(g.mutable ? 1 : 0).bytes(remapConstExpr(g.init, shift, m.name));
    }
  }
  return w.bytes(addedGlobals(added)).finish();
}

/** A constant expression with every `ref.func` index remapped. */
/**
 * Constant expressions are remapped into one arena per module (views into it, not a copy each):
 * a `new Writer()` and a `slice` per expression made 60 000 element segments (0.9 MB) take
 * 0.6-0.9 s to rewrite, mostly in the GC. An expression without `ref.func` is returned as is.
 */
let constArena = new Writer();

function remapConstExpr(expr: Uint8Array, shift: (f: number) => number, moduleName: string): Uint8Array {
  const r = new Reader(expr, moduleName);
  const w = constArena;
  const start = w.length;
  let copied = 0;
  while (!r.done()) {
    const e = decodeOp(r);
    if (e.imm === Imm.Func) {
      w.bytes(expr.subarray(copied, r.pos));
      w.uleb(shift(r.uleb()));
      copied = r.pos;
    } else skipImm(r, e.imm);
  }
  if (copied === 0) return expr;
  return w.bytes(expr.subarray(copied)).viewFrom(start);
}

/**
 * The element section with every function index shifted past the refill import, streamed: bytes
 * are copied, only indices are re-encoded (no object per segment or item). The section was
 * decoded (and so checked) by readModule before.
 */
function remapElements(payload: Uint8Array, fImp: number, moduleName: string): Uint8Array {
  const r = new Reader(payload, moduleName);
  const w = new Writer(payload.length + (payload.length >> 3) + 16);
  const uleb = () => w.uleb(r.uleb());
  const func = () => { const f = r.uleb(); w.uleb(f >= fImp ? f + 1 : f); };
  const expr = () => {
    if (payload[r.pos] === Opcode.refFunc) {
      // the usual item, `ref.func f; end`
      r.pos++;
      w.byte(Opcode.refFunc);
      func();
      if (payload[r.pos] === Opcode.end) { r.pos++; w.byte(Opcode.end); return; }
    }
    for (;;) {
      const at = r.pos;
      const e = decodeOp(r);
      if (e.imm === Imm.Func) {
        w.copy(payload, at, r.pos);
        func();
        continue;
      }
      skipImm(r, e.imm);
      w.copy(payload, at, r.pos);
      if (payload[at] === Opcode.end) return;
    }
  };
  const n = r.uleb();
  w.uleb(n);
  for (let i = 0; i < n; i++) {
    const flags = r.uleb();
    w.uleb(flags);
    if ((flags & 3) === 2) uleb(); // table index
    if ((flags & 1) === 0) expr(); // active: offset
    if (flags & 3) w.byte(r.byte()); // element kind / reference type
    const k = r.uleb();
    w.uleb(k);
    for (let j = 0; j < k; j++) {
      if (flags & 4) expr();
      else func();
    }
  }
  return w.view();
}

/**
 * The name section with function indices shifted past the refill import (function names and
 * local names; label names are dropped: the rewrite adds blocks). Streams the payload: names
 * are copied as bytes, never decoded. A malformed section is dropped (engines ignore it too).
 */
export function remapNames(payload: Uint8Array, fImp: number): Uint8Array | undefined {
  const shift = (f: number) => (f >= fImp ? f + 1 : f);
  const out = new Writer();
  const sub = new Writer();
  try {
    const r = new Reader(payload, 'names');
    while (!r.done()) {
      const subStart = r.pos;
      const id = r.byte();
      const size = r.uleb();
      if (size > r.end - r.pos) return undefined;
      const end = r.pos + size;
      if (id === 1 || id === 2) {
        const s = new Reader(payload, 'names', r.pos, end);
        sub.reset();
        const n = s.uleb();
        sub.uleb(n);
        for (let i = 0; i < n; i++) {
          sub.uleb(shift(s.uleb()));
          const rest = s.pos;
          if (id === 1) {
            skipName(s);
          } else {
            const k = s.uleb();
            for (let j = 0; j < k; j++) { s.uleb(); skipName(s); }
          }
          sub.copy(payload, rest, s.pos);
        }
        if (!s.done()) return undefined;
        out.byte(id).uleb(sub.length).bytes(sub.view());
      } else if (id !== 3) {
        out.bytes(payload.subarray(subStart, end));
      }
      r.pos = end;
    }
  } catch {
    return undefined;
  }
  return out.finish();
}

/** Steps over a name without decoding or copying it. */
function skipName(r: Reader): void {
  const len = r.uleb();
  if (len > r.end - r.pos) r.fail('name runs past the name section');
  r.pos += len;
}

/** Feature gate over every body when not metering (metering gates as it rewrites). */
function scanAll(m: WasmModule, limits: BodyLimits): void {
  const scanner = new Meter(m, 0, 0, false, limits);
  for (let i = 0; i < m.code.length; i++) scanner.scanBody(m.code[i]!, m.types[m.functions[i]!]!.params.length);
}

// ---- metering ----

/**
 * Opcodes the scanner steps over without the general decoder: 1 = no immediate, 2 = one LEB,
 * 3 = memarg (two LEBs; the general path when the align field flags a memory index), 4 = f32.const
 * (4 bytes), 5 = f64.const (8 bytes).
 */
const FAST = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const e = OPS[b];
  if (!e || 'refused' in e || e.ctl !== Ctl.None) continue;
  if (e.imm === Imm.None) FAST[b] = 1;
  else if (e.imm === Imm.Local || e.imm === Imm.Global || e.imm === Imm.Table || e.imm === Imm.I32 || e.imm === Imm.I64) FAST[b] = 2;
  else if (e.imm === Imm.MemArg) FAST[b] = 3;
  else if (e.imm === Imm.F32) FAST[b] = 4;
  else if (e.imm === Imm.F64) FAST[b] = 5;
}

/** Weight of the plain instructions stepped over by the last plainRun. */
let runWeight = 0;

/**
 * Steps over plain instructions (FAST) from `p`; returns where the first other one starts (or
 * `end`), with their summed weight in runWeight; -(offset + 1) when one runs past `end`. A small
 * function of its own: the scanner's hottest loop, which V8 optimises best alone.
 */
function plainRun(bytes: Uint8Array, p: number, end: number): number {
  let w = 0;
  while (p < end) {
    const op = bytes[p]!;
    const k = FAST[op]!;
    if (k === 0) break;
    let q = p + 1;
    if (k === 1) {
      // no immediate
    } else if (k === 2) {
      while (q < end && (bytes[q]! & 0x80) !== 0) q++;
      q++;
    } else if (k === 3) {
      if (q < end && (bytes[q]! & 0x40) !== 0) break; // memarg with a memory index: the general path
      while (q < end && (bytes[q]! & 0x80) !== 0) q++;
      q++;
      while (q < end && (bytes[q]! & 0x80) !== 0) q++;
      q++;
    } else {
      q += k === 4 ? 4 : 8;
    }
    if (q > end) {
      runWeight = w;
      return -p - 1;
    }
    w += OP_WEIGHT[op]!;
    p = q;
  }
  runWeight = w;
  return p;
}

/** Weight of the 0xfc/0xfd instruction whose sub-opcode LEB (maybe padded) starts at `p` (already validated). */
function prefixedWeight(bytes: Uint8Array, p: number, weights: Record<number, number>): number {
  let sub = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[p++]!;
    sub |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0 || shift > 14) break;
  }
  return weights[sub] ?? 1;
}

const BRANCH_HINTS = 'metadata.code.branch_hint';

const EV_CHARGE = 0, EV_WRITEBACK = 1, EV_DYNAMIC = 2, EV_PATCH = 3, EV_GROW = 4;
/** Local mode only: loop wrappers (see LOOP_WRAP) and branch labels shifted past them. */
const EV_LOOP_OPEN = 5, EV_LOOP_END = 6, EV_LABEL = 7;
/** Frame counter (modules with a `try`): restore after a call, -1 before a tail call, charge at a catch. */
const EV_DEPTH_RESTORE = 8, EV_DEPTH_TAIL = 9, EV_DEPTH_CATCH = 10, EV_THROW = 11;
/** A static charge of its own right before the instruction (throw/rethrow: not paid by code that does not throw). */
const EV_STATIC = 12;
/** The limits the scanner checks per body. */
type BodyLimits = Pick<ModuleLimits, 'maxLoopDepth' | 'maxBodyBytes' | 'maxLocalMerges'>;
const NO_BODY_LIMITS: BodyLimits = { maxLoopDepth: Infinity, maxBodyBytes: Infinity, maxLocalMerges: Infinity };
// table.grow: the grow request before it (emitTableGrowGate)
const EV_TABLE_GROW = 13;
/** rLive value of a live loop-header region (1 = any other live region). */
const LOOP_HEAD = 2;
/** Least a loop header's charge bills (chargeOf). */
export const LOOP_HEADER_MIN = 6;
/** Labels each wrapped loop adds around itself: block $done, loop $re, block $cold. */
const LOOP_WRAP = 3;
/**
 * Control merges an instruction costs V8's baseline compiler (Liftoff merges every local at each
 * label and branch): a loop counts its wrappers' labels too (LOOP_WRAP); br_table counts its targets.
 */
const MERGES = new Uint8Array(64);
for (const c of [Ctl.Block, Ctl.If, Ctl.Else, Ctl.End, Ctl.Br, Ctl.BrIf, Ctl.Try, Ctl.Catch, Ctl.CatchAll, Ctl.Delegate]) MERGES[c] = 1;
MERGES[Ctl.Loop] = 1 + LOOP_WRAP;
/** Largest loop-header charge paid back on re-entry (s + c must stay inside i32). */
const MAX_WRAPPED_CHARGE = 1 << 20;
/** Block types a loop may have to be wrapped: empty or one value type (no loop parameters). */
const WRAPPABLE = new Uint8Array(256);
for (const b of [0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]) WRAPPABLE[b] = 1;
const F_FUNC = -1;

/**
 * Metering of the code section. Per body: scanBody walks the instructions once, recording
 * regions and insertion events in position order; emitBody then copies the body with the
 * insertions. All per-body state lives in arrays reused across bodies; nothing is copied per
 * instruction, so the pass is linear in the body size whatever its nesting.
 *
 * Regions. A region is straight-line code entered only at its start: the function entry, a
 * loop header, the start of an `else` arm or a catch handler, and the code after the `end` of
 * an `if`, a `try`, a loop, or a block some branch targets. Its charge, at its start, is the sum
 * of its instructions' weights: every instruction executed was paid by the charge of the region
 * it is in (a region is executed at most once per charge: going back needs a loop header).
 * Unconditional transfers (br, return, throw, unreachable...) end a region: the dead code after
 * them is not charged. A branch-free `if` with small arms is folded into its region (the dearer
 * arm is charged), which keeps typical code growth low.
 */
class Meter {
  // regions (typed arrays grown by doubling, `rN` in use: no per-body reallocation)
  private rN = 0;
  private rCost = new Float64Array(256);
  private rLive = new Uint8Array(256);
  /** Region whose every execution precedes at most one execution of this one (-1: none, must charge). */
  private rParent = new Int32Array(256);
  /** Units folded into this region from regions after it. */
  private rFolded = new Float64Array(256);
  /** The region this one was folded into (itself when it charges on its own). */
  private rAlias = new Int32Array(256);
  // events, in position order: [pos, kind, a, b] per event
  private ev = new Int32Array(1024);
  private evN = 0;
  // frames
  private fKind: number[] = [];
  private fTargeted: number[] = [];
  private fSimple: number[] = [];
  private fIfRegion: number[] = [];
  private fThenBase: number[] = [];
  private fThenCost: number[] = [];
  private fElseRegion: number[] = [];
  /** Region current when the frame opened. */
  private fOpen: number[] = [];
  /** Wrappable loops among the frames up to this one (cumulative; see LOOP_WRAP). */
  private fWrap: number[] = [];
  /** A wrappable loop's header region (-1 otherwise). */
  private fHdr: number[] = [];
  // per body facts
  private hasLoop = false;
  private hasCall = false;
  private hasTry = false;
  private needScratch = false;
  private cur = -1;
  /** Some body has a `try` (seen while scanning). */
  private sawTry = false;
  /**
   * Frame counter mode (the module has a `try`): global D = fuel + 1 counts this instance's
   * frames. A function that calls or throws does `D += 1; s = D` at entry (s a local), `D = s`
   * after every call returns and `D = s - 1` before a tail call; a catch handler charges
   * (D - s) x UNWIND_FRAME (the frames the exception unwound) and sets D = s. Global W = fuel + 2
   * is set to 1 by every throw/rethrow and to 0 by every handler: a handler that finds it 0
   * caught a JS exception (a failing host import, which no throw paid for) and pays
   * 2^JS_CATCH_SHIFT more. Modules without a `try` cannot catch, so they pay nothing.
   */
  depth = false;


  /** Loops open around the current instruction (checked against maxLoopDepth). */
  private loopDepth = 0;
  /** Control merges in the body so far (labels, branch targets, ends), checked against maxLocalMerges. */
  private merges = 0;
  constructor(private readonly m: WasmModule, private readonly fImp: number, private readonly fuel: number, private readonly countFrames = false,
    private readonly limits: BodyLimits = NO_BODY_LIMITS) {}

  /** Index of the helper `() -> ()` doing `v = G; G = 0; G = refill(v)` (global mode's cold path). */
  private get refillGlobal(): number { return this.fImp + 1 + this.m.functions.length; }
  /** Index of the helper `(v) -> (slice)` doing `G = 0; return refill(v)` (local mode's cold path). */
  private get refillLocal(): number { return this.fImp + 2 + this.m.functions.length; }

  /** The branch-hint section built with the code (see hintAt). */
  hintSection: Section | undefined;

  code(): Section {
    for (;;) {
      const s = this.codeOnce();
      if (s) return s;
    }
  }

  /** The code section, or undefined when a `try` turned frame counting on: start again. */
  private codeOnce(): Section | undefined {
    // Sized for typical growth (~1.2x) so the section is rarely copied while it grows, and
    // framed in place (frameSection): the bodies are copied once, into this buffer.
    const codeBytes = this.m.sections.find((s) => s.id === SectionId.code)?.payload.length ?? 0;
    const w = new Writer(Math.ceil(codeBytes * 1.25) + 256).skip(SECTION_HEADER_ROOM);
    w.uleb(this.m.code.length + 2);
    const funcs = new Writer();
    let hinted = 0;
    hints = new Writer();
    try {
      for (let i = 0; i < this.m.code.length; i++) {
        const b = this.m.code[i]!;
        this.scanBody(b, this.m.types[this.m.functions[i]!]!.params.length);
        if (this.sawTry && !this.depth && this.countFrames) {
          // Every function that calls must count frames: the bodies already done are redone.
          this.depth = true;
          return undefined;
        }
        hints.reset();
        hintCount = 0;
        // The body is emitted in place after room for its size (a u32 LEB, 5 bytes at most),
        // then moved back over the bytes the size does not need: never copied through a second buffer.
        const at = w.length;
        w.skip(5);
        hintBase = w.length;
        this.emitBody(b, this.m.types[this.m.functions[i]!]!.params.length, w);
        // V8 compiles a body lazily, inside its first call, where no deadline can see it: the
        // metered body is what it compiles, so the cap holds for it too (docs/limits.md).
        const size = w.length - at - 5;
        if (size > this.limits.maxBodyBytes) {
          checkLimit(this.limits, 'maxBodyBytes', size, `size of function ${this.fImp + i} as metered`, this.m.name, b.codeOffset);
        }
        w.closeSized(at, 5);
        if (hintCount) {
          funcs.uleb(this.fImp + 1 + i).uleb(hintCount).copy(hints.buffer, 0, hints.length);
          hinted++;
        }
      }
    } finally {
      hints = undefined;
    }
    if (hinted) {
      this.hintSection = makeSection(SectionId.custom, new Writer().name(BRANCH_HINTS).uleb(hinted).copy(funcs.buffer, 0, funcs.length).view());
    }
    // The cold paths live out of line: each charge site is then ~17 bytes instead of ~25.
    // The counter is zeroed before the refill so that a refill that throws leaves 0, never a
    // negative count that repeated caught charges could drive past -2^31.
    const G = this.fuel;
    const R = this.fImp;
    const hg = new Writer().uleb(0).byte(Opcode.globalGet).uleb(G).byte(Opcode.i32Const).byte(0).byte(Opcode.globalSet).uleb(G)
      .byte(Opcode.call).uleb(R).byte(Opcode.globalSet).uleb(G).byte(Opcode.end);
    const hl = new Writer().uleb(0).byte(Opcode.i32Const).byte(0).byte(Opcode.globalSet).uleb(G)
      .byte(Opcode.localGet).uleb(0).byte(Opcode.call).uleb(R).byte(Opcode.end);
    for (const h of [hg, hl]) w.uleb(h.length).copy(h.buffer, 0, h.length);
    return frameSection(SectionId.code, w, 0);
  }

  /** Starts a region at `pos`; `parent` as in rParent. Closes the current one unless `keepOpen`. */
  private region(pos: number, parent = -1, keepOpen = false, header = 0): void {
    if (!keepOpen) this.close();
    const id = this.rN++;
    if (id >= this.rCost.length) this.growRegions();
    this.rCost[id] = 0;
    this.rLive[id] = 1;
    this.rParent[id] = parent;
    this.rFolded[id] = 0;
    this.rAlias[id] = id;
    this.cur = id;
    this.event(pos, EV_CHARGE, id, header);
  }

  /**
   * What region `id`'s charge bills: its cost, or 0 once folded into its parent. A loop header
   * bills at least LOOP_HEADER_MIN: every pass runs the charge sequence itself (~7 instructions),
   * so nearly empty nested headers would otherwise run several times longer per unit than a
   * plain loop (tests/attack/nested-loop-headers.test.ts). Headers of real loops cost more than
   * the minimum already, so a plain loop's price is unchanged.
   */
  private chargeOf(id: number): number {
    const live = this.rLive[id]!;
    if (!live) return 0;
    const cost = this.rCost[id]!;
    return live === LOOP_HEAD && cost < LOOP_HEADER_MIN ? LOOP_HEADER_MIN : cost;
  }

  private growRegions(): void {
    const n = this.rCost.length * 2;
    const f64 = (a: Float64Array) => { const b = new Float64Array(n); b.set(a); return b; };
    const i32 = (a: Int32Array) => { const b = new Int32Array(n); b.set(a); return b; };
    this.rCost = f64(this.rCost);
    this.rFolded = f64(this.rFolded);
    this.rParent = i32(this.rParent);
    this.rAlias = i32(this.rAlias);
    const live = new Uint8Array(n);
    live.set(this.rLive);
    this.rLive = live;
  }

  private resolve(x: number): number {
    const alias = this.rAlias;
    while (alias[x] !== x) x = alias[x]!;
    return x;
  }

  /**
   * Ends the current region. A small region that runs at most once per run of an earlier one
   * (the code after a block, an else arm, ...) is folded into that one's charge — at most
   * FOLD_BUDGET units per charge, so folding never makes one dispatch pay for many cases.
   */
  private close(): void {
    const j = this.cur;
    this.cur = -1;
    if (j < 0 || !this.rLive[j] || this.rParent[j]! < 0) return;
    const b = this.resolve(this.rParent[j]!);
    const c = this.rCost[j]!;
    if (!this.rLive[b] || this.rFolded[b]! + c > FOLD_BUDGET) return;
    this.rCost[b]! += c;
    this.rFolded[b]! += c;
    this.rLive[j] = 0;
    this.rAlias[j] = b;
  }

  /** Inserts an event (no a/b) at index `i`, before the ones recorded since. */
  private eventBefore(i: number, pos: number, kind: number): void {
    this.event(0, 0, 0, 0);
    const ev = this.ev;
    ev.copyWithin((i + 1) * 4, i * 4, (this.evN - 1) * 4);
    ev[i * 4] = pos; ev[i * 4 + 1] = kind; ev[i * 4 + 2] = 0; ev[i * 4 + 3] = 0;
  }

  private event(pos: number, kind: number, a: number, b: number): void {
    let ev = this.ev;
    const i = this.evN * 4;
    if (i + 4 > ev.length) {
      const next = new Int32Array(ev.length * 2);
      next.set(ev);
      this.ev = ev = next;
    }
    ev[i] = pos; ev[i + 1] = kind; ev[i + 2] = a; ev[i + 3] = b;
    this.evN++;
  }

  private push(kind: number, wrap = 0): number {
    const d = this.fKind.length;
    if (d > 0) this.fSimple[d - 1] = 0;
    this.fWrap.push((d > 0 ? this.fWrap[d - 1]! : 0) + wrap);
    this.fHdr.push(-1);
    this.fKind.push(kind);
    this.fTargeted.push(0);
    this.fSimple.push(1);
    this.fIfRegion.push(-1);
    this.fThenBase.push(0);
    this.fThenCost.push(0);
    this.fElseRegion.push(-1);
    this.fOpen.push(this.cur);
    return d;
  }

  private pop(): void {
    if (this.fKind.pop() === Ctl.Loop) this.loopDepth--; this.fTargeted.pop(); this.fSimple.pop(); this.fIfRegion.pop();
    this.fThenBase.pop(); this.fThenCost.pop(); this.fElseRegion.pop(); this.fOpen.pop();
    this.fWrap.pop(); this.fHdr.pop();
  }

  /** Records the new value of a branch label when it crosses wrapped loops (applied in local mode). */
  private shiftLabel(start: number, end: number, label: number, top: number): void {
    const crossed = this.fWrap[top]! - this.fWrap[top - label]!;
    if (crossed > 0) this.event(start, EV_LABEL, end, label + LOOP_WRAP * crossed);
  }

  /** Marks the frame `label` levels up as a branch target; returns true when it is the function. */
  private target(label: number): boolean {
    const i = this.fKind.length - 1 - label;
    this.fTargeted[i] = 1;
    return i === 0;
  }

  scanBody(body: FunctionBody, params = 0): void {
    const m = this.m;
    const base = body.codeOffset;
    const r = new Reader(m.bytes, m.name, base, base + body.code.length);
    this.rN = 0;
    this.cur = -1;
    this.evN = 0;
    this.loopDepth = 0;
    this.merges = 0;
    this.hasLoop = false; this.hasCall = false; this.hasTry = false; this.needScratch = false;
    this.push(F_FUNC);
    this.region(0);
    this.rCost[this.cur]! += localsCharge(body);
    const bytes = m.bytes;
    const end = r.end;
    const fImp = this.fImp;
    while (this.fKind.length > 0) {
      // Fast run: plain instructions (no control effect, at most LEB immediates) and direct
      // calls. Their weights are summed in a local and added to the region once: the region
      // cannot change inside the run.
      let p = r.pos;
      let acc = 0;
      for (;;) {
        p = plainRun(bytes, p, end);
        if (p < 0) r.fail('instruction runs past the end of the body', -p - 1);
        acc += runWeight;
        if (p >= end || bytes[p] !== Opcode.call) break;
        // Direct call: remap the index past the refill import, weigh, go on.
        r.pos = p + 1;
        const f = r.uleb();
        if (f >= fImp) this.event(p + 1 - base, EV_PATCH, r.pos - base, f + 1);
        if (this.depth) this.event(r.pos - base, EV_DEPTH_RESTORE, 0, 0);
        this.hasCall = true;
        acc += CALL_WEIGHT;
        p = r.pos;
      }
      r.pos = p;
      if (acc !== 0 && this.cur >= 0) this.rCost[this.cur]! += acc;
      if (r.done()) r.fail('function body ends inside a block');
      const at = r.pos;
      const e = decodeOp(r);
      const ctl = e.ctl;
      this.merges += MERGES[ctl]!;
      const weight = ctl !== Ctl.None ? WEIGHT_OF[ctl]!
        : bytes[at] === 0xfd ? prefixedWeight(bytes, at + 1, SIMD_WEIGHTS) : bytes[at] === 0xfc ? prefixedWeight(bytes, at + 1, FC_WEIGHTS) : WEIGHT_OF[ctl]!;
      if (this.depth && (ctl === Ctl.ReturnCall || ctl === Ctl.ReturnCallIndirect)) this.event(at - base, EV_DEPTH_TAIL, 0, 0);
      if (ctl === Ctl.Throw || ctl === Ctl.Rethrow) {
        // Priced at the throw itself: `if (err) throw` must not charge every run of its region.
        if (this.cur >= 0) {
          this.rCost[this.cur]! -= weight - 1;
          this.event(at - base, EV_STATIC, weight, 0);
        }
        if (this.depth) this.event(at - base, EV_THROW, 0, 0);
      }
      if (this.cur >= 0) this.rCost[this.cur]! += weight;
      const top = this.fKind.length - 1;
      // immediates the pass reads
      if (e.imm === Imm.Func) {
        const s = r.pos;
        const f = r.uleb();
        if (f >= this.fImp) this.event(s - base, EV_PATCH, r.pos - base, f + 1);
      } else if (e.imm === Imm.Label) {
        const ls = r.pos;
        const label = r.uleb();
        if (label > top) r.fail(`branch to label ${label} outside the function`, at);
        if (ctl === Ctl.Br || ctl === Ctl.BrIf) {
          if (this.target(label)) this.event(at - base, EV_WRITEBACK, 0, 0);
          this.shiftLabel(ls - base, r.pos - base, label, top);
        }
      } else if (e.imm === Imm.BrTable) {
        const n = r.uleb();
        if (n > r.end - r.pos) r.fail('br_table runs past the body', at);
        this.merges += n + 1;
        let toFunction = false;
        const first = this.evN;
        for (let i = 0; i <= n; i++) {
          const ls = r.pos;
          const label = r.uleb();
          if (label > top) r.fail(`branch to label ${label} outside the function`, at);
          if (this.target(label)) toFunction = true;
          this.shiftLabel(ls - base, r.pos - base, label, top);
        }
        // The write-back goes before the br_table (events stay in position order).
        if (toFunction) this.eventBefore(first, at - base, EV_WRITEBACK);
      } else {
        skipImm(r, e.imm);
      }
      const after = r.pos - base;
      switch (ctl) {
        case Ctl.None: break;
        case Ctl.Block: this.push(Ctl.Block); break;
        case Ctl.Loop: {
          // A loop without parameters may be wrapped (local mode): its header charge then
          // refills outside the loop, so the hot loop holds no call (see emitBody).
          const wrap = WRAPPABLE[bytes[at + 1]!]!;
          if (++this.loopDepth > this.limits.maxLoopDepth) {
            throw new ModuleTooLarge(`loops nested in function ${m.imports.filter((i) => i.kind === 'function').length + m.code.indexOf(body)}: ${this.loopDepth} is over the limit maxLoopDepth = ${this.limits.maxLoopDepth}`,
              { module: m.name, offset: at });
          }
          const d = this.push(Ctl.Loop, wrap);
          this.hasLoop = true;
          if (wrap) {
            this.fHdr[d] = this.rN;
            this.event(at - base, EV_LOOP_OPEN, bytes[at + 1]!, this.rN);
          }
          this.region(after, -1, false, wrap);
          this.rLive[this.cur] = LOOP_HEAD; // charged at least LOOP_HEADER_MIN (see chargeOf)
          break;
        }
        case Ctl.If: {
          const d = this.push(Ctl.If);
          this.fIfRegion[d] = this.cur;
          this.fThenBase[d] = this.cur >= 0 ? this.rCost[this.cur]! : 0;
          break;
        }
        case Ctl.Else: {
          if (this.fKind[top] !== Ctl.If) r.fail('else outside an if', at);
          const inIfRegion = this.cur >= 0 && this.cur === this.fIfRegion[top];
          this.fThenCost[top] = inIfRegion ? this.rCost[this.cur]! - this.fThenBase[top]! : Infinity;
          // The if's region stays open: a small branch-free if is folded back into it at `end`.
          this.region(after, this.fIfRegion[top]!, inIfRegion);
          this.fElseRegion[top] = this.cur;
          break;
        }
        case Ctl.Try: this.push(Ctl.Try); this.hasTry = true; this.sawTry = true; break;
        case Ctl.Catch: case Ctl.CatchAll:
          if (this.fKind[top] !== Ctl.Try) r.fail('catch outside a try', at);
          this.fSimple[top] = 0;
          if (this.depth) this.event(after, EV_DEPTH_CATCH, 0, 0);
          this.region(after);
          break;
        case Ctl.Delegate: {
          if (this.fKind[top] !== Ctl.Try) r.fail('delegate outside a try', at);
          const open = this.fOpen[top]!;
          this.pop();
          this.region(after, open);
          break;
        }
        case Ctl.End: this.end(at - base, after); break;
        case Ctl.Br: case Ctl.BrTable: case Ctl.Return: case Ctl.Unreachable:
        case Ctl.Throw: case Ctl.Rethrow: case Ctl.ReturnCall: case Ctl.ReturnCallIndirect:
          if (ctl === Ctl.Return) this.event(at - base, EV_WRITEBACK, 0, 0);
          if (ctl === Ctl.Throw || ctl === Ctl.Rethrow) this.hasTry = true;
          if (ctl === Ctl.ReturnCall || ctl === Ctl.ReturnCallIndirect) this.hasCall = true;
          this.fSimple[top] = 0;
          this.close();
          break;
        case Ctl.BrIf: this.fSimple[top] = 0; break;
        case Ctl.Call: case Ctl.CallIndirect:
          this.hasCall = true;
          if (this.depth) this.event(after, EV_DEPTH_RESTORE, 0, 0);
          break;
        default: // dynamic charges: the length / delta is the top operand
          this.needScratch = true;
          this.event(at - base, EV_DYNAMIC, ctl, 0);
          if (ctl === Ctl.MemoryGrow) this.event(at - base, EV_GROW, after, 0);
          else if (ctl === Ctl.TableGrow) this.event(at - base, EV_TABLE_GROW, grownTable(bytes, at), 0);
      }
    }
    if (!r.done()) r.fail('instructions after the end of the function body');
    const work = (body.localCount + params) * this.merges;
    if (work > this.limits.maxLocalMerges) {
      throw new ModuleTooLarge(`locals x control merges in function ${this.fImp + m.code.indexOf(body)}: ${body.localCount + params} x ${this.merges} = ${work} is over the limit maxLocalMerges = ${this.limits.maxLocalMerges}`,
        { module: m.name, offset: body.codeOffset });
    }
  }

  private end(at: number, after: number): void {
    const d = this.fKind.length - 1;
    const kind = this.fKind[d]!;
    if (kind === F_FUNC) {
      this.event(at, EV_WRITEBACK, 0, 0);
      this.close();
      this.pop();
      return;
    }
    if (kind === Ctl.If && this.fSimple[d] && !this.fTargeted[d] && this.fIfRegion[d]! >= 0) {
      const ifRegion = this.fIfRegion[d]!;
      const elseRegion = this.fElseRegion[d]!;
      const thenCost = elseRegion >= 0 ? this.fThenCost[d]! : (this.cur === ifRegion ? this.rCost[ifRegion]! - this.fThenBase[d]! : Infinity);
      const elseCost = elseRegion >= 0 && this.cur === elseRegion ? this.rCost[elseRegion]! : elseRegion >= 0 ? Infinity : 0;
      const arm = Math.max(thenCost, elseCost);
      if (arm <= FOLD_MAX) {
        this.rCost[ifRegion]! += arm - thenCost; // the then arm is already in; charge the dearer arm
        if (elseRegion >= 0) this.rLive[elseRegion] = 0;
        this.pop();
        this.cur = ifRegion;
        return;
      }
    }
    if (kind === Ctl.Loop && this.fHdr[d]! >= 0) this.event(after, EV_LOOP_END, this.fHdr[d]!, 0);
    const targeted = this.fTargeted[d];
    // What follows an `end` runs at most once per run of the region the construct opened in.
    const open = kind === Ctl.If ? this.fIfRegion[d]! : this.fOpen[d]!;
    this.pop();
    if (kind === Ctl.Block && !targeted) return; // only the fallthrough reaches what follows
    if (kind === Ctl.Loop && this.cur < 0) return; // loop exits only by falling through: dead
    this.region(after, open);
  }

  private emitBody(body: FunctionBody, params: number, w: Writer): void {
    const local = this.hasLoop && !this.hasCall && !this.hasTry;
    const firstAdded = params + body.localCount;
    const fuelLocal = firstAdded;
    const scratch = local ? firstAdded + 1 : firstAdded;
    // Frame counting: functions that call or throw (never local mode) keep their depth in a local.
    const counted = this.depth && (this.hasCall || this.hasTry);
    const depthLocal = firstAdded + (local ? 1 : 0) + (this.needScratch ? 1 : 0);
    const added = (local ? 1 : 0) + (this.needScratch ? 1 : 0) + (counted ? 1 : 0);
    const code = body.code;
    if (added) {
      const r = new Reader(body.localsRaw, 'locals');
      const groups = r.uleb();
      w.uleb(groups + 1).bytes(body.localsRaw.subarray(r.pos)).uleb(added).byte(0x7f);
    } else {
      w.bytes(body.localsRaw);
    }
    const G = this.fuel;
    const HG = this.refillGlobal;
    const HL = this.refillLocal;
    const D = this.fuel + 1;
    const W = this.fuel + 2;
    if (counted) w.byte(Opcode.globalGet).uleb(D).byte(Opcode.i32Const).byte(1).byte(Opcode.i32Add).byte(Opcode.localTee).uleb(depthLocal).byte(Opcode.globalSet).uleb(D);
    let copied = 0;
    const n = this.evN;
    const ev = this.ev;
    for (let i = 0; i < n; i++) {
      const pos = ev[i * 4]!;
      const kind = ev[i * 4 + 1]!;
      const evA = ev[i * 4 + 2]!;
      const evB = ev[i * 4 + 3]!;
      if (pos > copied) { w.copy(code, copied, pos); copied = pos; }
      switch (kind) {
        case EV_CHARGE: {
          const id = evA;
          let cost = this.chargeOf(id);
          if (local && evB && cost > 0 && cost <= MAX_WRAPPED_CHARGE) {
            // Header of a wrapped loop: `F -= c; if (F < 0) br $cold` (the refill is outside the loop).
            w.byte(Opcode.localGet).uleb(fuelLocal).byte(Opcode.i32Const).sleb32(cost).byte(Opcode.i32Sub).byte(Opcode.localTee).uleb(fuelLocal)
              .byte(Opcode.i32Const).byte(0).byte(Opcode.i32LtS).byte(Opcode.brIf).byte(1);
            break;
          }
          if (local && id === 0) {
            // entry: load the counter into the local, charged
            const c = Math.min(cost, MAX_CHARGE);
            cost -= c;
            w.byte(Opcode.globalGet).uleb(G).byte(Opcode.i32Const).sleb32(c).byte(Opcode.i32Sub).byte(Opcode.localTee).uleb(fuelLocal);
            checkLocal(w, fuelLocal, HL);
          }
          while (cost > 0) {
            const c = Math.min(cost, MAX_CHARGE);
            cost -= c;
            if (local) {
              w.byte(Opcode.localGet).uleb(fuelLocal).byte(Opcode.i32Const).sleb32(c).byte(Opcode.i32Sub).byte(Opcode.localTee).uleb(fuelLocal);
              checkLocal(w, fuelLocal, HL);
            } else {
              w.byte(Opcode.globalGet).uleb(G).byte(Opcode.i32Const).sleb32(c).byte(Opcode.i32Sub).byte(Opcode.globalSet).uleb(G);
              checkGlobal(w, G, HG);
            }
          }
          break;
        }
        case EV_WRITEBACK:
          if (local) w.byte(Opcode.localGet).uleb(fuelLocal).byte(Opcode.globalSet).uleb(G);
          break;
        case EV_DYNAMIC: {
          const d = DYNAMIC[evA as Ctl]!;
          w.byte(Opcode.localTee).uleb(scratch);
          if (local) w.byte(Opcode.localGet).uleb(fuelLocal);
          else w.byte(Opcode.globalGet).uleb(G);
          if (d.shift !== undefined) {
            w.byte(Opcode.localGet).uleb(scratch).byte(Opcode.i32Const).sleb32(d.shift).byte(Opcode.i32ShrU);
          } else {
            const mul = d.mul!;
            w.byte(Opcode.i32Const).sleb32(MAX_CHARGE)
              .byte(Opcode.localGet).uleb(scratch).byte(Opcode.i32Const).sleb32(mul).byte(Opcode.i32Mul)
              .byte(Opcode.localGet).uleb(scratch).byte(Opcode.i32Const).sleb32(Math.floor(MAX_CHARGE / mul)).byte(Opcode.i32GtU)
              .byte(Opcode.select);
          }
          w.byte(Opcode.i32Sub);
          if (local) {
            w.byte(Opcode.localTee).uleb(fuelLocal);
            checkLocal(w, fuelLocal, HL);
          } else {
            w.byte(Opcode.globalSet).uleb(G);
            checkGlobal(w, G, HG);
          }
          break;
        }
        case EV_PATCH:
          w.uleb(evB);
          copied = evA;
          break;
        case EV_LABEL:
          if (local) { w.uleb(evB); copied = evA; }
          break;
        case EV_LOOP_OPEN:
          // block $done (the loop's type) / loop $re / block $cold / <the loop>
          if (local) w.byte(Opcode.block).byte(evA).byte(Opcode.loop).byte(0x40).byte(Opcode.block).byte(0x40);
          break;
        case EV_LOOP_END: {
          if (!local) break;
          // <the loop> br $done / end $cold: F = refill(F) + c (the header charges c again); br $re
          // / end $re / unreachable / end $done
          const cost = this.chargeOf(evA);
          w.byte(Opcode.br).byte(2).byte(Opcode.end);
          if (cost > 0 && cost <= MAX_WRAPPED_CHARGE) {
            w.byte(Opcode.localGet).uleb(fuelLocal).byte(Opcode.call).uleb(HL).byte(Opcode.i32Const).sleb32(cost).byte(Opcode.i32Add)
              .byte(Opcode.localSet).uleb(fuelLocal).byte(Opcode.br).byte(0);
          }
          w.byte(Opcode.end).byte(Opcode.unreachable).byte(Opcode.end);
          break;
        }
        case EV_DEPTH_RESTORE:
          if (counted) w.byte(Opcode.localGet).uleb(depthLocal).byte(Opcode.globalSet).uleb(D);
          break;
        case EV_DEPTH_TAIL:
          if (counted) w.byte(Opcode.localGet).uleb(depthLocal).byte(Opcode.i32Const).byte(1).byte(Opcode.i32Sub).byte(Opcode.globalSet).uleb(D);
          break;
        case EV_STATIC:
          // functions that throw are never in local mode
          w.byte(Opcode.globalGet).uleb(G).byte(Opcode.i32Const).sleb32(evA).byte(Opcode.i32Sub).byte(Opcode.globalSet).uleb(G);
          checkGlobal(w, G, HG);
          break;
        case EV_THROW:
          if (counted) w.byte(Opcode.i32Const).byte(1).byte(Opcode.globalSet).uleb(W);
          break;
        case EV_DEPTH_CATCH: {
          if (!counted) break;
          // F -= min(2^30 - 2^15, (D - s) << UNWIND_SHIFT) + ((W ^ 1) << JS_CATCH_SHIFT)
          // (unsigned: D - s is never negative); D = s; W = 0
          const diff = () => w.byte(Opcode.globalGet).uleb(D).byte(Opcode.localGet).uleb(depthLocal).byte(Opcode.i32Sub);
          w.byte(Opcode.globalGet).uleb(G).byte(Opcode.i32Const).sleb32(MAX_UNWIND_CHARGE);
          diff();
          w.byte(Opcode.i32Const).sleb32(UNWIND_SHIFT).byte(Opcode.i32Shl);
          diff();
          w.byte(Opcode.i32Const).sleb32(MAX_UNWIND_CHARGE >>> UNWIND_SHIFT).byte(Opcode.i32GtU).byte(Opcode.select)
            .byte(Opcode.globalGet).uleb(W).byte(Opcode.i32Const).byte(1).byte(Opcode.i32Xor).byte(Opcode.i32Const).sleb32(JS_CATCH_SHIFT).byte(Opcode.i32Shl)
            .byte(Opcode.i32Add).byte(Opcode.i32Sub).byte(Opcode.globalSet).uleb(G);
          w.byte(Opcode.localGet).uleb(depthLocal).byte(Opcode.globalSet).uleb(D).byte(Opcode.i32Const).byte(0).byte(Opcode.globalSet).uleb(W);
          checkGlobal(w, G, HG);
          break;
        }
        case EV_GROW:
          emitGrowGate(w, scratch, this.fImp);
          copied = evA; // the memory.grow instruction itself is replaced
          break;
        case EV_TABLE_GROW:
          emitTableGrowGate(w, scratch, evA, this.fImp); // the table.grow itself follows, as written
          break;
      }
    }
    w.copy(code, copied, code.length);
  }
}

/**
 * Branch hints: every refill branch is marked unlikely in a `metadata.code.branch_hint` section
 * (offsets from the start of the function body, i.e. its locals). Engines that honour it (V8 with
 * branch hinting) keep the cold refill call from costing the hot path spills; others ignore it.
 */
let hints: Writer | undefined;
let hintCount = 0;
/** Where the body being emitted starts in the code section's writer (hint offsets are relative to it). */
let hintBase = 0;
function hintAt(offset: number): void {
  if (!hints) return;
  hints.uleb(offset - hintBase).uleb(1).byte(0);
  hintCount++;
}

/** Stack: [F - c] already tee'd into the local. `if (F < 0) F = refillLocal(F)` */
function checkLocal(w: Writer, fuelLocal: number, HL: number): void {
  w.byte(Opcode.i32Const).byte(0).byte(Opcode.i32LtS);
  hintAt(w.length);
  w.byte(Opcode.if).byte(0x40)
    .byte(Opcode.localGet).uleb(fuelLocal).byte(Opcode.call).uleb(HL).byte(Opcode.localSet).uleb(fuelLocal)
    .byte(Opcode.end);
}

/** After `G = F - c`: `if (G < 0) refillGlobal()` (which does `v = G; G = 0; G = refill(v)`). */
function checkGlobal(w: Writer, G: number, HG: number): void {
  w.byte(Opcode.globalGet).uleb(G).byte(Opcode.i32Const).byte(0).byte(Opcode.i32LtS);
  hintAt(w.length);
  w.byte(Opcode.if).byte(0x40)
    .byte(Opcode.call).uleb(HG)
    .byte(Opcode.end);
}
