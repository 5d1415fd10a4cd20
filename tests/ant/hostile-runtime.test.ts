// Hostile packages against the ANT runtime: each is refused with the documented code, in
// bounded time and memory, and never takes the host (or the other modules) down with it.
import { describe, expect, it } from 'vitest';
import { EntryNotFound, OutOfFuel, PackageError, StackOverflow } from '../../ts/engine/errors';
import { GAME_IS_RUNNING_ERROR, GENERIC_FAILURE, NO_MORE_MEMORY_ERROR, PATH_RESOLUTION_ERROR } from '../../ts/ant/spec-codes';
import { coreRecording, guest, makePackage, play, playFailing, type Files, type GuestParts } from './runtime-helpers';

const MOD: GuestParts = { imports: ['record'], onLoad: '(call $record (local.get $id))' };
const bounded = async <T>(ms: number, f: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await f();
  expect(performance.now() - t0).toBeLessThan(ms);
  return r;
};

describe('hostile packages: the Core', () => {
  it('no core (empty package, only a main, a folder named core.wasm) → MissingCore (67) before any code runs', async () => {
    for (const files of [{}, { 'main.wasm': MOD }, { 'core.wasm/x.wasm': MOD }] as Files[]) {
      const { error, records } = await playFailing(files);
      expect(error).toBeInstanceOf(PackageError);
      expect(error).toMatchObject({ code: 'MissingCore', errno: 67 });
      expect(records).toEqual([]);
    }
  });

  it('a core that is not wasm (text, wasm magic + garbage, empty) → InvalidWasm (68) on core.wasm', async () => {
    for (const core of ['#!/bin/sh\nrm -rf /', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff, 0xff, 0xff]), new Uint8Array(0)]) {
      const { error, engine } = await playFailing({ 'core.wasm': core, 'main.wasm': MOD });
      expect(error).toMatchObject({ code: 'InvalidWasm', errno: 68 });
      expect(error.message).toMatch(/core\.wasm/);
      expect(engine.instances()).toEqual([]);
    }
  });

  it('a core whose entry has a wrong type → EntryNotFound; whose start function traps → refused, nothing left running', async () => {
    const wrong = await playFailing({ 'core.wasm': { extra: '(func (export "main") (param i64))' } });
    expect(wrong.error).toBeInstanceOf(EntryNotFound);
    const trap = await playFailing({ 'core.wasm': { ...coreRecording(['(call $load_main)']), extra: '(func $s unreachable) (start $s)' }, 'main.wasm': MOD });
    expect(trap.error.code).toBe('InstantiateError');
    expect(trap.engine.instances()).toEqual([]);
  });

  it('a core that loops forever, or recurses without end, is stopped (OutOfFuel, StackOverflow); every module is disposed', async () => {
    const loop = await bounded(10_000, () => playFailing({ 'core.wasm': { ...coreRecording(['(call $load_main)']), main: '(drop (call $load_main)) (loop $l (br $l))' }, 'main.wasm': MOD }, {}, { fuelPerCall: 1_000_000 }));
    expect(loop.error).toBeInstanceOf(OutOfFuel);
    expect(loop.records).toEqual([['/main.wasm', 1]]);
    expect(loop.engine.instances()).toEqual([]);
    const rec = await bounded(10_000, () => playFailing({ 'core.wasm': { main: '(call $r)', extra: '(func $r (call $r))' } }));
    expect(rec.error).toBeInstanceOf(StackOverflow);
  });
});

