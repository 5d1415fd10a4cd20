/**
 * Worker mode costs, all measured in this one run:
 * - a synchronous host call from a guest in a worker (each wake-up strategy) vs. the same call
 *   inline vs. a plain postMessage round trip to a worker;
 * - kill latency (kill() → result rejected, → thread gone) and timeout precision;
 * - worker start (start() → main running).
 * The guest modules are assembled by hand below, so this file bundles without wabt.
 */
import { WasGoEngine, type ChannelOptions, type WasGoInstance } from '../ts/index';
import { noLiveWorkers } from '../ts/isolate/worker';

const CALLS = { inline: 1_000_000, spin: 200_000, waitAsync: 20_000, message: 5_000, postMessage: 5_000 };
const REPEATS = 3;
const KILLS = 10;
const EXTISM_US = 380; // Extism JS SDK worker-mode host call (issue 3)

// ---- a tiny wasm assembler -------------------------------------------------------------------
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const I32 = 0x7f;
const func = (params: number[], results: number[]): number[] => [0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))];
const body = (locals: number, code: number[]): number[] => {
  const b = [...(locals ? [1, ...uleb(locals), I32] : [0]), ...code, 0x0b];
  return [...uleb(b.length), ...b];
};
const OP = { call: 0x10, get: 0x20, set: 0x21, const: 0x41, add: 0x6a, geu: 0x4f, block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, void: 0x40 };

/** Calls game.noop(i) (numbers only) or game.text(ptr, 16) (a 16-byte string) count() times between two ticks. */
function callsModule(): Uint8Array<ArrayBuffer> {
  const loop = (call: number[]): number[] => [
    OP.const, 0, OP.call, 1, // tick(0)
    OP.call, 2, OP.set, 2, // n = count()
    OP.block, OP.void, OP.loop, OP.void,
    OP.get, 0, OP.get, 2, OP.geu, OP.brIf, 1,
    OP.get, 1, ...call, OP.add, OP.set, 1,
    OP.get, 0, OP.const, 1, OP.add, OP.set, 0,
    OP.br, 0, OP.end, OP.end,
    OP.const, 1, OP.call, 1, // tick(1)
    OP.get, 1,
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([func([I32], [I32]), func([I32], []), func([], [I32]), func([I32, I32], [I32])])),
    ...section(2, vec([
      [...str('game'), ...str('noop'), 0, 0], [...str('game'), ...str('tick'), 0, 1],
      [...str('game'), ...str('count'), 0, 2], [...str('game'), ...str('text'), 0, 3],
    ])),
    ...section(3, vec([[2], [2]])),
    ...section(5, vec([[0, 1]])),
    ...section(7, vec([[...str('numbers'), 0, 4], [...str('strings'), 0, 5], [...str('memory'), 2, 0]])),
    ...section(10, vec([body(3, loop([OP.get, 0, OP.call, 0])), body(3, loop([OP.const, 16, OP.const, 16, OP.call, 3]))])),
    ...section(11, vec([[0, OP.const, 16, OP.end, ...str('hello, host! 16b')]])),
  ];
  return new Uint8Array(bytes);
}

/** main() { loop {} } */
function loopModule(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([func([], [])])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str('main'), 0, 0]])),
    ...section(10, vec([body(0, [OP.loop, OP.void, OP.br, 0, OP.end])])),
  ]);
}

// ---- measurements -----------------------------------------------------------------------------
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CallsHarness {
  count: number;
  ticks: number[];
}

async function callsInstance(engine: WasGoEngine): Promise<WasGoInstance> {
  return engine.loadMod(callsModule(), { name: 'calls.wasm', fuelPerCall: 0 });
}

/** µs per host call, from the guest's own first and last tick. */
async function timeCalls(h: CallsHarness, n: number, go: () => unknown): Promise<number> {
  const us: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    h.count = n;
    h.ticks = [];
    await go();
    us.push(((h.ticks[1]! - h.ticks[0]!) * 1000) / n);
  }
  return median(us);
}

async function postMessageRoundTrip(n: number): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const w = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));", { eval: true });
  const once = (v: number) => new Promise<void>((resolve) => {
    w.once('message', () => resolve());
    w.postMessage(v);
  });
  for (let i = 0; i < 200; i++) await once(i); // warm up
  const us: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await once(i);
    us.push(((performance.now() - t0) * 1000) / n);
  }
  await w.terminate();
  return median(us);
}

