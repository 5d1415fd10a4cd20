import { describe, expect, it } from 'vitest';
import { MemoryLimit, OutOfFuel, StackOverflow, Timeout, Unreachable, type WasGoError } from '../../ts/index';
import { wat } from '../helpers/wat';
import { freshEngine } from '../helpers/engine';

const thrown = (fn: () => unknown): WasGoError => { try { fn(); } catch (e) { return e as WasGoError; } throw new Error('expected a throw'); };
const OK = '(module (func (export "main") (result i32) i32.const 1))';

describe('limits, through the engine', () => {
  it('an infinite loop is stopped by fuel inline, and the engine keeps serving', async () => {
    const { engine, errors } = freshEngine({ fuelPerCall: 1_000_000 });
    const i = await engine.loadMod(await wat('(module (func (export "main") (loop $l (br $l))))'), { name: 'spin.wasm' });
    expect(i.metered).toBe(true);
    const err = thrown(() => i.runMain());
    expect(err).toBeInstanceOf(OutOfFuel);
    expect(err.place).toMatchObject({ module: 'spin.wasm', export: 'main' });
    expect(i.lastCallFuel).toBe(1_000_000);
    expect(errors.map((e) => e.code)).toEqual(['OutOfFuel']);
    expect((await engine.loadMod(await wat(OK))).runMain()).toBe(1);
  });

  it('fuel used is reported per call and per instance, and a per-call budget overrides the setting', async () => {
    const { engine } = freshEngine({ fuelPerCall: 1_000_000 });
    const i = await engine.loadMod(await wat(`(module (func (export "count") (param $n i32) (result i32) (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n)))) (local.get $i)))`));
    expect(i.call('count', [1000])).toBe(1000);
    const small = i.lastCallFuel;
    expect(i.call('count', [10_000])).toBe(10_000);
    expect(i.lastCallFuel).toBeGreaterThan(small * 9);
    expect(i.fuelUsed).toBe(small + i.lastCallFuel);
    expect(() => i.call('count', [10_000], { fuel: small })).toThrow(OutOfFuel);
  });

  // Fuel contract v2, item 5: a module is left unmetered only when fuelPerCall AND fuelPerMain are
  // 0 (the same compiled module serves inline calls and worker mains). With fuelPerCall 0 alone it
  // is instrumented for worker mains; its inline calls have no fuel limit, but they still reach
  // the host at every refill, so maxCallMs holds.
  it('fuelPerCall 0: inline calls have no fuel limit (maxCallMs still holds); with fuelPerMain 0 too the module is unmetered', async () => {
    const { engine } = freshEngine({ fuelPerCall: 0, maxCallMs: 50 });
    const i = await engine.loadMod(await wat(`(module (func (export "main") (result i32) i32.const 1)
      (func (export "count") (param $n i32) (result i32) (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n)))) (local.get $i))
      (func (export "spin") (loop $l (br $l))))`));
    expect(i.metered).toBe(true); // instrumented: fuelPerMain is on
    expect(i.runMain()).toBe(1);
    expect(i.call('count', [2_000_000])).toBe(2_000_000); // would be far past any small budget
    expect(i.lastCallFuel).toBeGreaterThan(2_000_000);
    expect(thrown(() => i.call('spin'))).toBeInstanceOf(Timeout);

    const off = freshEngine({ fuelPerCall: 0, fuelPerMain: 0 }).engine;
    const j = await off.loadMod(await wat(OK));
    expect(j.metered).toBe(false);
    expect(WebAssembly.Module.imports(j.module)).toEqual([]);
    expect(j.runMain()).toBe(1);
  });

  it('a guest unreachable is not mistaken for fuel', async () => {
    const { engine } = freshEngine();
    const i = await engine.loadMod(await wat('(module (func (export "main") unreachable))'));
    expect(thrown(() => i.runMain())).toBeInstanceOf(Unreachable);
  });

  it('a memory bomb is capped: grow past memoryMb returns -1 for a memory without a maximum', async () => {
    const { engine } = freshEngine({ memoryMb: 4 });
    const i = await engine.loadMod(await wat(`(module (memory (export "memory") 1)
      (func (export "bomb") (result i32) (local $n i32)
        (block $full (loop $l (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $l)))
        (local.get $n)))`));
    expect(i.call('bomb')).toBe(63); // 4 MiB = 64 pages, one to start with
    expect(i.memory!.size).toBe(4 * 1024 * 1024);
  });

  it('an initial memory above the cap is refused before compiling', async () => {
    const { engine } = freshEngine({ memoryMb: 4 });
    const err = await engine.loadMod(await wat('(module (memory 65))'), { name: 'big.wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(MemoryLimit);
    expect(err.place.module).toBe('big.wasm');
  });

  it('unbounded recursion ends in StackOverflow, instance failed, host fine', async () => {
    const { engine } = freshEngine({ fuelPerCall: 0 });
    const i = await engine.loadMod(await wat('(module (func $r (export "main") (call $r)))'));
    expect(thrown(() => i.runMain())).toBeInstanceOf(StackOverflow);
    expect(i.state).toBe('failed');
    expect((await engine.loadMod(await wat(OK))).runMain()).toBe(1);
  });

  it('compile errors name the offset in the module as built, not the rewritten one', async () => {
    const { engine } = freshEngine();
    // a valid header and a function body whose type does not check
    const bytes = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 8, 1, 4, 109, 97, 105, 110, 0, 0, 10, 4, 1, 2, 0, 11]);
    const err = await engine.compile({ name: 'bad.wasm', bytes }).catch((e) => e);
    expect(err.code).toBe('CompileError');
    let original = '';
    try { new WebAssembly.Module(bytes); } catch (e) { original = (e as Error).message; }
    expect(original).toContain(`@+${err.place.offset}`);
  });
});

