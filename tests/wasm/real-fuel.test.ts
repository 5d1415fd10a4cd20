/**
 * Fuel tracks work actually executed on real programs (issue 8 item 2): Lua 5.4 and QuickJS as
 * emscripten builds from npm, and clang -O2 kernels, billed 0.5-2 units per executed wasm
 * instruction. Counts only (no timing): the units the metered module bills for a script against
 * the exact instruction count of the same script (bench/count-instructions.ts).
 * `npm run bench -- real` prints the same with times.
 */
import { describe, expect, it } from 'vitest';
import { countInstructions, readCounts } from '../../bench/count-instructions';
import { C_KERNELS, KERNELS } from '../../bench/fuel';
import { luaWasm, makeBuilds, measure, quickjsWasm, startKernel, startLua, startQuickJS, type Builds, type Interpreter, type Mode } from '../../bench/real-programs';
import { JS_WORKLOADS, LUA_WORKLOADS, type Workload } from '../../bench/real-workloads';
import { instrumentFuel } from '../../ts/wasm/fuel';
import { clang, clangMissing, wat } from './toolchains';

/** Results the scripts must give at their test sizes: the interpreters really ran them. */
const EXPECTED: Record<string, string> = { 'lua fib': '2584', 'lua sieve': '3245', 'js fib': '987', 'js sieve': '2262' };

function expectTracksWork(label: string, m: { instructions: number; weighted: number; units: number }) {
  const ratio = m.units / m.instructions;
  expect(m.instructions, label).toBeGreaterThan(1e5);
  expect(ratio, `${label}: ${m.units} units for ${m.instructions} instructions`).toBeGreaterThanOrEqual(0.5);
  expect(ratio, `${label}: ${m.units} units for ${m.instructions} instructions`).toBeLessThanOrEqual(2);
  // No instruction runs unpaid: the regions charged cover at least the instructions executed, at their weights.
  expect(m.units, `${label}: units below the executed instructions' weights`).toBeGreaterThanOrEqual(m.weighted);
}

async function checkInterpreter(label: string, builds: Builds, start: (b: Builds, mode: Mode) => Promise<Interpreter>, workloads: Workload[]) {
  const counted = await start(builds, 'counted');
  const metered = await start(builds, 'metered');
  for (const w of workloads) {
    const name = `${label} ${w.name}`;
    const m = measure(counted, metered, w.source(w.test));
    if (EXPECTED[name]) expect(m.result, name).toBe(EXPECTED[name]);
    expectTracksWork(name, m);
  }
}

/** The bench kernels' arguments, scaled down (~1e6-1e7 instructions each). */
const SMALL: Record<string, number[]> = { sieve: [1_600_000], fibonacci: [20], mandelbrot: [100, 75, 200], matmul: [60] };

// Each interpreter takes 3-7 s alone (decode + meter + count 0.3-0.5 MB of wasm, V8 compiles it
// three ways); more when the whole suite shares the machine.
describe('fuel on real programs: units per executed wasm instruction in [0.5, 2]', { timeout: 90_000 }, () => {
  it('Lua 5.4 (wasmoon, emscripten)', async () => {
    await checkInterpreter('lua', makeBuilds(luaWasm(), 'lua'), startLua, LUA_WORKLOADS);
  });

  it('QuickJS (quickjs-emscripten release-sync)', async () => {
    await checkInterpreter('js', makeBuilds(quickjsWasm(), 'quickjs'), startQuickJS, JS_WORKLOADS);
  });

  it('clang -O2 kernels', async () => {
    const why = clangMissing();
    if (why) { console.warn(`skipped: ${why}`); return; }
    const builds = makeBuilds(clang(C_KERNELS, ['-O2', '-mbulk-memory']), 'c-kernels');
    for (const k of KERNELS) {
      const args = SMALL[k.name]!;
      const m = measure(await startKernel(builds, 'counted', k.entry, args), await startKernel(builds, 'metered', k.entry, args), '');
      expectTracksWork(`c ${k.name}`, m);
    }
  });
});

describe('the instruction counter', () => {
  const FIB = `(module (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`;

  it('counts every executed instruction exactly (recursive fib, counted by hand)', async () => {
    const c = countInstructions(await wat(FIB));
    const { instance } = await WebAssembly.instantiate(c.bytes);
    expect((instance.exports.fib as (n: number) => number)(20)).toBe(6765);
    // A leaf (n < 2) runs 7 instructions: local.get, i32.const, i32.lt_u, if, local.get, else,
    // and the function's end (the if's end is skipped by the then arm's jump); an inner call 15.
    const leaves = 10946; // fib(21): calls with n < 2 made by fib(20)
    const inner = leaves - 1;
    const counts = readCounts(c, instance.exports);
    expect(counts.instructions).toBe(7 * leaves + 15 * inner);
    // Weighted as the fuel pass weighs: calls 20, end/else 0.
    expect(counts.weighted).toBe(5 * leaves + (11 + 2 * 20) * inner);
    expect(counts.blocks).toBe(0);
  });

  it('weighs run-time charges and blocks as the fuel pass does; straight-line code bills exactly its weights', async () => {
    const src = `(module (memory 1) (func (export "f") (param $n i32)
      (block (block (nop)))
      (memory.fill (i32.const 0) (i32.const 7) (local.get $n))
      (drop (i32.div_u (local.get $n) (i32.const 3)))))`;
    const plain = await wat(src);
    const c = countInstructions(plain);
    const counted = (await WebAssembly.instantiate(c.bytes)).instance;
    (counted.exports.f as (n: number) => void)(1000);
    const counts = readCounts(c, counted.exports);
    // block block nop end end, 4 for the fill (64 + 1 per 2 bytes), 4 for the division (div_u
    // weighs 48) and its drop, the function's end
    expect(counts.instructions).toBe(5 + 4 + 4 + 1);
    expect(counts.blocks).toBe(3);
    expect(counts.weighted).toBe(3 + (3 + 64 + 500) + (2 + 48 + 1));
    const builds: Builds = { plain, metered: instrumentFuel(plain), counted: c };
    const m = measure(await startKernel(builds, 'counted', 'f', [1000]), await startKernel(builds, 'metered', 'f', [1000]), '');
    expect(m.units).toBe(m.weighted);
  });
});
