/**
 * Host access (issue 15, item 2): the host reaches a module's memory whether or not the module
 * exports it, and host functions called from a wasm start function see the instance (memory,
 * fuel) like any call's: the rewriter exports memory 0 as `__wasgo_memory` and defers the start
 * function to `__wasgo_start`, which the engine runs right after instantiation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EntryNotFound, InstantiateError, LinkError, OutOfFuel, WasGoEngine } from '../../ts/index';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

afterEach(() => WasGoEngine.get().shutdown());

const load = async (engine: WasGoEngine, text: string) => engine.instantiate(await engine.compile({ name: 'm.wasm', bytes: await wat(text) }));

describe('host access', () => {
  it('a start function printing from an unexported memory: the host reads it, once, before instantiate returns', async () => {
    const { engine, printed } = freshEngine();
    const inst = await load(engine, `(module (import "wasgo" "print" (func $print (param i32 i32)))
      (memory 1) (data (i32.const 16) "from start")
      (global $runs (mut i32) (i32.const 0))
      (func $s (global.set $runs (i32.add (global.get $runs) (i32.const 1))) (call $print (i32.const 16) (i32.const 10)))
      (start $s)
      (func (export "runs") (result i32) (global.get $runs)))`);
    expect(printed).toEqual(['from start']);
    expect(inst.call('runs')).toBe(1);
    expect(inst.memory?.size).toBe(65536);
  });

  it('WasGo\'s exports are not the guest\'s API: not listed, not callable', async () => {
    const { engine } = freshEngine();
    const inst = await load(engine, '(module (memory 1) (func $s) (start $s) (func (export "f")))');
    expect(inst.functions).toEqual(['f']);
    expect(() => inst.call('__wasgo_start')).toThrow(EntryNotFound);
    expect(inst.state).toBe('ready');
  });

  it('a guest cannot claim the names: exporting __wasgo_memory or __wasgo_start, importing __wasgo.memory are refused', async () => {
    const { engine } = freshEngine();
    for (const text of ['(module (memory (export "__wasgo_memory") 1))', '(module (func (export "__wasgo_start")))', '(module (import "__wasgo" "memory" (memory 1)))']) {
      await expect(engine.compile({ name: 'm.wasm', bytes: await wat(text) })).rejects.toThrow(LinkError);
    }
  });

  it('a start function that traps or runs out of fuel fails instantiation as before; nothing stays live', async () => {
    const { engine } = freshEngine({ fuelPerCall: 100_000 });
    await expect(load(engine, '(module (memory 1) (func $s unreachable) (start $s))')).rejects.toThrow(InstantiateError);
    await expect(load(engine, '(module (func $s (loop $l (br $l))) (start $s))')).rejects.toThrow(OutOfFuel);
    expect(engine.instances()).toEqual([]);
  });

  it('a worker main\'s fresh instance runs its start function (once) before main', async () => {
    const { engine } = freshEngine();
    const inst = await load(engine, `(module (global $g (mut i32) (i32.const 0))
      (func $s (global.set $g (i32.add (global.get $g) (i32.const 40)))) (start $s)
      (func (export "main") (result i32) (i32.add (global.get $g) (i32.const 2))))`);
    expect(await inst.start([], { fuel: 0, timeoutMs: 0 }).result).toBe(42);
  });
});
