import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HostError, ImportRefused, InstanceFailed, Killed, OutOfFuel, Timeout, WasGoEngine, WasGoError,
  type HostFunctionSpec, type OutBuffer, type WasGoInstance,
} from '../../ts/index';
import { liveWorkers, noLiveWorkers } from '../../ts/isolate/worker';
import { inspect } from '../../ts/wasm/inspect';
import { instrumentFuel } from '../../ts/wasm/fuel';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const enc = new TextEncoder();

/** Game functions used by the guests below (registered at level 1 in module `game`). */
function gameFunctions(log: string[]): HostFunctionSpec[] {
  const g = { module: 'game', level: 1, kind: 'core' } as const;
  return [
    // Reverses a string into out; returns the full UTF-8 length.
    { ...g, name: 'reverse', params: ['string', 'out'], result: 'i32',
      implementation: (_c, s: string, out: OutBuffer) => {
        const b = enc.encode([...s].reverse().join(''));
        out.write(b);
        return b.length;
      } },
    // Sum of bytes (mod 2^32) — for big inputs.
    { ...g, name: 'sum', params: ['bytes'], result: 'i32',
      implementation: (_c, b: Uint8Array) => b.reduce((a, x) => (a + x) | 0, 0) },
    // n bytes of (i * 7) & 255 into out — for big outputs.
    { ...g, name: 'fill', params: ['i32', 'out'], result: 'i32',
      implementation: (_c, n: number, out: OutBuffer) => {
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++) b[i] = (i * 7) & 255;
        return out.write(b);
      } },
    { ...g, name: 'mix', params: ['i32', 'i64', 'f32', 'f64'], result: 'f64',
      implementation: (_c, a: number, b: bigint, c: number, d: number) => {
        log.push(`mix ${a} ${b} ${c} ${d}`);
        return a + Number(b >> 30n) + c * d;
      } },
    { ...g, name: 'wide', params: ['i64'], result: 'i64', implementation: (_c, x: bigint) => x * 3n },
    // Asynchronous: resolves later (only worker-mode guests can call it).
    { ...g, name: 'later', params: ['i32'], result: 'i32',
      implementation: async (_c, x: number) => {
        await new Promise((r) => setTimeout(r, 20));
        return x * 2;
      } },
    { ...g, name: 'explode', params: [], result: 'void',
      implementation: () => { throw new Error('kaboom'); } },
    { ...g, name: 'direct', params: [], result: 'i32', inlineOnly: true,
      implementation: (ctx) => (ctx.guest ? 1 : 0) },
  ];
}

const MARSHAL = `(module
  (import "game" "reverse" (func $reverse (param i32 i32 i32 i32) (result i32)))
  (import "game" "sum" (func $sum (param i32 i32) (result i32)))
  (import "game" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
  (import "game" "wide" (func $wide (param i64) (result i64)))
  (import "env" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "h\\c3\\a9llo w\\c3\\b6rld \\f0\\9f\\8e\\ae")
  (func (export "main") (result i32) (local $n i32)
    (local.set $n (call $reverse (i32.const 16) (i32.const 18) (i32.const 1024) (i32.const 64)))
    (call $print (i32.const 1024) (local.get $n))
    (i32.add
      (i32.add (local.get $n) (call $sum (i32.const 16) (i32.const 18)))
      (i32.add
        (i32.trunc_f64_s (call $mix (i32.const -5) (i64.const 1099511627776) (f32.const 1.5) (f64.const 2.25)))
        (i32.wrap_i64 (i64.shr_u (call $wide (i64.const 0x100000001)) (i64.const 1)))))))`;

// Sends `len` bytes (pattern i & 255) to game.sum, then asks game.fill for `back` bytes and sums them itself.
const BIG = (len: number, back: number) => `(module
  (import "game" "sum" (func $sum (param i32 i32) (result i32)))
  (import "game" "fill" (func $fill (param i32 i32 i32) (result i32)))
  (memory (export "memory") 64)
  (func (export "main") (result i32) (local $i i32) (local $acc i32) (local $n i32)
    (loop $w
      (i32.store8 (local.get $i) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $w (i32.lt_u (local.get $i) (i32.const ${len}))))
    (local.set $acc (call $sum (i32.const 0) (i32.const ${len})))
    (local.set $n (call $fill (i32.const ${back}) (i32.const ${len}) (i32.const ${back})))
    (local.set $i (i32.const 0))
    (loop $r
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (i32.add (i32.const ${len}) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $r (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (local.get $n))))`;

