/**
 * An exact executed-instruction counter (a bench tool, not part of the engine): rewrites a module
 * so that every straight-line *segment* of code counts how many times it ran, in an exported
 * mutable i64 global of its own. A segment ends after every instruction where control can leave
 * or re-enter (loop headers, if/else arms, block ends, br_if, branches, calls — a call may unwind
 * by a JS exception, e.g. emscripten's longjmp — catch handlers), so every instruction of a
 * segment ran exactly as many times as the segment was entered (a trap mid-segment aside).
 * Executed instructions = sum over segments of runs x instructions; the counts are computed in JS
 * from the static segment table, so the counting code is 4 instructions per segment.
 * "Executed" follows control: an `else` counts when the then arm runs into it, a block's `end`
 * when control falls through it (not when a branch lands after it), every `block` entered counts.
 *
 * Two totals: `instructions` (every instruction, block/loop/end included) and `weighted`, each
 * instruction at the weight the fuel pass gives it (ts/wasm/rewrite.ts: WEIGHTS, OP_WEIGHTS,
 * SIMD_WEIGHTS, the locals charge at entry, and the run-time charges of bulk ops and grows, which
 * are summed by extra code into one more global). `weighted` is what an exact meter (every
 * instruction paying its own weight as it runs) would bill; units billed ÷ weighted is the fuel
 * pass's error from charging whole regions at their entry. Not modelled: the unwinding charge of
 * catch handlers (frame counter), which modules without `try` never pay.
 */
import { Reader, Writer } from '../ts/wasm/bytes';
import { decodeOp, skipImm } from '../ts/wasm/instructions';
import { readModule } from '../ts/wasm/module';
import { Ctl } from '../ts/wasm/opcodes';
import { DYNAMIC, localsCharge, MAX_CHARGE, OP_WEIGHTS, SIMD_WEIGHTS, WEIGHTS } from '../ts/wasm/rewrite';
import { appendToVector, makeSection, putSection, SectionId, writeSections, type Section } from '../ts/wasm/sections';

export const SEGMENT_EXPORT_PREFIX = '__count_';
export const DYNAMIC_EXPORT = '__count_dynamic';

export interface CountedModule {
  /** The instrumented module. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Per segment: defined-function index (0 = the first defined function), instructions, static weight. */
  segFunc: Int32Array;
  segInstructions: Float64Array;
  segWeight: Float64Array;
  /** Per segment: `block` and `nop`, weight 1 in the fuel pass but no machine code. */
  segBlocks: Float64Array;
  /** Per defined function: targets of its largest br_table (a `switch` dispatch shows up here), 0 if none. */
  funcBrTable: Int32Array;
  /** Per defined function: the segment holding that br_table (its runs = dispatches), -1 if none. */
  funcBrTableSegment: Int32Array;
}

export interface Counts {
  instructions: number;
  weighted: number;
  /** Executed `block`s and `nop`s: the fuel pass weighs them 1, V8 emits no code for them. */
  blocks: number;
  /** Executions of each segment (for per-function profiles). */
  runs: Float64Array;
}

/** Control effects after which a new segment starts (the next instruction can be reached other than by falling through, or not at all). */
const ENDS_SEGMENT = new Set<Ctl>([Ctl.Loop, Ctl.If, Ctl.Else, Ctl.End, Ctl.BrIf, Ctl.Call, Ctl.CallIndirect, Ctl.Catch, Ctl.CatchAll,
  Ctl.Delegate, Ctl.Br, Ctl.BrTable, Ctl.Return, Ctl.Unreachable, Ctl.Throw, Ctl.Rethrow, Ctl.ReturnCall, Ctl.ReturnCallIndirect]);

/** The fuel pass's static weight of the instruction whose opcode starts at `at` (see Meter.scanBody). */
function weightOf(bytes: Uint8Array, at: number, ctl: Ctl): number {
  if (ctl !== Ctl.None) return WEIGHTS[ctl] ?? 1;
  const b = bytes[at]!;
  if (b === 0xfd) return SIMD_WEIGHTS[new Reader(bytes, 'simd', at + 1).uleb()] ?? 1;
  if (b === 0xfc) return 1;
  return OP_WEIGHTS[b] ?? 1;
}

/** Called for every instruction as the counter walks the code: defined function, segment, offset of the opcode. */
export type InstructionVisitor = (func: number, segment: number, at: number, ctl: Ctl) => void;

