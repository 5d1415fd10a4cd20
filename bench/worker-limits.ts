/**
 * Worker-mode limits (docs/isolation.md, "Limits against a hostile mod"), measured in this run:
 * - the watchdog: a runaway main with timeoutMs 100 while the main thread busy-waits 2 s — when
 *   the worker side recorded the guest stopped (supervisor, the worker's own meter, neither);
 * - RSS for N running worker mains, and what maxWorkers leaves of 200 start()s;
 * - host-call floods: a 60 MiB random_get per call, 8 workers flooding cheap calls — the longest
 *   event-loop stall seen by a 1 ms timer.
 */
import wabtInit from 'wabt';
import { WasGoEngine, WorkerLimit, type CompiledModule, type MainRun } from '../ts/index';
import { liveWorkers, noLiveWorkers } from '../ts/isolate/worker';
import { inspect } from '../ts/wasm/inspect';

const epoch = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busyWait = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy */ }
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;

let wabt: Awaited<ReturnType<typeof wabtInit>>;
function wat(text: string): Uint8Array<ArrayBuffer> {
  const m = wabt.parseWat('bench.wat', text, { exceptions: true, bulk_memory: true });
  try {
    m.resolveNames();
    m.validate();
    return new Uint8Array(m.toBinary({}).buffer) as Uint8Array<ArrayBuffer>;
  } finally {
    m.destroy();
  }
}

const charge = (c: number) => `(global.set $fuel (i32.sub (global.get $fuel) (i32.const ${c})))
  (if (i32.lt_s (global.get $fuel) (i32.const 0)) (then (global.set $fuel (call $refill (global.get $fuel)))))`;
const RUNAWAY_V2 = `(module (import "__wasgo" "fuel_refill" (func $refill (param i32) (result i32)))
  (global $fuel (export "__wasgo_fuel") (mut i32) (i32.const 0))
  (func (export "main") ${charge(10)} (loop $l ${charge(1000)} (br $l))))`;
const LOOP = `(module (func (export "main") (loop $l (br $l))))`;

async function metered(text: string): Promise<CompiledModule> {
  const bytes = wat(text);
  const info = inspect(bytes, 'runaway.wasm');
  return { name: 'runaway.wasm', bytes, module: await WebAssembly.compile(bytes), info: { ...info, exports: info.exports.filter((e) => !e.name.startsWith('__wasgo')) } };
}

async function watchdog(engine: WasGoEngine): Promise<void> {
  const loop = await engine.compile(await engine.load(wat(LOOP), 'loop.wasm'));
  const v2 = await metered(RUNAWAY_V2);
  const cases: [string, CompiledModule, boolean][] = [
    ['unmetered, supervised (default)', loop, true],
    ['metered (v2), not supervised: the worker\'s own meter', v2, false],
    ['metered (v2), supervised', v2, true],
    ['unmetered, not supervised (before: main-thread timer only)', loop, false],
  ];
  console.log('watchdog: timeoutMs 100, the main thread busy-waits 2000 ms right after start() (5 runs each)');
  console.log('case                                                        stopped after start (ms, worker side)   Timeout reported after (ms)');
  for (const [label, compiled, supervised] of cases) {
    const stopped: number[] = [];
    const reported: number[] = [];
    for (let i = 0; i < 5; i++) {
      const inst = await engine.instantiate(compiled);
      const t0 = epoch();
      const run = inst.start([], { timeoutMs: 100, fuel: 0, channel: { supervised } });
      busyWait(2000);
      await run.result.catch(() => undefined);
      reported.push(epoch() - t0);
      stopped.push(run.watchdog.stoppedAt - t0);
      inst.dispose();
      await noLiveWorkers();
    }
    console.log(`${label.padEnd(60)}${stopped.map((x) => x.toFixed(0)).join(' ').padEnd(40)}${median(reported).toFixed(0)}`);
  }
}