const LOOP = `(module (func (export "main") (loop $l (br $l))))`;
const HELLO = `(module
  (import "wasgo" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello")
  (func (export "main") (result i32) (call $print (i32.const 16) (i32.const 5)) (i32.const 42)))`;

function setup(settings: Parameters<typeof freshEngine>[0] = {}) {
  const env = freshEngine(settings);
  const log: string[] = [];
  for (const f of gameFunctions(log)) env.engine.register(f);
  return { ...env, log, load: async (text: string, name = 'mod.wasm') => env.engine.loadMod(await wat(text), { name }) };
}

/** Every test leaves no worker behind. */
afterEach(async () => {
  await Promise.race([noLiveWorkers(), new Promise((r) => setTimeout(r, 2000))]);
  expect(liveWorkers()).toBe(0);
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** The same engine still serves a new instance, inline and in a worker. */
async function stillServes(engine: WasGoEngine, printed: string[]): Promise<void> {
  const other = await engine.loadMod(await wat(HELLO), { name: 'other.wasm' });
  printed.length = 0;
  expect(other.runMain()).toBe(42);
  expect(await other.start().result).toBe(42);
  expect(printed).toEqual(['hello', 'hello']);
  expect(other.state).toBe('ready');
}

describe('worker mode: host calls', () => {
  it('strings, bytes, out buffers, i64 and floats give the same results as inline', async () => {
    const { load, printed, log } = setup();
    const inline = await load(MARSHAL);
    const expected = inline.runMain();
    const inlinePrinted = [...printed];
    const inlineLog = [...log];
    printed.length = 0;
    log.length = 0;
    const worker = await load(MARSHAL);
    const run = worker.start();
    expect(await run.result).toBe(expected);
    expect(run.state).toBe('finished');
    expect(printed).toEqual(inlinePrinted);
    expect(printed).toEqual(['🎮 dlröw olléh']);
    expect(log).toEqual(inlineLog);
    expect(worker.state).toBe('ready');
  });

  it('chunks payloads larger than the channel, both ways', async () => {
    // Limits v2: host calls are billed their time too; summing 1 MB in JS can take 50 ms on a loaded machine.
    const { load } = setup({ fuelPerCall: 1e10, maxCallMs: 0 });
    const len = 1_000_000;
    const back = 300_000;
    let expected = 0;
    for (let i = 0; i < len; i++) expected = (expected + (i & 255)) | 0;
    for (let i = 0; i < back; i++) expected = (expected + ((i * 7) & 255)) | 0;
    expected = (expected + back) | 0;
    const inst = await load(BIG(len, back));
    expect(inst.runMain()).toBe(expected);
    expect(await inst.start([], { channel: { bytes: 64 * 1024 } }).result).toBe(expected);
    // A tiny channel: every message is chunked, including the strings of a normal call.
    expect(await inst.start([], { channel: { bytes: 64 } }).result).toBe(expected);
    const marshal = await load(MARSHAL);
    const small = marshal.runMain();
    expect(await marshal.start([], { channel: { bytes: 64 } }).result).toBe(small);
  });

  it('serves calls with every wake-up mode (waitAsync, message events, no spinning)', async () => {
    const { load } = setup();
    const inst = await load(MARSHAL);
    const expected = inst.runMain();
    expect(await inst.start([], { channel: { wake: 'waitAsync', mainSpinUs: 0, workerSpinUs: 0 } }).result).toBe(expected);
    expect(await inst.start([], { channel: { wake: 'message', mainSpinUs: 0 } }).result).toBe(expected);
    expect(await inst.start([], { channel: { wake: 'message' } }).result).toBe(expected);
  });

  it('passes argv to main(argc, argv)', async () => {
    const { load, printed } = setup();
    const inst = await load(`(module
      (import "wasgo" "print" (func $print (param i32 i32)))
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 4096))
      (func (export "host_malloc") (param $n i32) (result i32) (local $p i32)
        (local.set $p (global.get $heap)) (global.set $heap (i32.add (local.get $p) (local.get $n))) (local.get $p))
      (func $strlen (param $p i32) (result i32) (local $n i32)
        (block $d (loop $l (br_if $d (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
          (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $l))) (local.get $n))
      (func (export "main") (param $argc i32) (param $argv i32) (result i32) (local $i i32) (local $s i32)
        (loop $l
          (local.set $s (i32.load (i32.add (local.get $argv) (i32.shl (local.get $i) (i32.const 2)))))
          (call $print (local.get $s) (call $strlen (local.get $s)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $argc))))
        (local.get $argc)))`, 'args.wasm');
    expect(await inst.start(['one', 'twö']).result).toBe(3);
    expect(printed).toEqual(['args.wasm', 'one', 'twö']);
  });

  it('waits for asynchronous host functions (inline they fail with HostError)', async () => {
    const { load } = setup();
    const text = `(module (import "game" "later" (func $later (param i32) (result i32)))
      (func (export "main") (result i32) (i32.add (call $later (i32.const 20)) (call $later (i32.const 1)))))`;
    const inline = await load(text);
    expect(() => inline.runMain()).toThrow(HostError);
    const worker = await load(text);
    expect(await worker.start().result).toBe(42);
  });

  it('level 2: http_request to an allowlisted local server works in worker mode', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'text/plain' });
        res.end(`${req.method} ${req.url} got ${body}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}/api/ping`;
      const { load, printed } = setup({ level: 2, networkAllowlist: [`http://127.0.0.1:${port}/api/`] });
      const urlBytes = [...enc.encode(url)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
      const inst = await load(`(module
        (import "wasgo" "http_request" (func $http (param i32 i32 i32 i32 i32 i32 i32 i32) (result i64)))
        (import "wasgo" "print" (func $print (param i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "POST")
        (data (i32.const 8) "ping!")
        (data (i32.const 64) "${urlBytes}")
        (func (export "main") (result i32) (local $r i64)
          (local.set $r (call $http (i32.const 0) (i32.const 4) (i32.const 64) (i32.const ${url.length})
                                    (i32.const 8) (i32.const 5) (i32.const 1024) (i32.const 256)))
          (call $print (i32.const 1024) (i32.wrap_i64 (i64.and (local.get $r) (i64.const 0xffffffff))))
          (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32)))))`, 'net.wasm');
      expect(await inst.start().result).toBe(201);
      expect(printed).toEqual(['POST /api/ping got ping!']);
    } finally {
      server.close();
    }
  });
});