export async function run(): Promise<void> {
  const engine = WasGoEngine.get().init({ fuelPerCall: 0, mainTimeoutMs: 0 });
  const h: CallsHarness = { count: 0, ticks: [] };
  const g = { module: 'game', level: 1, kind: 'core' } as const;
  engine.register({ ...g, name: 'noop', params: ['i32'], result: 'i32', implementation: (_c, x: number) => x & 1 });
  engine.register({ ...g, name: 'text', params: ['string'], result: 'i32', implementation: (_c, s: string) => s.length });
  engine.register({ ...g, name: 'tick', params: ['i32'], result: 'void', implementation: (_c, i: number) => { h.ticks[i] = performance.now(); } });
  engine.register({ ...g, name: 'count', params: [], result: 'i32', implementation: () => h.count });
  const inst = await callsInstance(engine);

  const worker = (entry: string, channel: ChannelOptions) => async () => {
    await inst.start([], { entry, channel }).result;
  };
  // warm up both paths (JIT, worker bundle)
  await timeCalls(h, 10_000, () => inst.call('numbers'));
  await timeCalls(h, 10_000, worker('numbers', {}));

  // [label, µs per call, index of the row it is compared with]
  const rows: [string, number, number][] = [];
  for (const entry of ['numbers', 'strings']) {
    const base = rows.length;
    rows.push([`inline, ${entry}`, await timeCalls(h, CALLS.inline, () => inst.call(entry)), base]);
    rows.push([`worker, spin + waitAsync (default), ${entry}`, await timeCalls(h, CALLS.spin, worker(entry, {})), base]);
  }
  rows.push(['worker, spin + message events, numbers', await timeCalls(h, CALLS.spin, worker('numbers', { wake: 'message' })), 0]);
  rows.push(['worker, waitAsync only (no spinning), numbers', await timeCalls(h, CALLS.waitAsync, worker('numbers', { wake: 'waitAsync', mainSpinUs: 0, workerSpinUs: 0 })), 0]);
  rows.push(['worker, message events only (no spinning), numbers', await timeCalls(h, CALLS.message, worker('numbers', { wake: 'message', mainSpinUs: 0, workerSpinUs: 0 })), 0]);
  const pm = await postMessageRoundTrip(CALLS.postMessage);
  rows.push(['plain postMessage round trip (no wasm)', pm, 0]);

  const def = rows[1]![1];
  console.log('worker mode: one synchronous host call, guest → host → guest (median of %d runs, same process)', REPEATS);
  console.log(`${'path'.padEnd(54)}${'µs/call'.padStart(9)}${'× inline'.padStart(10)}${'× default'.padStart(11)}`);
  for (const [name, us, base] of rows) {
    console.log(`${name.padEnd(54)}${us.toFixed(3).padStart(9)}${(us / rows[base]![1]).toFixed(1).padStart(10)}${(us / def).toFixed(2).padStart(11)}`);
  }
  console.log(`default worker call: ${(pm / def).toFixed(1)}× cheaper than a plain postMessage round trip, ${(EXTISM_US / def).toFixed(0)}× cheaper than Extism's JS worker mode (~${EXTISM_US} µs)`);

  // start, kill, timeout
  const loop = await engine.compile({ name: 'loop.wasm', bytes: loopModule() });
  const starts: number[] = [];
  const rejected: number[] = [];
  const gone: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    const li = await engine.instantiate(loop);
    const t0 = performance.now();
    const r = li.start([], { timeoutMs: 0 });
    while (r.state !== 'running') await sleep(0);
    starts.push(performance.now() - t0);
    await sleep(20);
    const t1 = performance.now();
    r.kill();
    await r.result.catch(() => undefined);
    rejected.push(performance.now() - t1);
    await noLiveWorkers();
    gone.push(performance.now() - t1);
    li.dispose();
  }
  const late: number[] = [];
  for (let i = 0; i < 5; i++) {
    const li = await engine.instantiate(loop);
    const t0 = performance.now();
    await li.start([], { timeoutMs: 100 }).result.catch(() => undefined);
    late.push(performance.now() - t0 - 100);
    li.dispose();
  }
  await noLiveWorkers();
  console.log(`worker start (start() → main running): median ${median(starts).toFixed(1)} ms`);
  console.log(`kill latency (infinite loop): result rejected ${median(rejected).toFixed(2)} ms, thread gone ${median(gone).toFixed(2)} ms (median of ${KILLS}; max ${Math.max(...gone).toFixed(2)} ms)`);
  console.log(`timeoutMs 100: ended ${median(late).toFixed(1)} ms late (median of 5)`);
  engine.shutdown();
}
