/**
 * The closed opcode table: every instruction WasGo knows, from the final WebAssembly 3.0
 * specification (specification/wasm-3.0/5.3-binary.instructions.spectec) plus the legacy
 * exception-handling opcodes (try/catch/catch_all/delegate/rethrow, spec appendix).
 *
 * Each entry gives the instruction's immediates (how to step over them) and its control effect
 * (what the fuel pass needs). An opcode that is not in the table, or is in it as refused, cannot
 * be classified or metered: the module is refused (UnsupportedFeature naming the feature), never
 * passed through.
 */

/** How an instruction's immediates are encoded. */
export enum Imm {
  None, BlockType, Label, BrTable, Func, CallIndirect, Local, Global, Tag, Table, MemArg,
  /** memory.size / memory.grow: one memory index (must be 0: multi-memory is refused). */
  MemIdx,
  I32, I64, F32, F64,
  /** Typed `select`: a vector of value types. */
  SelectT,
  /** ref.null: a heap type. */
  HeapType,
  Lane, MemArgLane, V128,
  /** memory.init: data index, memory index. */
  DataMem, Data,
  /** memory.copy: two memory indices. */
  MemMem,
  /** table.init: element index, table index. */
  ElemTable, Elem, TableTable,
}

/** What an instruction does to control flow (and which need a dynamic charge). */
export enum Ctl {
  None, Block, Loop, If, Else, Try, Catch, CatchAll, Delegate, End,
  /** Unconditional transfers: what follows up to the next `end`/`else`/`catch` is unreachable. */
  Br, BrTable, Return, Unreachable, Throw, Rethrow, ReturnCall, ReturnCallIndirect,
  BrIf, Call, CallIndirect,
  /** Bulk memory ops: the length is the top operand. */
  BulkMemory,
  /** table.fill / table.init: the length is the top operand (priced per element). */
  BulkTable,
  /** table.copy: the length is the top operand (priced per element, dearer than fill). */
  TableCopy,
  MemoryGrow, TableGrow,
}

export interface OpInfo { imm: Imm; ctl: Ctl }

/** `feature` when the opcode belongs to a feature WasGo refuses. */
export type OpEntry = OpInfo | { refused: string };

const op = (imm: Imm, ctl: Ctl = Ctl.None): OpInfo => ({ imm, ctl });
const refused = (feature: string) => ({ refused: feature });

/** Single-byte opcodes. Missing = unknown. */
export const OPS: (OpEntry | undefined)[] = new Array(256);
/** 0xFC sub-opcodes. */
export const FC_OPS: (OpEntry | undefined)[] = [];
/** 0xFD sub-opcodes (fixed-width SIMD; relaxed SIMD refused). */
export const FD_OPS: (OpEntry | undefined)[] = [];

export const FEATURE = {
  gc: 'garbage collection (GC proposal)',
  typedRefs: 'typed function references',
  threads: 'threads (shared memory and atomics)',
  newEh: 'exception handling with exnref (try_table / throw_ref)',
  relaxedSimd: 'relaxed SIMD',
  multiMemory: 'multiple memories',
  memory64: '64-bit memories',
  table64: '64-bit tables',
  stringref: 'stringref',
  customDescriptors: 'custom descriptors / other non-function type forms',
  extendedConst: 'extended constant expressions (arithmetic or a defined global in a constant expression)',
} as const;