describe('worker mode: failures are reported and the thread is killed', () => {
  it('a refused import kills the thread and reports ImportRefused through the error event', async () => {
    const { engine, load, errors, printed } = setup();
    const inst = await load(`(module
      (import "wasgo" "file_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "main") (result i32) (drop (call $w (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0))) (i32.const 1)))`, 'refused.wasm');
    const events: WasGoError[] = [];
    engine.on('error', (e) => events.push(e.error));
    const run = inst.start();
    const err = await run.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRefused);
    expect((err as ImportRefused).levelNeeded).toBe(2);
    expect((err as ImportRefused).importName).toBe('file_write');
    expect((err as ImportRefused).place).toMatchObject({ module: 'refused.wasm', export: 'main', instance: inst.id });
    expect(events).toEqual([err]);
    expect(errors.map((e) => e.code)).toEqual(['ImportRefused']);
    expect(run.state).toBe('failed');
    expect(inst.state).toBe('failed');
    expect(() => inst.start()).toThrow(InstanceFailed);
    await noLiveWorkers();
    await stillServes(engine, printed);
  });

  it('a throwing host function kills the thread with HostError; inlineOnly functions are refused with HostError', async () => {
    const { engine, load, errors, printed } = setup();
    const boom = await load(`(module (import "game" "explode" (func $e)) (func (export "main") (call $e)))`);
    const e1 = await boom.start().result.catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(HostError);
    expect((e1 as HostError).message).toBe('game.explode failed: kaboom');
    expect((e1 as HostError).place).toMatchObject({ export: 'main', instance: boom.id });
    const direct = await load(`(module (import "game" "direct" (func $d (result i32))) (memory (export "memory") 1) (func (export "main") (result i32) (call $d)))`);
    expect(direct.runMain()).toBe(1);
    const direct2 = await load(`(module (import "game" "direct" (func $d (result i32))) (memory (export "memory") 1) (func (export "main") (result i32) (call $d)))`);
    const e2 = await direct2.start().result.catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(HostError);
    expect((e2 as HostError).message).toMatch(/game\.direct needs direct access to the guest/);
    expect(errors.map((e) => e.code)).toEqual(['HostError', 'HostError']);
    await stillServes(engine, printed);
  });

  it('a bad pointer is caught in the worker (GuestMemoryError), like inline', async () => {
    const { load } = setup();
    const text = `(module (import "wasgo" "print" (func $p (param i32 i32))) (memory (export "memory") 1)
      (func (export "main") (call $p (i32.const 65530) (i32.const 100))))`;
    const inline = await load(text);
    let inlineErr: unknown;
    try { inline.runMain(); } catch (e) { inlineErr = e; }
    const err = await (await load(text)).start().result.catch((e: unknown) => e);
    expect((err as WasGoError).code).toBe('GuestMemoryError');
    expect((err as WasGoError).code).toBe((inlineErr as WasGoError).code);
    expect((err as WasGoError).message).toBe((inlineErr as WasGoError).message);
  });

  it('traps are classified the same as inline', async () => {
    const { load } = setup();
    const traps: Record<string, string> = {
      Unreachable: '(func (export "main") unreachable)',
      MemoryOutOfBounds: '(memory 1) (func (export "main") (drop (i32.load (i32.const 70000))))',
      IntegerDivideByZero: '(func (export "main") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))',
      IntegerOverflow: '(func (export "main") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))',
      BadConversionToInteger: '(func (export "main") (result i32) (i32.trunc_f64_s (f64.const nan)))',
      IndirectCallToNull: '(type $t (func)) (table 2 funcref) (func (export "main") (call_indirect (type $t) (i32.const 0)))',
      TableOutOfBounds: '(type $t (func)) (table 2 funcref) (func (export "main") (call_indirect (type $t) (i32.const 5)))',
      StackOverflow: '(func $r (export "main") (call $r))',
    };
    for (const [code, body] of Object.entries(traps)) {
      const text = `(module ${body})`;
      let inlineErr: WasGoError | undefined;
      try { (await load(text, `${code}.wasm`)).runMain(); } catch (e) { inlineErr = e as WasGoError; }
      const inst = await load(text, `${code}.wasm`);
      const err = await inst.start().result.catch((e: unknown) => e) as WasGoError;
      expect(inlineErr?.code).toBe(code);
      expect(err.code, code).toBe(code);
      expect(err.constructor).toBe(inlineErr!.constructor);
      expect(err.place).toMatchObject({ module: `${code}.wasm`, export: 'main', instance: inst.id });
      if (code !== 'StackOverflow') expect(err.place.guestStack).toEqual(inlineErr!.place.guestStack);
      expect(err.place.guestStack?.length).toBeGreaterThan(0);
    }
  });

  it('a metered module running out of fuel in a worker ends with OutOfFuel', async () => {
    const { engine } = setup();
    const bytes = instrumentFuel(await wat(LOOP), { moduleName: 'metered.wasm' });
    const info = inspect(bytes, 'metered.wasm');
    const compiled = { name: 'metered.wasm', bytes, module: await WebAssembly.compile(bytes), info: { ...info, exports: info.exports.filter((e) => !e.name.startsWith('__wasgo')) } };
    const inst = await engine.instantiate(compiled);
    expect(inst.metered).toBe(true);
    const err = await inst.start([], { fuel: 1_000_000, timeoutMs: 10_000 }).result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutOfFuel);
    expect((err as OutOfFuel).place).toMatchObject({ export: 'main', instance: inst.id });
  });
});