describe('hostile packages: the ANT imports', () => {
  it('load_main twice → GENERIC_FAILURE (-1) the second time; one Main', async () => {
    const { recordedBy, game } = await play({ 'core.wasm': coreRecording(['(call $load_main)', '(call $load_main)', '(call $load_main)']), 'main.wasm': MOD });
    expect(recordedBy('/core.wasm')).toEqual([1, GENERIC_FAILURE, GENERIC_FAILURE]);
    expect(game.modules).toHaveLength(2);
  });

  it('start_game twice → GAME_IS_RUNNING_ERROR (-5) (or a no-op when imported as () -> void)', async () => {
    const { recordedBy } = await play({ 'core.wasm': coreRecording(['(call $start_game)', '(call $start_game)']) });
    expect(recordedBy('/core.wasm')).toEqual([0, GAME_IS_RUNNING_ERROR]);
  });

  it('load_module / load_module_core / load_main after start → GAME_IS_RUNNING_ERROR (-5), nothing instantiated', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': coreRecording(['(call $load_main)', '(call $load_module_core @"/core/a.wasm")', '(call $load_main)']),
      'main.wasm': { imports: ['record', 'load_module', 'start_game'], onLoad: '(call $start_game) (call $record (call $load_module @"/mods/x.wasm"))' },
      'core/a.wasm': MOD, 'mods/x.wasm': MOD,
    });
    expect(recordedBy('/main.wasm')).toEqual([GAME_IS_RUNNING_ERROR]);
    expect(recordedBy('/core.wasm')).toEqual([1, GAME_IS_RUNNING_ERROR, GAME_IS_RUNNING_ERROR]);
    expect(game.modules.map((m) => m.path)).toEqual(['/core.wasm', '/main.wasm']);
  });

  it('load_module_core outside /core/ (other paths, traversal, the core itself, lookalikes) → PATH_RESOLUTION_ERROR (-2)', async () => {
    const paths = ['/main.wasm', '/mods/x.wasm', '/core/../main.wasm', '/core/..', '/core/%2e%2e/main.wasm', '/core\\\\evil.wasm', 'core/a.wasm', '/core.wasm', '/CORE.WASM', '/core/a.wasm/', '\\00/core/a.wasm', ' /core/a.wasm', '/core/a.wasm\\00'];
    const { recordedBy, game } = await play({ 'core.wasm': coreRecording(paths.map((p) => `(call $load_module_core @"${p}")`)), 'main.wasm': MOD, 'mods/x.wasm': MOD, 'core/a.wasm': MOD });
    expect(recordedBy('/core.wasm')).toEqual(paths.map(() => PATH_RESOLUTION_ERROR));
    expect(game.modules).toHaveLength(1);
  });

  it('load_module into /core/ or at the core/main through case tricks and traversal → -2', async () => {
    const paths = ['/CORE/a.wasm', '/Core.wasm', '/MAIN.WASM', '/mods/../core/a.wasm', '/mods/../main.wasm', '/mods/../core.wasm'];
    const { recordedBy, game } = await play({
      'core.wasm': coreRecording(['(call $load_main)']),
      'main.wasm': { imports: ['record', 'load_module'], onLoad: paths.map((p) => `(call $record (call $load_module @"${p}"))`).join(' ') },
      'core/a.wasm': MOD,
    });
    expect(recordedBy('/main.wasm')).toEqual(paths.map(() => PATH_RESOLUTION_ERROR));
    expect(game.modules.map((m) => m.path)).toEqual(['/core.wasm', '/main.wasm']);
  });

  it('wild pointers and lengths for the path → GENERIC_FAILURE (-1); the caller is not trapped', async () => {
    const { recordedBy } = await play({
      'core.wasm': coreRecording(['(call $load_module_core (i32.const -1) (i32.const 1))', '(call $load_module_core (i32.const 0) (i32.const 0x7fffffff))', '(call $load_module_core (i32.const 65536) (i32.const 1))', '(i32.const 7)']),
    });
    expect(recordedBy('/core.wasm')).toEqual([GENERIC_FAILURE, GENERIC_FAILURE, GENERIC_FAILURE, 7]);
  });

  it('a memory-less core: a (0, 0) path is "" (→ -2), anything else is out of bounds (→ -1)', async () => {
    const { recordedBy } = await play({ 'core.wasm': { ...coreRecording(['(call $load_module_core (i32.const 0) (i32.const 0))', '(call $load_module_core (i32.const 0) (i32.const 4))']), memory: '', malloc: false } });
    expect(recordedBy('/core.wasm')).toEqual([PATH_RESOLUTION_ERROR, GENERIC_FAILURE]);
  });

  it('ANT imports called from a start function see the caller\'s memory: load_main and a path both work', async () => {
    const { records } = await play({
      'core.wasm': { imports: ['record', 'load_main_i32', 'load_module_core'], main: '', extra: `(func $s (call $record (call $load_main)) (call $record (call $load_module_core @"/core/a.wasm"))) (start $s)` },
      'main.wasm': MOD, 'core/a.wasm': MOD,
    });
    expect(records).toEqual([['/main.wasm', 1], ['/core.wasm', 1], ['/core/a.wasm', 2], ['/core.wasm', 2]]);
  });
});

