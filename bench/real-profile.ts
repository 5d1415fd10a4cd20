/**
 * Where the units go, per function (bench only): the metered module is itself run under the
 * instruction counter, and each of its segments is priced by the static charges it holds
 * (`F - c` sites as rewrite.ts emits them: `global.get F; i32.const c; i32.sub; global.set F`, or
 * the same on the fuel local in local mode). Units per function against the same function's
 * executed weights (from the counted original) show which code the regions overcharge. Tied to
 * the shape of the emitted charges: when it changes, the static total stops matching the units
 * billed, and the bench says so.
 */
import { Reader } from '../ts/wasm/bytes';
import { readModule } from '../ts/wasm/module';
import { countInstructions, type CountedModule } from './count-instructions';

export interface ChargedModule {
  counted: CountedModule;
  /** Static units charged by each segment of the metered module (one run of it). */
  segCharge: Float64Array;
}

/** Counts a metered module and prices its segments by the charge sites they hold. */
export function chargedModule(metered: Uint8Array, original: Uint8Array): ChargedModule {
  const orig = readModule(original);
  const m = readModule(metered);
  const fuel = m.imports.filter((i) => i.kind === 'global').length + orig.globals.length;
  const charge: number[] = [];
  // The last four instructions of the current function: opcode and immediate.
  const op = new Int32Array(4);
  const imm = new Float64Array(4);
  let n = 0;
  let cur = -1;
  const counted = countInstructions(metered, 'metered', (f, seg, at) => {
    if (f !== cur) { cur = f; n = 0; }
    while (charge.length <= seg) charge.push(0);
    const b = metered[at]!;
    const k = n++ & 3;
    op[k] = b;
    imm[k] = b === 0x41 ? new Reader(metered, 'm', at + 1).sleb(32) : b >= 0x20 && b <= 0x24 ? new Reader(metered, 'm', at + 1).uleb() : NaN;
    if (n < 4) return;
    const [a, c, sub, t] = [(n - 4) & 3, (n - 3) & 3, (n - 2) & 3, k];
    if (op[c] !== 0x41 || op[sub] !== 0x6b) return;
    const local = f < orig.code.length ? orig.types[orig.functions[f]!]!.params.length + orig.code[f]!.localCount : -1;
    const onGlobal = op[a] === 0x23 && imm[a] === fuel && op[t] === 0x24 && imm[t] === fuel;
    const onLocal = op[a] === 0x20 && imm[a] === local && op[t] === 0x22 && imm[t] === local;
    if (onGlobal || onLocal) charge[seg]! += imm[c]!;
  });
  while (charge.length < counted.segFunc.length) charge.push(0);
  return { counted, segCharge: Float64Array.from(charge) };
}

export interface FunctionUnits {
  func: number;
  /** Static units its charges billed. */
  units: number;
  /** Its executed instructions at the fuel pass's weights, and its executed blocks. */
  weighted: number;
  blocks: number;
}

/** Units per defined function (metered run) against executed weights (original run), most units first. */
export function unitsByFunction(original: CountedModule, runs: Float64Array, charged: ChargedModule, meteredRuns: Float64Array): { total: number; functions: FunctionUnits[] } {
  const per = new Map<number, FunctionUnits>();
  const get = (func: number) => {
    let p = per.get(func);
    if (!p) per.set(func, p = { func, units: 0, weighted: 0, blocks: 0 });
    return p;
  };
  for (let s = 0; s < runs.length; s++) {
    if (!runs[s]) continue;
    const p = get(original.segFunc[s]!);
    p.weighted += runs[s]! * original.segWeight[s]!;
    p.blocks += runs[s]! * original.segBlocks[s]!;
  }
  let total = 0;
  const defined = original.funcBrTable.length;
  for (let s = 0; s < meteredRuns.length; s++) {
    const u = meteredRuns[s]! * charged.segCharge[s]!;
    if (!u) continue;
    total += u;
    const f = charged.counted.segFunc[s]!;
    if (f < defined) get(f).units += u;
  }
  return { total, functions: [...per.values()].sort((a, b) => b.units - a.units) };
}
