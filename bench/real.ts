/**
 * `npm run bench -- real`: fuel on real programs (issue 8 item 2). Lua 5.4 (wasmoon) and QuickJS
 * (quickjs-emscripten), both emscripten builds from npm, run scripts as written, as WasGo meters
 * them and with an exact instruction counter; plus the clang -O2 and WAT kernels of
 * `bench -- fuel`. Per workload: executed wasm instructions, units billed, units per instruction
 * (plain, and against the fuel pass's own weights), ns of unmetered time per unit, and metered /
 * unmetered time (medians, measured alternately in this run).
 */
import { C_KERNELS, clangToWasm, KERNELS, watToWasm } from './fuel';
import { diffCounts, luaWasm, makeBuilds, measure, quickjsWasm, startKernel, startLua, startQuickJS, topFunctions, type Builds, type Interpreter, type Mode } from './real-programs';
import { chargedModule, unitsByFunction } from './real-profile';
import { JS_WORKLOADS, LUA_WORKLOADS } from './real-workloads';

const WARMUP = 4;
const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(it: Interpreter, source: string): number {
  const t = performance.now();
  it.run(source);
  return performance.now() - t;
}

const HEADER = `${'workload'.padEnd(20)}${'instructions'.padStart(14)}${'units'.padStart(14)}${'u/instr'.padStart(9)}${'u/weighted'.padStart(11)}${'blocks'.padStart(8)}${'(b=0)'.padStart(7)}${'ns/unit'.padStart(9)}${'(b=0)'.padStart(7)}${'plain ms'.padStart(10)}${'metered ms'.padStart(11)}${'overhead'.padStart(9)}`;

interface Row { name: string; ratio: number }

async function group(label: string, builds: Builds, start: (b: Builds, mode: Mode) => Promise<Interpreter>, cases: { name: string; source: string }[], rows: Row[], profile = false): Promise<void> {
  const plain = await start(builds, 'plain');
  const metered = await start(builds, 'metered');
  const counted = await start(builds, 'counted');
  // Profiles: the metered module under the counter, its segments priced by their charges.
  const charged = profile ? chargedModule(builds.metered, builds.plain) : undefined;
  const meteredCounted = charged ? await start({ ...builds, counted: charged.counted }, 'counted') : undefined;
  for (const c of cases) {
    const m = measure(counted, metered, c.source);
    const again = plain.run(c.source);
    if (again !== m.result) throw new Error(`${label} ${c.name}: unmetered result ${again} differs from ${m.result}`);
    for (let i = 0; i < WARMUP; i++) { time(plain, c.source); time(metered, c.source); }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (i % 2) { b.push(time(metered, c.source)); a.push(time(plain, c.source)); }
      else { a.push(time(plain, c.source)); b.push(time(metered, c.source)); }
    }
    const ua = median(a);
    const mb = median(b);
    const ratio = m.units / m.instructions;
    rows.push({ name: `${label} ${c.name}`, ratio });
    console.log(`${`${label} ${c.name}`.padEnd(20)}${m.instructions.toExponential(3).padStart(14)}${m.units.toExponential(3).padStart(14)}${ratio.toFixed(3).padStart(9)}${(m.units / m.weighted).toFixed(3).padStart(11)}${`${(100 * m.blocks / m.units).toFixed(0)}%`.padStart(8)}${((m.units - m.blocks) / (m.instructions - m.blocks)).toFixed(3).padStart(7)}${((ua * 1e6) / m.units).toFixed(3).padStart(9)}${((ua * 1e6) / (m.units - m.blocks)).toFixed(3).padStart(7)}${ua.toFixed(1).padStart(10)}${mb.toFixed(1).padStart(11)}${(mb / ua).toFixed(2).padStart(9)}`);
    if (profile || ratio < 0.5 || ratio > 2) {
      const fs = topFunctions(builds.counted, m.runs);
      const top = fs.map((f) => `#${f.func} ${(100 * f.instructions / m.instructions).toFixed(0)}% (${(100 * f.blocks / f.instructions).toFixed(0)}% blocks${f.brTable ? `, br_table of ${f.brTable}` : ''})`).join(', ');
      // The hottest function's largest br_table is the interpreter's dispatch: units per bytecode (all units, so an upper bound).
      const d = fs[0]?.dispatches ? `; ${(m.units / fs[0].dispatches).toFixed(0)} units and ${(m.instructions / fs[0].dispatches).toFixed(0)} instructions per dispatch of #${fs[0].func}` : '';
      console.log(`  ${ratio < 0.5 || ratio > 2 ? 'OUTSIDE 0.5-2; ' : ''}hottest functions (share of instructions): ${top}${d}`);
    }
    if (charged && meteredCounted) {
      const c0 = meteredCounted.counts();
      meteredCounted.run(c.source);
      const mr = diffCounts(c0, meteredCounted.counts()).runs;
      const p = unitsByFunction(builds.counted, m.runs, charged, mr);
      const fs = p.functions.slice(0, 4).map((f) => `#${f.func} ${(100 * f.units / p.total).toFixed(0)}% of units, ${(f.units / f.weighted).toFixed(2)}x its weights (${((f.units - f.blocks) / (f.weighted - f.blocks)).toFixed(2)}x without blocks)`).join('; ');
      const off = Math.abs(p.total - m.units) / m.units > 0.05 ? ` [static charges found ${p.total.toExponential(2)} of ${m.units.toExponential(2)} units: the charge shape changed?]` : '';
      console.log(`  units by function: ${fs}${off}`);
    }
  }
}