describe('hostile packages: resource exhaustion', () => {
  /** A Core that loads /core/a.wasm until a load fails, then records how many it tried and the last result. */
  const LOAD_FOREVER = {
    'core.wasm': { imports: ['record', 'load_module_core'], main: `(local $i i32) (local $r i32)
        (loop $l (local.set $r (call $load_module_core @"/core/a.wasm")) (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.and (i32.gt_s (local.get $r) (i32.const 0)) (i32.lt_u (local.get $i) (i32.const 100000)))))
        (call $record (local.get $i)) (call $record (local.get $r))` },
    'core/a.wasm': {},
  };

  it('a core loading modules in an endless loop is capped by maxModules (-6) in bounded time', async () => {
    const { recordedBy, game } = await bounded(15_000, () => play({
      ...LOAD_FOREVER,
    }, {}, { totalMemoryMb: 65 * 64, fuelPerCall: 1e10 })); // limits v2: 64 instantiations bill the Core's one call
    expect(recordedBy('/core.wasm')).toEqual([65, NO_MORE_MEMORY_ERROR]);
    expect(game.modules).toHaveLength(65);
  });

  it('the engine memory budget (totalMemoryMb) refusing a module → NO_MORE_MEMORY_ERROR (-6); the game goes on', async () => {
    const { recordedBy, game } = await bounded(15_000, () => play({
      ...LOAD_FOREVER, 'core/a.wasm': { memory: '(memory (export "memory") 128)' },
    }, {}, { memoryMb: 8, totalMemoryMb: 40 }));
    // the Core holds 64 KiB and each /core/ module its initial 8 MiB, so four fit and the fifth is refused
    expect(recordedBy('/core.wasm')).toEqual([5, NO_MORE_MEMORY_ERROR]);
    expect(game.modules).toHaveLength(5);
  });

  it('a failing module retried forever also counts against maxModules', async () => {
    const { recordedBy } = await bounded(15_000, () => play({
      'core.wasm': { imports: ['record', 'load_module_core'], main: `(local $r i32)
        (loop $l (local.set $r (call $load_module_core @"/core/bad.wasm")) (br_if $l (i32.eq (local.get $r) (i32.const -3))))
        (call $record (local.get $r))` },
      'core/bad.wasm': { onLoad: 'unreachable' },
    }, { maxModules: 10 }));
    expect(recordedBy('/core.wasm')).toEqual([NO_MORE_MEMORY_ERROR]);
  });

  it('a module that loops in on_module_load runs out of the loader\'s fuel: the whole call ends with OutOfFuel (limits v2)', async () => {
    // Before limits v2 each on_module_load had a budget of its own (→ RESOLUTION_ERROR, and the
    // Core carried on); now nested instantiation is billed to the caller's one budget.
    const { error, records } = await bounded(10_000, () => playFailing({
      'core.wasm': coreRecording(['(call $load_module_core @"/core/spin.wasm")', '(i32.const 1)']),
      'core/spin.wasm': { onLoad: '(loop $l (br $l))' },
    }, {}, { fuelPerCall: 1_000_000 }));
    expect(error).toBeInstanceOf(OutOfFuel);
    expect(records).toEqual([]);
  });

  it('misbehaving host_malloc (loops, traps, lies) never makes the host write out of bounds', async () => {
    const cases: [string, number][] = [
      ['(loop $l (br $l)) (i32.const 8)', GENERIC_FAILURE],
      ['unreachable', GENERIC_FAILURE],
      ['(i32.const -1)', GENERIC_FAILURE],
      ['(i32.const 0)', NO_MORE_MEMORY_ERROR],
      ['(i32.const 65535)', NO_MORE_MEMORY_ERROR],
      ['(i32.const 0xfffffff0)', GENERIC_FAILURE],
      // A refused grow, then a lie near the end of memory: the host re-checks the bounds.
      ['(drop (memory.grow (i32.const 2000))) (i32.const 65530)', NO_MORE_MEMORY_ERROR],
      // Fuel contract v2 prices memory.grow by its operand (524288 + 65536 per page, clamped to
      // 2^30): asking for 2^32-1 pages is over the Core's budget, so host_malloc runs out of fuel
      // and the load fails (-1) instead of reaching the lie.
      ['(drop (memory.grow (i32.const -1))) (i32.const 65530)', GENERIC_FAILURE],
    ];
    for (const [body, code] of cases) {
      const { game } = await play({
        'core.wasm': coreRecording(['(call $load_module_core @"/core/m.wasm")']),
        'core/m.wasm': { malloc: false, extra: `(func (export "host_malloc") (param i32) (result i32) ${body})` },
      }, {}, { fuelPerCall: 200_000_000 }); // limits v2: the Core's load_module_core is billed its host time and host_malloc's memory.grow (2000 pages: 131.6M units)
      expect(game.bytesFromString(1, 'a string longer than a few bytes'), body).toBe(code);
    }
  });

  it('a huge valid path (1 MiB) is read, refused (-2) and bounded', async () => {
    const big = await makePackage({ 'core.wasm': { imports: ['record', 'load_module_core'], memory: '(memory (export "memory") 17)', main: '(memory.fill (i32.const 0) (i32.const 0x61) (i32.const 1048576)) (i32.store8 (i32.const 0) (i32.const 0x2f)) (call $record (call $load_module_core (i32.const 0) (i32.const 1048576)))' } });
    const { recordedBy } = await bounded(10_000, () => play(big));
    expect(recordedBy('/core.wasm')).toEqual([PATH_RESOLUTION_ERROR]);
  });

  it('guest() helper: modules without host_malloc build', () => {
    expect(guest({ malloc: false })).not.toContain('host_malloc');
  });
});