describe('host calls are metered by the bytes they move', () => {
  const PRINTER = `(module (import "wasgo" "print" (func $p (param i32 i32))) (memory (export "memory") 64)
    (func (export "flood") (param $n i32) (loop $l (call $p (i32.const 0) (i32.const 4000000))
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))))`;

  it('a loop of cheap calls passing big buffers runs out of fuel before the host decodes them', async () => {
    const { engine, printed } = freshEngine({ fuelPerCall: 10_000_000 });
    const i = await engine.loadMod(await wat(PRINTER));
    const err = thrown(() => i.call('flood', [1000]));
    expect(err).toBeInstanceOf(OutOfFuel);
    expect(err.message).toMatch(/wasgo\.print(: moving 4000000 bytes)? exceeds the fuel left/);
    // 2 × 4 MB fit in 10 M units by bytes; the time each print takes is billed too (limits v2),
    // so fewer may fit. The one that does not fit is refused unread.
    expect(printed.length).toBeGreaterThanOrEqual(1);
    expect(printed.length).toBeLessThanOrEqual(2);
  });

  it('unmetered modules are not charged', async () => {
    const { engine, printed } = freshEngine({ fuelPerCall: 0 });
    const i = await engine.loadMod(await wat(PRINTER));
    i.call('flood', [3]);
    expect(printed.length).toBe(3);
  });
});

describe('bulk memory operations are charged by length', () => {
  const FILLER = (calls: boolean) => `(module (memory (export "memory") 64)
    ${calls ? '(func $nop)' : ''}
    (func (export "fill") (param $n i32) (param $len i32) (result i32)
      (loop $l ${calls ? '(call $nop)' : ''}
        (memory.fill (i32.const 0) (i32.const 7) (local.get $len))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (local.get $n)))
      (i32.load8_u (i32.const 100))))`;

  for (const calls of [false, true]) {
    it(`a loop of 4 MiB fills runs out of fuel long before it would without length charges (${calls ? 'global' : 'local'} counter)`, async () => {
      const { engine } = freshEngine({ fuelPerCall: 10_000_000 });
      const i = await engine.loadMod(await wat(FILLER(calls)));
      expect(i.call('fill', [3, 4 << 20])).toBe(7); // results unchanged
      const three = i.lastCallFuel;
      expect(three).toBeGreaterThanOrEqual(3 * ((4 << 20) >> 4));
      const err = thrown(() => i.call('fill', [1_000_000, 4 << 20]));
      expect(err).toBeInstanceOf(OutOfFuel);
    });
  }
});