export function countInstructions(input: Uint8Array, name = 'module', visit?: InstructionVisitor): CountedModule {
  const m = readModule(input, name);
  const importedGlobals = m.imports.filter((i) => i.kind === 'global').length;
  const firstCounter = importedGlobals + m.globals.length;
  const segFunc: number[] = [];
  const segInstructions: number[] = [];
  const segWeight: number[] = [];
  const segBlocks: number[] = [];
  const funcBrTable = new Int32Array(m.code.length);
  const funcBrTableSegment = new Int32Array(m.code.length).fill(-1);
  const dynGlobal = () => firstCounter; // the dynamic-charge sum is the first added global; segments follow
  const code = new Writer().uleb(m.code.length);
  const body = new Writer();
  for (let f = 0; f < m.code.length; f++) {
    const fb = m.code[f]!;
    const params = m.types[m.functions[f]!]!.params.length;
    const scratch = params + fb.localCount;
    const r = new Reader(input, name, fb.codeOffset, fb.codeOffset + fb.code.length);
    const out = body.reset();
    let seg = -1;
    let needScratch = false;
    const open = () => {
      seg = segFunc.length;
      segFunc.push(f); segInstructions.push(0); segWeight.push(0); segBlocks.push(0);
      const g = firstCounter + 1 + seg;
      out.byte(0x23).uleb(g).byte(0x42).byte(1).byte(0x7c).byte(0x24).uleb(g); // global.get g; i64.const 1; i64.add; global.set g
    };
    open();
    segWeight[seg]! += localsCharge(fb);
    let depth = 0;
    while (!r.done()) {
      const at = r.pos;
      const e = decodeOp(r);
      skipImm(r, e.imm);
      const ctl = e.ctl;
      const d = DYNAMIC[ctl];
      if (d) {
        // The operand n is on top: dyn += min(2^30, n >>> shift | n * mul), like the fuel pass's run-time charge.
        needScratch = true;
        const n = () => out.byte(0x20).uleb(scratch).byte(0xad); // local.get s; i64.extend_i32_u
        out.byte(0x22).uleb(scratch).byte(0x23).uleb(dynGlobal());
        if (d.shift !== undefined) { n(); out.byte(0x42).sleb(d.shift).byte(0x88); } // i64.shr_u
        else {
          const prod = () => { n(); out.byte(0x42).sleb(d.mul!).byte(0x7e); }; // i64.mul
          prod(); out.byte(0x42).sleb(MAX_CHARGE); prod(); out.byte(0x42).sleb(MAX_CHARGE).byte(0x54).byte(0x1b); // lt_u; select
        }
        out.byte(0x7c).byte(0x24).uleb(dynGlobal());
      }
      out.copy(input, at, r.pos);
      visit?.(f, seg, at, ctl);
      segInstructions[seg]! += 1;
      segWeight[seg]! += weightOf(input, at, ctl);
      if (ctl === Ctl.Block || input[at] === 0x01) segBlocks[seg]! += 1;
      if (ctl === Ctl.BrTable) {
        const targets = new Reader(input, name, at + 1).uleb() + 1;
        if (targets > funcBrTable[f]!) { funcBrTable[f] = targets; funcBrTableSegment[f] = seg; }
      }
      if (ctl === Ctl.Block || ctl === Ctl.Loop || ctl === Ctl.If || ctl === Ctl.Try) depth++;
      else if (ctl === Ctl.End || ctl === Ctl.Delegate) depth--;
      if (depth >= 0 && ENDS_SEGMENT.has(ctl)) open();
    }
    const w = code;
    const locals = new Writer();
    if (needScratch) {
      const lr = new Reader(fb.localsRaw, 'locals');
      const groups = lr.uleb();
      locals.uleb(groups + 1).bytes(fb.localsRaw.subarray(lr.pos)).uleb(1).byte(0x7f);
    } else locals.bytes(fb.localsRaw);
    w.uleb(locals.length + out.length).bytes(locals.view()).copy(out.view(), 0, out.length);
  }
  const added = 1 + segFunc.length;
  let sections: Section[] = m.sections.map((s) => (s.id === SectionId.code ? makeSection(SectionId.code, code.view()) : s));
  const globals = new Writer();
  for (let i = 0; i < added; i++) globals.byte(0x7e).byte(1).byte(0x42).byte(0).byte(0x0b);
  sections = putSection(sections, appendVector(sections, SectionId.global, m.globals.length, added, globals.view()));
  const exports = new Writer().name(DYNAMIC_EXPORT).byte(3).uleb(dynGlobal());
  for (let i = 0; i < segFunc.length; i++) exports.name(SEGMENT_EXPORT_PREFIX + i).byte(3).uleb(firstCounter + 1 + i);
  sections = putSection(sections, appendVector(sections, SectionId.export, m.exports.length, added, exports.view()));
  return {
    bytes: writeSections(sections),
    segFunc: Int32Array.from(segFunc),
    segInstructions: Float64Array.from(segInstructions),
    segWeight: Float64Array.from(segWeight),
    segBlocks: Float64Array.from(segBlocks),
    funcBrTable,
    funcBrTableSegment,
  };
}

/** The section `id` (or an empty one) with `extra` items appended after its `count` items. */
function appendVector(sections: readonly Section[], id: number, count: number, added: number, extra: Uint8Array): Section {
  return appendToVector(id, sections.find((x) => x.id === id), count, extra, added);
}

/** Reads the counters of an instance of a counted module. */
export function readCounts(c: CountedModule, exports: WebAssembly.Exports): Counts {
  const runs = new Float64Array(c.segFunc.length);
  let instructions = 0;
  let blocks = 0;
  let weighted = Number((exports[DYNAMIC_EXPORT] as WebAssembly.Global).value as bigint);
  for (let i = 0; i < runs.length; i++) {
    const n = Number((exports[SEGMENT_EXPORT_PREFIX + i] as WebAssembly.Global).value as bigint);
    runs[i] = n;
    instructions += n * c.segInstructions[i]!;
    weighted += n * c.segWeight[i]!;
    blocks += n * c.segBlocks[i]!;
  }
  return { instructions, weighted, blocks, runs };
}

/** What ran between two readings. */
export function diffCounts(a: Counts, b: Counts): Counts {
  const runs = new Float64Array(b.runs.length);
  for (let i = 0; i < runs.length; i++) runs[i] = b.runs[i]! - a.runs[i]!;
  return { instructions: b.instructions - a.instructions, weighted: b.weighted - a.weighted, blocks: b.blocks - a.blocks, runs };
}