describe('worker mode: kill and timeout', () => {
  it('an infinite loop is killed by the timeout, and the engine keeps serving', async () => {
    const { engine, load, errors, printed } = setup();
    const inst = await load(LOOP, 'loop.wasm');
    const t0 = performance.now();
    const run = inst.start([], { timeoutMs: 300, fuel: 0 });
    const err = await run.result.catch((e: unknown) => e);
    const took = performance.now() - t0;
    expect(err).toBeInstanceOf(Timeout);
    expect((err as Timeout).describe()).toBe(`Timeout: main did not finish within 300 ms (module loop.wasm, export main, instance ${inst.id})`);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1000);
    expect(errors.map((e) => e.code)).toEqual(['Timeout']);
    expect(inst.state).toBe('failed');
    await noLiveWorkers();
    expect(performance.now() - t0).toBeLessThan(1500);
    await stillServes(engine, printed);
  });

  it('a guest flooding the host with calls still times out (the main thread keeps yielding)', async () => {
    const { engine, load, printed } = setup();
    const inst = await load(`(module (import "game" "mix" (func $m (param i32 i64 f32 f64) (result f64)))
      (func (export "main") (loop $l (drop (call $m (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))) (br $l))))`);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    const err = await inst.start([], { timeoutMs: 200, fuel: 0 }).result.catch((e: unknown) => e);
    clearInterval(timer);
    expect(err).toBeInstanceOf(Timeout);
    expect(performance.now() - t0).toBeLessThan(600);
    expect(ticks).toBeGreaterThan(10); // other timers kept running on the main thread
    await stillServes(engine, printed);
  });

  it('the default timeout comes from settings.mainTimeoutMs', async () => {
    const { load } = setup({ mainTimeoutMs: 150 });
    const err = await (await load(LOOP)).start([], { fuel: 0 }).result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Timeout);
  });

  it('kill() ends a running infinite loop within a few ms with Killed', async () => {
    const { engine, load, errors, printed } = setup();
    const inst = await load(LOOP, 'loop.wasm');
    const run = inst.start([], { timeoutMs: 0, fuel: 0 });
    await until(() => run.state === 'running');
    expect(liveWorkers()).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    run.kill();
    const err = await run.result.catch((e: unknown) => e);
    const rejected = performance.now() - t0;
    await noLiveWorkers();
    const exited = performance.now() - t0;
    expect(err).toBeInstanceOf(Killed);
    expect(run.state).toBe('failed');
    expect(run.error).toBe(err);
    expect(rejected).toBeLessThan(10);
    expect(exited).toBeLessThan(100);
    expect(errors.map((e) => e.code)).toEqual(['Killed']);
    run.kill(); // idempotent
    await stillServes(engine, printed);
  });

  it('kill() during an asynchronous host call, and while the worker is still starting', async () => {
    const { load } = setup();
    const waiting = await load(`(module (import "game" "later" (func $later (param i32) (result i32)))
      (func (export "main") (result i32) (call $later (i32.const 1))))`);
    const r1 = waiting.start();
    await until(() => r1.state === 'running');
    r1.kill();
    expect(await r1.result.catch((e: unknown) => e)).toBeInstanceOf(Killed);
    const r2 = (await load(LOOP)).start([], { fuel: 0 });
    r2.kill();
    expect(await r2.result.catch((e: unknown) => e)).toBeInstanceOf(Killed);
    await new Promise((r) => setTimeout(r, 60)); // the async host function settles after the kill: ignored
  });

  it('dispose() and engine shutdown kill running workers; many kills leak nothing', async () => {
    const { engine, load } = setup();
    const a = await load(LOOP);
    const ra = a.start([], { fuel: 0, timeoutMs: 0 });
    a.dispose();
    expect(await ra.result.catch((e: unknown) => e)).toBeInstanceOf(Killed);
    const runs = [];
    const instances: WasGoInstance[] = [];
    for (let i = 0; i < 4; i++) {
      const inst = await load(LOOP);
      instances.push(inst);
      runs.push(inst.start([], { fuel: 0, timeoutMs: 0 }));
    }
    expect(() => instances[0]!.call('main')).toThrow(InstanceFailed);
    expect(() => instances[0]!.start()).toThrow(InstanceFailed);
    engine.shutdown();
    for (const r of runs) expect(await r.result.catch((e: unknown) => e)).toBeInstanceOf(Killed);
    await noLiveWorkers();
    expect(liveWorkers()).toBe(0);
  });
});