describe('host functions declare what a call costs', () => {
  const LOOP = `(module (import "game" "expensive" (func $e)) (func (export "main") (loop $l (call $e) (br $l))))`;
  const register = (engine: ReturnType<typeof freshEngine>['engine'], calls: { n: number }) =>
    engine.register({ module: 'game', name: 'expensive', params: [], result: 'void', level: 1, kind: 'core', cost: 1_000_000, implementation: () => { calls.n++; } });

  it('inline: a loop over an expensive host function runs out of fuel after budget / cost calls', async () => {
    const { engine } = freshEngine({ fuelPerCall: 10_000_000 });
    const calls = { n: 0 };
    register(engine, calls);
    const i = await engine.loadMod(await wat(LOOP));
    expect(thrown(() => i.runMain())).toBeInstanceOf(OutOfFuel);
    // budget / cost = 10; each call's measured time (and the floor) is billed too (limits v2).
    expect(calls.n).toBeGreaterThanOrEqual(5);
    expect(calls.n).toBeLessThanOrEqual(10);
  });

  it('worker: the same cost is charged in the worker', async () => {
    const { engine } = freshEngine({ fuelPerCall: 10_000_000 });
    const calls = { n: 0 };
    register(engine, calls);
    const i = await engine.loadMod(await wat(LOOP));
    await expect(i.start([], { fuel: 10_000_000, timeoutMs: 10_000 }).result).rejects.toBeInstanceOf(OutOfFuel);
    expect(calls.n).toBeLessThanOrEqual(10);
  });

  it('registration refuses a negative or fractional cost', () => {
    const { engine } = freshEngine();
    expect(() => engine.register({ module: 'game', name: 'x', params: [], result: 'void', level: 1, kind: 'core', cost: -1, implementation: () => undefined })).toThrow(/cost/);
  });
});

describe('the engine-wide memory budget (totalMemoryMb)', () => {
  const MOD = '(module (memory (export "memory") 1) (func (export "main") (result i32) i32.const 1))';
  // Committed memory: tests/engine/memory-budget.test.ts (grows, 1,000 mods, unmetered modules).

  it('holds each instance at its initial size, refuses past the budget naming what is held, credits disposed ones', async () => {
    const { engine } = freshEngine({ memoryMb: 64, totalMemoryMb: 20 });
    const big = '(module (memory (export "memory") 128) (func (export "main") (result i32) i32.const 1))'; // 8 MiB
    const a = await engine.loadMod(await wat(big));
    const b = await engine.loadMod(await wat(big)); // 16 of 20 MiB held
    const err = await engine.loadMod(await wat(big), { name: 'third.wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(MemoryLimit);
    expect(err.message).toMatch(/would reserve 8 MiB of guest memory; 16 MiB of the 20 MiB budget \(totalMemoryMb\) is held by 2 instance/);
    a.dispose();
    const c = await engine.loadMod(await wat(big));
    expect(c.runMain()).toBe(1);
    expect(b.runMain()).toBe(1);
  });

  it('modules without memory hold nothing', async () => {
    const { engine } = freshEngine({ memoryMb: 64, totalMemoryMb: 1 });
    for (let i = 0; i < 16; i++) await engine.loadMod(await wat(MOD)); // 64 KiB each: 1 MiB
    await expect(engine.loadMod(await wat(MOD))).rejects.toBeInstanceOf(MemoryLimit);
    for (let i = 0; i < 20; i++) await engine.loadMod(await wat(OK));
  });

  it('a worker main holds its own copy while it runs', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 20 });
    const big = '(module (memory (export "memory") 128) (func (export "main") (result i32) i32.const 1))'; // 8 MiB
    const a = await engine.loadMod(await wat(big));
    const run = a.start(); // 16 MiB held while it runs
    await expect(engine.loadMod(await wat(big))).rejects.toBeInstanceOf(MemoryLimit);
    expect(await run.result).toBe(1);
    expect((await engine.loadMod(await wat(big))).runMain()).toBe(1);
  });
});
