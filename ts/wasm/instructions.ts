import type { Reader } from './bytes';

/**
 * Instruction decoding: enough to know where every instruction starts and ends and which
 * ones shape control flow. Immediates are skipped, never re-encoded, so untouched code keeps
 * its original (possibly padded) LEB widths.
 *
 * Covered: MVP, sign-ext, non-trapping float-to-int, bulk memory, multi-value, reference types,
 * tail calls, legacy and new exception handling, multi-memory, memory64 memargs, SIMD and relaxed
 * SIMD (0xfd), threads (0xfe). Not covered: GC (0xfb) and typed function references' `ref` types.
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
  delegate: 0x18,
  tryTable: 0x1f,
  localGet: 0x20,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i64Const: 0x42,
  i64LtS: 0x53,
  i64Sub: 0x7d,
  i64ShrU: 0x88,
  i64ExtendI32U: 0xad,
} as const;

/** Code for a prefixed instruction: prefix in the high bits, sub-opcode in the low 16. */
export function prefixed(prefix: number, sub: number): number {
  return prefix * 0x10000 + sub;
}

/** Reads one instruction and its immediates; returns its code (see `prefixed`). */
export function readInstruction(r: Reader): number {
  const at = r.pos;
  const op = r.byte();
  switch (op) {
    case 0x02: case 0x03: case 0x04: case 0x06:
      blockType(r); break;
    case 0x1f: // try_table: blocktype, catch clauses
      blockType(r);
      r.vec((c) => { const kind = c.byte(); if (kind > 3) c.fail(`unknown catch kind ${kind}`, c.pos - 1); if (kind < 2) c.uleb(); c.uleb(); });
      break;
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x12:
    case 0x14: case 0x15: case 0x18: case 0xd2: case 0xd4: case 0xd6:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
      r.uleb(); break;
    case 0x0e: r.vec((v) => v.uleb()); r.uleb(); break;
    case 0x11: case 0x13: r.uleb(); r.uleb(); break;
    case 0x1c: r.vec((v) => v.byte()); break;
    case 0x3f: case 0x40: r.uleb(); break;
    case 0x41: r.sleb(32); break;
    case 0x42: r.skipLeb(64); break;
    case 0x43: r.take(4); break;
    case 0x44: r.take(8); break;
    case 0xd0: heapType(r); break;
    case 0xfc: return prefixed(op, miscImmediates(r));
    case 0xfd: return prefixed(op, simdImmediates(r));
    case 0xfe: return prefixed(op, atomicImmediates(r));
    default:
      if (op >= 0x28 && op <= 0x3e) { memarg(r); break; }
      if (!noImmediates(op)) r.fail(`unknown or unsupported opcode 0x${op.toString(16)}`, at);
  }
  return op;
}

/** Steps over a constant expression (global init, segment offset) including its final `end`. */
export function skipConstExpr(r: Reader): void {
  let depth = 0;
  for (;;) {
    const op = readInstruction(r);
    if (op === 0x02 || op === 0x03 || op === 0x04) depth++;
    else if (op === Opcode.end && depth-- === 0) return;
  }
}

function noImmediates(op: number): boolean {
  return op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0a || op === 0x0b || op === 0x0f ||
    op === 0x19 || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) ||
    op === 0xd1 || op === 0xd3 || op === 0xd5;
}

function blockType(r: Reader): void {
  const b = r.peek();
  if (b === 0x63 || b === 0x64) { r.byte(); heapType(r); return; }
  r.sleb(33);
}

function heapType(r: Reader): void {
  r.sleb(33);
}

function memarg(r: Reader): void {
  const align = r.uleb();
  if (align & 0x40) r.uleb(); // multi-memory: memory index follows
  r.skipLeb(64); // memory64 offsets are u64
}

function miscImmediates(r: Reader): number {
  const at = r.pos;
  const sub = r.uleb();
  switch (sub) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: break; // trunc_sat
    case 8: case 10: case 12: case 14: r.uleb(); r.uleb(); break; // memory.init, memory.copy, table.init, table.copy
    case 9: case 11: case 13: case 15: case 16: case 17: r.uleb(); break;
    default: r.fail(`unknown 0xfc instruction ${sub}`, at);
  }
  return sub;
}

function simdImmediates(r: Reader): number {
  const at = r.pos;
  const sub = r.uleb();
  if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
  else if (sub === 12 || sub === 13) r.take(16);
  else if (sub >= 21 && sub <= 34) r.byte();
  else if (sub >= 84 && sub <= 91) { memarg(r); r.byte(); }
  else if (sub > 0x113) r.fail(`unknown 0xfd instruction ${sub}`, at);
  return sub;
}

function atomicImmediates(r: Reader): number {
  const at = r.pos;
  const sub = r.uleb();
  if (sub === 3) r.byte(); // atomic.fence
  else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) memarg(r);
  else r.fail(`unknown 0xfe instruction ${sub}`, at);
  return sub;
}