export async function run(): Promise<void> {
  console.log(`\nfuel on real programs: units billed per executed wasm instruction (target 0.5-2); times are medians of ${RUNS} runs, alternating`);
  console.log('u/weighted: units ÷ the same instructions at the fuel pass\'s own weights (1.0 = no error from charging regions at entry)');
  console.log('blocks: executed `block` instructions as a share of the units (each weighs 1; V8 emits no code for them); (b=0): if they weighed 0 and were not counted: units per instruction, ns per unit');
  console.log(HEADER);
  const rows: Row[] = [];
  const lua = makeBuilds(luaWasm(), 'lua');
  await group('lua', lua, startLua, LUA_WORKLOADS.map((w) => ({ name: w.name, source: w.source(w.bench) })), rows, true);
  const qjs = makeBuilds(quickjsWasm(), 'quickjs');
  await group('js', qjs, startQuickJS, JS_WORKLOADS.map((w) => ({ name: w.name, source: w.source(w.bench) })), rows, true);
  let c: Uint8Array<ArrayBuffer> | undefined;
  try { c = clangToWasm(C_KERNELS); } catch (e) { console.log(`C kernels skipped: clang unavailable (${(e as Error).message.split('\n')[0]})`); }
  if (c) {
    const builds = makeBuilds(c, 'c-kernels');
    for (const k of KERNELS) await group('c', builds, (b, mode) => startKernel(b, mode, k.entry, k.args), [{ name: k.name, source: '' }], rows);
  }
  for (const k of KERNELS) {
    const builds = makeBuilds(await watToWasm(k.name, k.wat), k.name);
    await group('wat', builds, (b, mode) => startKernel(b, mode, k.entry, k.args), [{ name: k.name, source: '' }], rows);
  }
  // The WAT kernels are hand-written references (a 10-instruction recursive fib is mostly its
  // call, weighed 20), not compiler output: the target is for real programs.
  const real = rows.filter((r) => !r.name.startsWith('wat '));
  const lo = real.reduce((x, r) => (r.ratio < x.ratio ? r : x));
  const hi = real.reduce((x, r) => (r.ratio > x.ratio ? r : x));
  console.log(`real programs (lua, js, c): units per instruction ${lo.ratio.toFixed(3)} (${lo.name}) to ${hi.ratio.toFixed(3)} (${hi.name}); ${real.filter((r) => r.ratio < 0.5 || r.ratio > 2).length} of ${real.length} outside 0.5-2`);
}