async function rss(engine: WasGoEngine): Promise<void> {
  const loop = await engine.compile(await engine.load(wat(LOOP), 'loop.wasm'));
  globalThis.gc?.();
  await sleep(200);
  const base = process.memoryUsage().rss;
  for (const n of [16, 64]) {
    engine.init({ maxWorkers: n, fuelPerCall: 0, fuelPerMain: 0 });
    const runs: MainRun[] = [];
    for (let i = 0; i < n; i++) runs.push((await engine.instantiate(loop)).start([], { timeoutMs: 0 }));
    const t = Date.now();
    while (runs.some((r) => r.state === 'starting') && Date.now() - t < 60_000) await sleep(10);
    await sleep(300);
    const used = process.memoryUsage().rss - base;
    console.log(`RSS with ${n} worker mains running: +${mb(used)} (${mb(used / n)} per worker main, supervisor included)`);
    engine.shutdown();
    await noLiveWorkers();
    await sleep(300);
  }
  engine.init({ fuelPerCall: 0, fuelPerMain: 0 }); // default maxWorkers: 16
  let refused = 0;
  const runs: MainRun[] = [];
  for (let i = 0; i < 200; i++) {
    const inst = await engine.instantiate(loop);
    try {
      runs.push(inst.start([], { timeoutMs: 0 }));
    } catch (e) {
      if (e instanceof WorkerLimit) refused++;
      else throw e;
    }
  }
  const t = Date.now();
  while (runs.some((r) => r.state === 'starting') && Date.now() - t < 60_000) await sleep(10);
  await sleep(300);
  console.log(`200 start()s with the default maxWorkers (16): ${runs.length} run, ${refused} refused with WorkerLimit; RSS +${mb(process.memoryUsage().rss - base)}`);
  engine.shutdown();
  await noLiveWorkers();
}

async function floods(engine: WasGoEngine): Promise<void> {
  const stalls = async (body: () => Promise<void>): Promise<number[]> => {
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 1);
    await body();
    clearInterval(timer);
    return gaps.sort((a, b) => a - b);
  };
  engine.init({});
  const random = await engine.loadMod(wat(`(module
    (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
    (memory (export "memory") 1000)
    (func (export "main") (loop $l (drop (call $r (i32.const 0) (i32.const 62914560))) (br $l))))`), { name: 'random.wasm' });
  let error = '';
  const g1 = await stalls(async () => {
    error = await random.start([], { timeoutMs: 3000 }).result.then(() => 'finished', (e: Error) => e.message);
  });
  console.log(`random_get of 60 MiB per call: "${error}"; longest event-loop gap ${g1.at(-1)!.toFixed(1)} ms`);
  await noLiveWorkers();

  engine.init({ maxWorkers: 8 });
  engine.register({ module: 'game', name: 'nop', level: 1, kind: 'core', params: [], result: 'void', implementation: () => undefined });
  const flood = await engine.compile(await engine.load(wat('(module (import "game" "nop" (func $nop)) (func (export "main") (loop $l (call $nop) (br $l))))'), 'flood.wasm'));
  const runs: MainRun[] = [];
  for (let i = 0; i < 8; i++) runs.push((await engine.instantiate(flood)).start([], { fuel: 0, timeoutMs: 0 }));
  while (runs.some((r) => r.state === 'starting')) await sleep(5);
  const g2 = await stalls(async () => { await sleep(2000); });
  for (const r of runs) r.kill();
  console.log(`8 workers flooding cheap host calls, 1 ms timer for 2 s: ${g2.length} ticks, gap median ${median(g2).toFixed(1)} ms, p90 ${g2[Math.floor(g2.length * 0.9)]!.toFixed(1)} ms, max ${g2.at(-1)!.toFixed(1)} ms`);
  engine.shutdown();
  await noLiveWorkers();
}

export async function run(): Promise<void> {
  wabt = await wabtInit();
  const engine = WasGoEngine.get().init({ fuelPerCall: 0, fuelPerMain: 0 });
  const warm = await engine.loadMod(wat('(module (func (export "main") (result i32) (i32.const 1)))'));
  await warm.start().result; // the supervisor is up
  await watchdog(engine);
  await rss(engine);
  await floods(engine);
  console.log(`live worker threads at the end: ${liveWorkers()}`);
}