// Control (0x00-0x1f)
OPS[0x00] = op(Imm.None, Ctl.Unreachable);
OPS[0x01] = op(Imm.None); // nop
OPS[0x02] = op(Imm.BlockType, Ctl.Block);
OPS[0x03] = op(Imm.BlockType, Ctl.Loop);
OPS[0x04] = op(Imm.BlockType, Ctl.If);
OPS[0x05] = op(Imm.None, Ctl.Else);
OPS[0x06] = op(Imm.BlockType, Ctl.Try); // legacy EH
OPS[0x07] = op(Imm.Tag, Ctl.Catch); // legacy EH
OPS[0x08] = op(Imm.Tag, Ctl.Throw);
OPS[0x09] = op(Imm.Label, Ctl.Rethrow); // legacy EH
OPS[0x0a] = refused(FEATURE.newEh); // throw_ref
OPS[0x0b] = op(Imm.None, Ctl.End);
OPS[0x0c] = op(Imm.Label, Ctl.Br);
OPS[0x0d] = op(Imm.Label, Ctl.BrIf);
OPS[0x0e] = op(Imm.BrTable, Ctl.BrTable);
OPS[0x0f] = op(Imm.None, Ctl.Return);
OPS[0x10] = op(Imm.Func, Ctl.Call);
OPS[0x11] = op(Imm.CallIndirect, Ctl.CallIndirect);
OPS[0x12] = op(Imm.Func, Ctl.ReturnCall);
OPS[0x13] = op(Imm.CallIndirect, Ctl.ReturnCallIndirect);
OPS[0x14] = refused(FEATURE.typedRefs); // call_ref
OPS[0x15] = refused(FEATURE.typedRefs); // return_call_ref
OPS[0x18] = op(Imm.Label, Ctl.Delegate); // legacy EH
OPS[0x19] = op(Imm.None, Ctl.CatchAll); // legacy EH
OPS[0x1a] = op(Imm.None); // drop
OPS[0x1b] = op(Imm.None); // select
OPS[0x1c] = op(Imm.SelectT); // select t*
OPS[0x1f] = refused(FEATURE.newEh); // try_table
// Variables
OPS[0x20] = op(Imm.Local); OPS[0x21] = op(Imm.Local); OPS[0x22] = op(Imm.Local);
OPS[0x23] = op(Imm.Global); OPS[0x24] = op(Imm.Global);
OPS[0x25] = op(Imm.Table); OPS[0x26] = op(Imm.Table); // table.get / table.set
// Memory
for (let o = 0x28; o <= 0x3e; o++) OPS[o] = op(Imm.MemArg);
OPS[0x3f] = op(Imm.MemIdx); // memory.size
OPS[0x40] = op(Imm.MemIdx, Ctl.MemoryGrow);
// Numeric
OPS[0x41] = op(Imm.I32); OPS[0x42] = op(Imm.I64); OPS[0x43] = op(Imm.F32); OPS[0x44] = op(Imm.F64);
for (let o = 0x45; o <= 0xc4; o++) OPS[o] = op(Imm.None); // comparisons, arithmetic, conversions, sign-ext
// Reference types
OPS[0xd0] = op(Imm.HeapType); // ref.null
OPS[0xd1] = op(Imm.None); // ref.is_null
OPS[0xd2] = op(Imm.Func); // ref.func
OPS[0xd3] = refused(FEATURE.gc); // ref.eq
OPS[0xd4] = refused(FEATURE.typedRefs); // ref.as_non_null (no immediate)
OPS[0xd5] = refused(FEATURE.typedRefs); // br_on_null (label)
OPS[0xd6] = refused(FEATURE.typedRefs); // br_on_non_null (label)
// Prefixes
OPS[0xfb] = refused(FEATURE.gc);
OPS[0xfe] = refused(FEATURE.threads);

// 0xFC: saturating truncation, bulk memory, table ops
for (let s = 0; s <= 7; s++) FC_OPS[s] = op(Imm.None);
FC_OPS[8] = op(Imm.DataMem, Ctl.BulkMemory); // memory.init
FC_OPS[9] = op(Imm.Data); // data.drop
FC_OPS[10] = op(Imm.MemMem, Ctl.BulkMemory); // memory.copy
FC_OPS[11] = op(Imm.MemIdx, Ctl.BulkMemory); // memory.fill
FC_OPS[12] = op(Imm.ElemTable, Ctl.BulkTable); // table.init
FC_OPS[13] = op(Imm.Elem); // elem.drop
FC_OPS[14] = op(Imm.TableTable, Ctl.TableCopy); // table.copy
FC_OPS[15] = op(Imm.Table, Ctl.TableGrow); // table.grow
FC_OPS[16] = op(Imm.Table); // table.size
FC_OPS[17] = op(Imm.Table, Ctl.BulkTable); // table.fill

// 0xFD: fixed-width SIMD. Gaps are reserved (unknown); 256-275 are relaxed SIMD (refused).
const SIMD_GAPS = new Set([154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238]);
for (let s = 0; s <= 255; s++) {
  if (SIMD_GAPS.has(s)) continue;
  if (s <= 11 || s === 92 || s === 93) FD_OPS[s] = op(Imm.MemArg);
  else if (s === 12 || s === 13) FD_OPS[s] = op(Imm.V128); // v128.const, i8x16.shuffle: 16 bytes
  else if (s >= 21 && s <= 34) FD_OPS[s] = op(Imm.Lane);
  else if (s >= 84 && s <= 91) FD_OPS[s] = op(Imm.MemArgLane);
  else FD_OPS[s] = op(Imm.None);
}
for (let s = 256; s <= 275; s++) FD_OPS[s] = refused(FEATURE.relaxedSimd);

/** Value type bytes WasGo accepts in code and types (everything else is a refused feature). */
export const VALTYPE_BYTES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

/** The feature a value/heap type byte belongs to, for the refusal message. */
export function typeFeature(b: number): string {
  if (b === 0x63 || b === 0x64) return FEATURE.typedRefs;
  if (b === 0x67 || b === 0x66) return FEATURE.stringref; // stringref family (pre-standard)
  if (b === 0x69 || b === 0x74) return FEATURE.newEh; // exnref / noexn
  return FEATURE.gc;
}
