import type { Reader } from './bytes';
import { UnsupportedFeature } from '../engine/errors';
import { Ctl, FC_OPS, FD_OPS, FEATURE, Imm, OPS, typeFeature, VALTYPE_BYTES, type OpEntry, type OpInfo } from './opcodes';

/**
 * Instruction decoding over the closed opcode table (opcodes.ts): where every instruction
 * starts and ends and what it does to control flow. Immediates are skipped, never re-encoded,
 * so untouched code keeps its original (possibly padded) LEB widths. An opcode outside the
 * table is refused: UnsupportedFeature when it belongs to a refused feature, CompileError when
 * it is unknown.
 */

export const Opcode = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  try: 0x06,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  delegate: 0x18,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Const: 0x41,
  i64Const: 0x42,
  memorySize: 0x3f,
  i32Eq: 0x46,
  i32GtU: 0x4b,
  i32LeU: 0x4d,
  i32LtS: 0x48,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32Xor: 0x73,
  i32ShrU: 0x76,
  refFunc: 0xd2,
} as const;

/** Code for a prefixed instruction: prefix in the high bits, sub-opcode in the low 16. */
export function prefixed(prefix: number, sub: number): number {
  return prefix * 0x10000 + sub;
}

export function unsupported(r: Reader, feature: string, at: number): never {
  throw new UnsupportedFeature(`the module uses ${feature}, which WasGo cannot meter or contain yet`, { module: r.moduleName, offset: at });
}

/** Reads an opcode (and a prefix's sub-opcode) and returns its table entry; refuses what the table does not accept. */
export function decodeOp(r: Reader): OpInfo {
  const at = r.pos;
  const b = r.byte();
  let e: OpEntry | undefined;
  if (b === 0xfc) e = FC_OPS[r.uleb()];
  else if (b === 0xfd) e = FD_OPS[r.uleb()];
  else e = OPS[b];
  if (e === undefined) return r.fail(`unknown opcode ${describeOp(r, at)}`, at);
  if ('refused' in e) return unsupported(r, e.refused, at);
  return e;
}

function describeOp(r: Reader, at: number): string {
  const b = r.bytes[at]!;
  return b === 0xfc || b === 0xfd ? `0x${b.toString(16)} ${r.bytes[at + 1]}` : `0x${b.toString(16)}`;
}

/** Steps over the immediates of an instruction whose opcode was just decoded. */
export function skipImm(r: Reader, imm: Imm): void {
  switch (imm) {
    case Imm.None: return;
    case Imm.BlockType: blockType(r); return;
    case Imm.Label: case Imm.Func: case Imm.Local: case Imm.Global: case Imm.Tag: case Imm.Table:
    case Imm.Data: case Imm.Elem:
      r.uleb(); return;
    case Imm.BrTable: { const n = r.uleb(); for (let i = 0; i <= n; i++) r.uleb(); return; }
    case Imm.CallIndirect: case Imm.ElemTable: case Imm.TableTable: r.uleb(); r.uleb(); return;
    case Imm.MemArg: memarg(r); return;
    case Imm.MemArgLane: memarg(r); r.byte(); return;
    case Imm.MemIdx: memIdx(r); return;
    case Imm.DataMem: r.uleb(); memIdx(r); return;
    case Imm.MemMem: memIdx(r); memIdx(r); return;
    case Imm.I32: r.sleb(32); return;
    case Imm.I64: r.skipLeb(64); return;
    case Imm.F32: r.take(4); return;
    case Imm.F64: r.take(8); return;
    case Imm.V128: r.take(16); return;
    case Imm.Lane: r.byte(); return;
    case Imm.SelectT: {
      const n = r.uleb();
      if (n > r.end - r.pos) r.fail('select type vector runs past the body');
      for (let i = 0; i < n; i++) valTypeByte(r);
      return;
    }
    case Imm.HeapType: heapType(r); return;
  }
}

/** Reads one instruction and its immediates; returns its table entry. */
export function readInstruction(r: Reader): OpInfo {
  const e = decodeOp(r);
  skipImm(r, e.imm);
  return e;
}

/** Steps over a constant expression (global init, segment offset) including its final `end`. */
export function skipConstExpr(r: Reader): void {
  for (;;) {
    const at = r.pos;
    const e = readInstruction(r);
    const op = r.bytes[at]!;
    if (op === Opcode.end) return;
    if (e.ctl !== Ctl.None) r.fail('control instruction in a constant expression', at);
    // Closed set (Wasm 2.0): constants, ref.null, ref.func, global.get. Arithmetic is the
    // extended-const proposal, which V8 in Node 20 does not validate: refused by name.
    if (!CONST_OPS.has(op) && !(op === 0xfd && r.bytes[at + 1] === 0x0c)) unsupported(r, FEATURE.extendedConst, at);
  }
}

/** i32/i64/f32/f64.const, global.get, ref.null, ref.func (v128.const is 0xfd 12, checked above). */
const CONST_OPS = new Set([0x41, 0x42, 0x43, 0x44, 0x23, 0xd0, 0xd2]);

/** A value type byte WasGo accepts (numbers, v128, funcref, externref); refuses the rest. */
export function valTypeByte(r: Reader): number {
  const at = r.pos;
  const b = r.byte();
  if (!VALTYPE_BYTES.has(b)) {
    if (b >= 0x40 && b < 0x80) unsupported(r, typeFeature(b), at);
    r.fail(`unknown value type 0x${b.toString(16)}`, at);
  }
  return b;
}

function blockType(r: Reader): void {
  const at = r.pos;
  const b = r.peek();
  if (b === 0x40) { r.pos++; return; }
  if (b >= 0x40 && b < 0x80) { valTypeByte(r); return; }
  const t = r.sleb(33);
  if (t < 0) r.fail('bad block type', at);
}

function heapType(r: Reader): void {
  const at = r.pos;
  const t = r.sleb(33);
  if (t === -16 || t === -17) return; // func, extern
  unsupported(r, t >= 0 ? FEATURE.typedRefs : typeFeature(t + 0x80), at);
}

function memarg(r: Reader): void {
  const at = r.pos;
  const align = r.uleb();
  if (align & 0x40) {
    if (r.uleb() !== 0) unsupported(r, FEATURE.multiMemory, at);
  }
  r.skipLeb(64);
}

function memIdx(r: Reader): void {
  const at = r.pos;
  if (r.uleb() !== 0) unsupported(r, FEATURE.multiMemory, at);
}
