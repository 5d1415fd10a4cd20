import { Reader, Writer } from './bytes';
import { encodeSection } from './encode';
import { Opcode, readInstruction } from './instructions';
import { readModule, type FunctionBody, type WasmModule } from './module';
import { checkReservedNames } from './reserved';
import { putSection, writeSections } from './sections';

/**
 * Fuel metering by binary rewriting.
 *
 * CONTRACT with the engine:
 * - The module gets one more global, a mutable i64 exported as `__wasgo_fuel`, appended at the
 *   end of the global index space (no other index moves; no import is added, so function indices
 *   are untouched too).
 * - The engine writes the budget into it before each call and reads it after:
 *   fuel used = budget - remaining.
 * - Code charges fuel ahead of running it: at function entry and at every loop header it
 *   subtracts the cost of the instructions it is about to run, and when the counter is then
 *   below zero it executes `unreachable`. So: an Unreachable trap while `__wasgo_fuel` is
 *   negative is OutOfFuel; the counter is never negative after a trap that is not fuel's
 *   (a charge that leaves it >= 0 does not trap, and nothing else writes it).
 *
 * Why entry + loop headers is enough: unbounded execution needs a back-edge or a call. Wasm
 * branches only go backwards to `loop` labels, and every iteration passes the loop header; every
 * call (direct, indirect, tail, recursive) passes a function entry. Between two charge points
 * runs a bounded stretch of straight-line code.
 *
 * Cost model: one unit per instruction. Each instruction is charged to its innermost enclosing
 * loop (or to the function entry when it is in no loop), counting both arms of an `if` — a
 * deterministic upper bound on the work done between two charge points. Bulk memory operations
 * count as one (their work is bounded by the capped memory size).
 */

export const FUEL_EXPORT = '__wasgo_fuel';

/** Fuel available to the start function, which runs before the engine can set a budget. */
export const DEFAULT_INITIAL_FUEL = 100_000_000n;

export interface FuelOptions {
  moduleName?: string;
  /** Initial value of the counter: the budget of the start function, if any. */
  initialFuel?: bigint;
}

export function instrumentFuel(bytes: Uint8Array, opts: FuelOptions = {}): Uint8Array<ArrayBuffer> {
  return instrumentModuleFuel(readModule(bytes, opts.moduleName ?? 'module'), opts.initialFuel);
}

/** The same pass on an already decoded module. */
export function instrumentModuleFuel(m: WasmModule, initialFuel = DEFAULT_INITIAL_FUEL): Uint8Array<ArrayBuffer> {
  checkReservedNames(m, m.name);
  const fuelGlobal = m.imports.filter((i) => i.kind === 'global').length + m.globals.length;
  const init = new Writer().byte(Opcode.i64Const).sleb(initialFuel).byte(Opcode.end).finish();
  const globals = [...m.globals, { type: 'i64', mutable: true, init }];
  const exports = [...m.exports, { name: FUEL_EXPORT, kind: 'global' as const, index: fuelGlobal }];
  const code = m.code.map((body) => meterBody(m, body, fuelGlobal));
  let sections = putSection(m.sections, encodeSection.globals(globals));
  sections = putSection(sections, encodeSection.exports(exports));
  if (code.length) sections = putSection(sections, encodeSection.code(code));
  return writeSections(sections);
}

/** Where to charge within one body: byte positions in `code` and the cost charged there. */
interface ChargePoint { at: number; cost: number }

function meterBody(m: WasmModule, body: FunctionBody, fuelGlobal: number): FunctionBody {
  const points = chargePoints(m, body);
  const w = new Writer();
  let copied = 0;
  for (const p of points) {
    w.bytes(body.code.subarray(copied, p.at));
    charge(w, fuelGlobal, p.cost);
    copied = p.at;
  }
  w.bytes(body.code.subarray(copied));
  return { ...body, code: w.finish() };
}

/**
 * One pass over the body: the function entry and each loop header become charge points, and
 * each instruction adds one to the point of its innermost loop.
 */
function chargePoints(m: WasmModule, body: FunctionBody): ChargePoint[] {
  const r = new Reader(m.bytes, m.name, body.codeOffset, body.codeOffset + body.code.length);
  const points: ChargePoint[] = [{ at: 0, cost: 0 }];
  // The charge point of each open block: its own for a loop, its parent's otherwise.
  const open: ChargePoint[] = [points[0]!];
  while (open.length > 0) {
    if (r.done()) r.fail('function body ends inside a block');
    const op = readInstruction(r);
    const current = open[open.length - 1]!;
    current.cost++;
    if (op === Opcode.loop) {
      const header: ChargePoint = { at: r.pos - body.codeOffset, cost: 0 };
      points.push(header);
      open.push(header);
    } else if (op === Opcode.block || op === Opcode.if || op === Opcode.try || op === Opcode.tryTable) {
      open.push(current);
    } else if (op === Opcode.end || op === Opcode.delegate) {
      open.pop();
    }
  }
  if (!r.done()) r.fail('instructions after the end of the function body');
  return points;
}

/** fuel -= cost; if (fuel < 0) unreachable */
function charge(w: Writer, fuelGlobal: number, cost: number): void {
  w.byte(Opcode.globalGet).uleb(fuelGlobal).byte(Opcode.i64Const).sleb(cost).byte(Opcode.i64Sub)
    .byte(Opcode.globalSet).uleb(fuelGlobal)
    .byte(Opcode.globalGet).uleb(fuelGlobal).byte(Opcode.i64Const).sleb(0).byte(Opcode.i64LtS)
    .byte(Opcode.if).byte(0x40).byte(Opcode.unreachable).byte(Opcode.end);
}
