import { Reader } from './bytes';
import { Opcode, prefixed, readInstruction } from './instructions';

/**
 * Where one function body must charge fuel, found in a single pass over its instructions.
 *
 * Unbounded execution needs a back-edge or a call: wasm branches only go backwards to `loop`
 * labels, and recursion needs a call. So a charge goes
 * - at every loop header (every iteration passes it), costing the loop body's instructions;
 * - on every path from the function entry to a call made outside any loop: at the start of the
 *   innermost block (or if/else arm) holding all such calls, costing the instructions outside
 *   loops. Paths that reach no call and no loop (a recursion's base case, a small helper) are
 *   bounded by the function's size and go uncharged: charging them would double the cost of
 *   cheap calls.
 *
 * Functions that make no calls but loop keep the counter in a local ("local" mode): the loop
 * charges then cost no memory traffic. The local is loaded at entry and written back to the
 * global wherever the function can be left (return, branches to the function label, throws,
 * the final `end`) and before trapping for fuel. Functions that call keep it in the global
 * ("global" mode), since a call would need a write-back and a reload anyway.
 */

export interface Charge {
  /** Byte position in the body's code where the charge is inserted. */
  at: number;
  cost: number;
}

export interface FuelPlan {
  mode: 'global' | 'local';
  /** In position order. */
  charges: Charge[];
  /** Local mode: positions (before an instruction) where the local is written back. */
  writeBacks: number[];
  /**
   * Positions of bulk memory/table operations (fill, copy, init): their work grows with the
   * length operand, so each is charged that length at run time, not one unit.
   */
  bulk: number[];
}

/** memory.init, memory.copy, memory.fill, table.init, table.copy, table.fill: length is the top operand. */
const BULK = new Set([8, 10, 11, 12, 14, 17].map((sub) => prefixed(0xfc, sub)));

/** One open block. `else`/`catch` start a new arm: a fresh Frame in the same place. */
interface Frame {
  region: Region;
  /** Where the block's current arm starts (just after its opening instruction). */
  armStart: number;
}

/** The function entry or one loop: what its charge point pays for. */
interface Region {
  charge: Charge;
  /** Index in the frame stack of the frame that opened the region. */
  depth: number;
  /** Frames (below the region's own) enclosing every call made in this region so far. */
  callPath: Frame[] | undefined;
}

const CALLS = new Set([0x10, 0x11, 0x12, 0x13, 0x14, 0x15]);
const THROWS = new Set([0x08, 0x09, 0x0a]);
const OPENERS = new Set<number>([Opcode.block, Opcode.if, Opcode.try, Opcode.tryTable]);
const ARM_SWITCHES = new Set<number>([Opcode.else, 0x07 /* catch */, 0x19 /* catch_all */]);

/** `r` spans exactly the body's code; positions in the plan are relative to `codeStart`. */
export function planFuel(r: Reader, codeStart: number): FuelPlan {
  const entry: Region = { charge: { at: 0, cost: 0 }, depth: 0, callPath: undefined };
  const loops: Region[] = [];
  const frames: Frame[] = [{ region: entry, armStart: 0 }];
  const exits: number[] = [];
  const bulk: number[] = [];
  let calls = false;
  while (frames.length > 0) {
    if (r.done()) r.fail('function body ends inside a block');
    const start = r.pos - codeStart;
    const op = readInstruction(r);
    const after = r.pos - codeStart;
    const top = frames[frames.length - 1]!;
    top.region.charge.cost++;
    if (op === Opcode.loop) {
      const region: Region = { charge: { at: after, cost: 0 }, depth: frames.length, callPath: undefined };
      loops.push(region);
      frames.push({ region, armStart: after });
    } else if (OPENERS.has(op)) {
      frames.push({ region: top.region, armStart: after });
    } else if (ARM_SWITCHES.has(op)) {
      frames[frames.length - 1] = { region: top.region, armStart: after };
    } else if (op === Opcode.end || op === Opcode.delegate) {
      frames.pop();
      if (frames.length === 0 || op === Opcode.delegate) exits.push(start);
    } else if (CALLS.has(op)) {
      calls = true;
      if (top.region === entry) noteCall(entry, frames);
    } else if (op === Opcode.return || THROWS.has(op)) {
      exits.push(start);
    } else if (op === Opcode.br || op === Opcode.brIf || op === Opcode.brTable) {
      if (branchLabels(r, start + codeStart).some((l) => l === frames.length - 1)) exits.push(start);
    } else if (BULK.has(op)) {
      bulk.push(start);
    }
  }
  if (!r.done()) r.fail('instructions after the end of the function body');

  const loopCharges = loops.map((l) => l.charge);
  if (!calls && loops.length > 0) return { mode: 'local', charges: [entry.charge, ...loopCharges], writeBacks: exits, bulk };
  const charges = loopCharges;
  if (entry.callPath) {
    const arm = entry.callPath[entry.callPath.length - 1];
    entry.charge.at = arm ? arm.armStart : 0;
    charges.push(entry.charge);
  }
  return { mode: 'global', charges: charges.sort((a, b) => a.at - b.at), writeBacks: [], bulk };
}

/** Narrows the region's call path to the frames it shares with this call's. */
function noteCall(region: Region, frames: Frame[]): void {
  const path = frames.slice(region.depth + 1);
  if (!region.callPath) {
    region.callPath = path;
    return;
  }
  let common = 0;
  while (common < region.callPath.length && common < path.length && region.callPath[common] === path[common]) common++;
  region.callPath.length = common;
}

/** The label depths of a br / br_if / br_table starting at `at` (re-read: the decoder skips them). */
function branchLabels(r: Reader, at: number): number[] {
  const b = new Reader(r.bytes, r.moduleName, at, r.pos);
  const op = b.byte();
  if (op !== Opcode.brTable) return [b.uleb()];
  const labels = b.vec((v) => v.uleb());
  labels.push(b.uleb());
  return labels;
}
