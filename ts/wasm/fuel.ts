import { Reader, Writer } from './bytes';
import { encodeSection } from './encode';
import { planFuel } from './fuel-plan';
import { Opcode } from './instructions';
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
 * - Code charges fuel ahead of running it (at loop headers and before calls; see fuel-plan.ts
 *   for exactly where) and, when the counter is then below zero, executes `unreachable` with the
 *   counter already stored negative. So: an Unreachable trap while `__wasgo_fuel` is negative is
 *   OutOfFuel. After any other trap the counter is >= 0: a charge that leaves it >= 0 does not
 *   trap, and nothing else writes it.
 * - After a trap that is not fuel's, the counter may not include the fuel the trapping function
 *   spent since it last wrote the counter (call-free looping functions keep it in a local).
 *   Calls that return normally or run out of fuel are charged exactly.
 *
 * Cost model: one unit per instruction, charged per loop iteration for the loop's body (both arms
 * of an `if` counted: a deterministic upper bound) and per call path for code outside loops.
 * Bulk operations (memory/table fill, copy, init) are also charged their length at run time:
 * one unit per 16 bytes or elements, so a loop of big fills cannot do unbounded work.
 */

export const FUEL_EXPORT = '__wasgo_fuel';
/** Fuel contract v2 (/work CONTRACT.md): the refill import a metered module calls, `(i32) -> (i32)`. */
export const FUEL_REFILL_MODULE = '__wasgo';
export const FUEL_REFILL_NAME = 'fuel_refill';

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
  const code = m.code.map((_, i) => meterBody(m, i, fuelGlobal));
  let sections = putSection(m.sections, encodeSection.globals(globals));
  sections = putSection(sections, encodeSection.exports(exports));
  if (code.length) sections = putSection(sections, encodeSection.code(code));
  return writeSections(sections);
}

interface Insertion { at: number; code: Uint8Array }

function meterBody(m: WasmModule, index: number, fuelGlobal: number): FunctionBody {
  const body = m.code[index]!;
  const r = new Reader(m.bytes, m.name, body.codeOffset, body.codeOffset + body.code.length);
  const plan = planFuel(r, body.codeOffset);
  const locals = localCount(m, index, body);
  const local = plan.mode === 'local';
  // Added locals: the fuel counter (local mode), then a scratch i32 for bulk lengths.
  const snippet = new FuelSnippets(fuelGlobal, locals, local ? locals + 1 : locals);
  const insertions: Insertion[] = local
    ? [
      { at: 0, code: snippet.loadAndCharge(plan.charges[0]!.cost) },
      ...plan.charges.slice(1).map((c) => ({ at: c.at, code: snippet.chargeLocal(c.cost) })),
      ...plan.writeBacks.map((at) => ({ at, code: snippet.writeBack() })),
    ]
    : plan.charges.map((c) => ({ at: c.at, code: snippet.chargeGlobal(c.cost) }));
  // Last at their position: the length must be the top operand right before the instruction.
  insertions.push(...plan.bulk.map((at) => ({ at, code: snippet.chargeLength(local) })));
  // Stable: at one position a loop's charge comes before a write-back for the next instruction.
  insertions.sort((a, b) => a.at - b.at);
  const w = new Writer();
  let copied = 0;
  for (const ins of insertions) {
    w.bytes(body.code.subarray(copied, ins.at)).bytes(ins.code);
    copied = ins.at;
  }
  w.bytes(body.code.subarray(copied));
  const added = [...(local ? [0x7e] : []), ...(plan.bulk.length ? [0x7f] : [])];
  const localsRaw = added.length ? withLocals(body, added) : body.localsRaw;
  return { ...body, localsRaw, code: w.finish() };
}

/** Index the fuel local gets: after the parameters and every declared local. */
function localCount(m: WasmModule, index: number, body: FunctionBody): number {
  const params = m.types[m.functions[index]!]!.params.length;
  return body.locals.reduce((n, g) => n + g.count, params);
}

/** The body's local declarations plus one local of each given type, keeping the original groups' bytes. */
function withLocals(body: FunctionBody, types: number[]): Uint8Array {
  const r = new Reader(body.localsRaw, 'locals');
  const groups = r.uleb();
  const w = new Writer().uleb(groups + types.length).bytes(body.localsRaw.subarray(r.pos));
  for (const t of types) w.uleb(1).byte(t);
  return w.finish();
}

/** The instruction sequences the pass inserts. */
class FuelSnippets {
  constructor(private readonly fuel: number, private readonly local: number, private readonly scratch: number) {}

  /**
   * Before a bulk operation whose length n is the top operand: fuel -= n >> 4 (one unit per
   * 16 bytes or elements), trapping like any charge. The operand stays on the stack.
   */
  chargeLength(localMode: boolean): Uint8Array {
    const w = this.w().byte(Opcode.localTee).uleb(this.scratch);
    if (localMode) w.byte(Opcode.localGet).uleb(this.local);
    else w.byte(Opcode.globalGet).uleb(this.fuel);
    w.byte(Opcode.localGet).uleb(this.scratch).byte(Opcode.i64ExtendI32U).byte(Opcode.i64Const).sleb(4).byte(Opcode.i64ShrU).byte(Opcode.i64Sub);
    if (localMode) {
      return w.byte(Opcode.localTee).uleb(this.local).byte(Opcode.i64Const).sleb(0).byte(Opcode.i64LtS)
        .byte(Opcode.if).byte(0x40).bytes(this.writeBack()).byte(Opcode.unreachable).byte(Opcode.end).finish();
    }
    return w.byte(Opcode.globalSet).uleb(this.fuel)
      .byte(Opcode.globalGet).uleb(this.fuel).byte(Opcode.i64Const).sleb(0).byte(Opcode.i64LtS)
      .byte(Opcode.if).byte(0x40).byte(Opcode.unreachable).byte(Opcode.end).finish();
  }

  /** fuel -= cost; if (fuel < 0) unreachable */
  chargeGlobal(cost: number): Uint8Array {
    return this.w().byte(Opcode.globalGet).uleb(this.fuel).byte(Opcode.i64Const).sleb(cost).byte(Opcode.i64Sub)
      .byte(Opcode.globalSet).uleb(this.fuel)
      .byte(Opcode.globalGet).uleb(this.fuel).byte(Opcode.i64Const).sleb(0).byte(Opcode.i64LtS)
      .byte(Opcode.if).byte(0x40).byte(Opcode.unreachable).byte(Opcode.end).finish();
  }

  /** local = fuel - cost; if (local < 0) { fuel = local; unreachable } */
  loadAndCharge(cost: number): Uint8Array {
    return this.check(this.w().byte(Opcode.globalGet).uleb(this.fuel), cost);
  }

  /** local -= cost; if (local < 0) { fuel = local; unreachable } */
  chargeLocal(cost: number): Uint8Array {
    return this.check(this.w().byte(Opcode.localGet).uleb(this.local), cost);
  }

  /** fuel = local */
  writeBack(): Uint8Array {
    return this.w().byte(Opcode.localGet).uleb(this.local).byte(Opcode.globalSet).uleb(this.fuel).finish();
  }

  private check(w: Writer, cost: number): Uint8Array {
    return w.byte(Opcode.i64Const).sleb(cost).byte(Opcode.i64Sub).byte(Opcode.localTee).uleb(this.local)
      .byte(Opcode.i64Const).sleb(0).byte(Opcode.i64LtS)
      .byte(Opcode.if).byte(0x40).bytes(this.writeBack()).byte(Opcode.unreachable).byte(Opcode.end).finish();
  }

  private w(): Writer {
    return new Writer();
  }
}
