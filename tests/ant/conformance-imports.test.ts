// ANTwasm 0.0.1 conformance: the phases, Cores, Mains and the four ANT imports, step by step.
// Each `it` names the spec step it checks; docs/antwasm.md records each reading of the spec.
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { EntryNotFound, ImportRefused, PackageError } from '../../ts/engine/errors';
import { generateSigningKey } from '../../ts/ant/keys';
import { loadGame } from '../../ts/ant/runtime';
import {
  AntRuntimeError, GAME_HASNT_STARTED_YET_ERROR, GAME_IS_RUNNING_ERROR, GENERIC_FAILURE, PATH_RESOLUTION_ERROR, RESOLUTION_ERROR,
} from '../../ts/ant/spec-codes';
import { freshEngine } from '../helpers/engine';
import { coreRecording, guest, makePackage, play, playFailing, recordImports, type Files, type GuestParts } from './runtime-helpers';

const MOD: GuestParts = { imports: ['record'], onLoad: '(call $record (local.get $id))' };

/** A Core that loads the Main (recording the result); the Main records the given expressions in on_module_load. */
function withMain(mainExprs: string[], files: Files = {}, mainImports: GuestParts['imports'] = ['load_module', 'start_game_i32']): Files {
  return {
    'core.wasm': coreRecording(['(call $load_main)']),
    'main.wasm': { imports: ['record', ...(mainImports ?? [])], onLoad: mainExprs.map((e) => `(call $record ${e})`).join(' ') },
    ...files,
  };
}

describe('Phases', () => {
  it('Loading Phase: an Untrusted package (unsigned, requireSignature on) aborts before any code runs', async () => {
    const bytes = await makePackage({ 'core.wasm': { ...coreRecording(['(i32.const 1)']), extra: '(func $s (call $record (i32.const 9))) (start $s)' } });
    const { engine } = freshEngine({ requireSignature: true });
    const records: [string, number][] = [];
    const err = await loadGame(bytes, { engine, imports: recordImports(records) }).catch((e) => e);
    expect(err).toBeInstanceOf(PackageError);
    expect(err.code).toBe('UnsignedPackage');
    expect(records).toEqual([]);
    expect(engine.instances()).toEqual([]);
  });

  it('Loading Phase: trust comes from the engine settings unless given; a trusted signature loads', async () => {
    const key = await generateSigningKey();
    const other = await generateSigningKey();
    const bytes = await makePackage({ 'core.wasm': coreRecording(['(i32.const 7)']) }, { sign: key });
    const records: [string, number][] = [];
    const { engine } = freshEngine({ requireSignature: true, trustedKeys: [key.publicKey] });
    const game = await loadGame(bytes, { engine, imports: recordImports(records) });
    expect(records).toEqual([['/core.wasm', 7]]);
    expect(game.package.trust.signature).toBe('trusted');
    const refused = await loadGame(bytes, { engine, trustedKeys: [other.publicKey] }).catch((e) => e);
    expect(refused.code).toBe('UntrustedKey');
  });

  it('Loading Phase: a tampered package aborts even with requireSignature off', async () => {
    const bytes = await makePackage({ 'core.wasm': coreRecording(['(i32.const 1)']) });
    const zip = await JSZip.loadAsync(bytes);
    zip.file('core.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const { error, records } = await playFailing(await zip.generateAsync({ type: 'uint8array' }));
    expect(error.code).toBe('HashMismatch');
    expect(records).toEqual([]);
  });

  it('phases go loading → initialization → game (start_game); the Core runs in the Initialization Phase', async () => {
    const { game, events } = await play({ 'core.wasm': coreRecording(['(call $start_game)']) });
    const trace = events.map((e) => (e.type === 'phase' ? `phase:${e.phase}` : e.type === 'loaded' ? `loaded:${e.module.path}` : `import:${e.fn}=${e.result}`));
    expect(trace).toEqual(['phase:loading', 'phase:initialization', 'loaded:/core.wasm', 'phase:game', 'import:start_game=0']);
    expect(game.phase).toBe('game');
    expect(game.started).toBe(true);
  });

  it('a Core that returns without start_game leaves the game in the Initialization Phase; host calls get GAME_HASNT_STARTED_YET_ERROR (-4)', async () => {
    const { game } = await play({ 'core.wasm': { ...coreRecording(['(i32.const 0)']), extra: '(func (export "tick") (result i32) (i32.const 5))' } });
    expect(game.phase).toBe('initialization');
    expect(game.started).toBe(false);
    const err = (() => { try { game.call(0, 'tick'); } catch (e) { return e as AntRuntimeError; } })();
    expect(err).toBeInstanceOf(AntRuntimeError);
    expect(err).toMatchObject({ code: 'GAME_HASNT_STARTED_YET_ERROR', antCode: GAME_HASNT_STARTED_YET_ERROR });
  });

  it('in the Game Phase the host calls module exports through the game (handles stay alive)', async () => {
    const { game } = await play({
      'core.wasm': { ...coreRecording(['(call $load_module_core @"/core/a.wasm")', '(call $start_game)']), extra: '(func (export "tick") (result i32) (i32.const 5))' },
      'core/a.wasm': { extra: '(global $n (mut i32) (i32.const 0)) (func (export "step") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n))' },
    });
    expect(game.call(0, 'tick')).toBe(5);
    expect([game.call(1, 'step'), game.call(1, 'step')]).toEqual([1, 2]);
    expect(() => game.call(9, 'step')).toThrow(/no loaded module with ModuleId 9/);
    game.dispose();
    expect(() => game.call(1, 'step')).toThrow(/disposed/);
  });
});

describe('Cores', () => {
  it('/core.wasm is instantiated and started first: its exported main runs', async () => {
    const { records } = await play({ 'core.wasm': coreRecording(['(i32.const 42)']), 'main.wasm': MOD, 'core/a.wasm': MOD });
    expect(records).toEqual([['/core.wasm', 42]]);
  });

  it('the Core entry may be _start, or main(argc, argv) receiving the arguments (via host_malloc)', async () => {
    const start = await play({ 'core.wasm': { imports: ['record'], extra: '(func (export "_start") (call $record (i32.const 3)))' } });
    expect(start.records).toEqual([['/core.wasm', 3]]);
    const argv = await play({ 'core.wasm': { imports: ['record'], extra: '(func (export "main") (param i32 i32) (result i32) (call $record (local.get 0)) (i32.const 12))' } }, { args: ['a', 'b'] });
    expect(argv.records).toEqual([['/core.wasm', 3]]);
    expect(argv.game.coreResult).toBe(12);
  });

  it('a Core without an entry point is refused before any of its code runs (EntryNotFound)', async () => {
    const { error, records } = await playFailing({ 'core.wasm': { imports: ['record'], extra: '(func $s (call $record (i32.const 1))) (start $s)' } });
    expect(error).toBeInstanceOf(EntryNotFound);
    expect(records).toEqual([]);
  });

  it('the Core MUST live at "/core.wasm" (case-sensitive): Core.wasm is MissingCore', async () => {
    const { error } = await playFailing({ 'Core.wasm': coreRecording(['(i32.const 1)']) });
    expect(error.code).toBe('MissingCore');
    expect(error.message).toMatch(/case-sensitive/);
  });

  it('the Core gets load_module_core, load_main and start_game, importable from "ant" and from the "env" alias', async () => {
    const { records, game } = await play({
      'core.wasm': {
        imports: ['record', '(import "env" "load_module_core" (func $lmc (param i32 i32) (result i32)))',
          '(import "env" "load_main" (func $lm (result i32)))', '(import "env" "start_game" (func $sg (result i32)))'],
        main: '(call $record (call $lmc @"/core/a.wasm")) (call $record (call $lm)) (call $record (call $sg))',
      },
      'core/a.wasm': {}, 'main.wasm': {},
    });
    expect(records).toEqual([['/core.wasm', 1], ['/core.wasm', 2], ['/core.wasm', 0]]);
    expect(game.phase).toBe('game');
  });

  it('the Core does not get load_module (Main only): calling it stops the Core with ImportRefused', async () => {
    const { error } = await playFailing({ 'core.wasm': { imports: ['load_module'], main: '(drop (call $load_module @"/x.wasm"))' }, 'x.wasm': {} });
    expect(error).toBeInstanceOf(ImportRefused);
    expect(error.message).toMatch(/ant\.load_module .*not provided/);
  });

  it('the Core is ModuleId 0, is not counted by $wasmModulesLoaded, and gets no on_module_load call', async () => {
    const { game, records } = await play({ 'core.wasm': { ...coreRecording(['(call $load_module_core @"/core/a.wasm")']), onLoad: '(call $record (i32.const 99))' }, 'core/a.wasm': MOD });
    expect(records).toEqual([['/core/a.wasm', 1], ['/core.wasm', 1]]);
    expect(game.core?.id).toBe(0);
  });
});

describe('load_module_core', () => {
  it('step 1: after start_game → GAME_IS_RUNNING_ERROR (-5), before reading the path', async () => {
    const { records } = await play({ 'core.wasm': coreRecording(['(call $start_game)', '(call $load_module_core @"/core/a.wasm")', '(call $load_module_core @"\\ff")']), 'core/a.wasm': MOD });
    expect(records).toEqual([['/core.wasm', 0], ['/core.wasm', GAME_IS_RUNNING_ERROR], ['/core.wasm', GAME_IS_RUNNING_ERROR]]);
  });

  it('step 2: [[%StringFromBytes%]] failing (invalid UTF-8, out of bounds) → GENERIC_FAILURE (-1)', async () => {
    const { recordedBy } = await play({
      'core.wasm': coreRecording(['(call $load_module_core @"/core/\\ff.wasm")', '(call $load_module_core (i32.const 65530) (i32.const 100))', '(call $load_module_core (i32.const 0) (i32.const -1))']),
    });
    expect(recordedBy('/core.wasm')).toEqual([GENERIC_FAILURE, GENERIC_FAILURE, GENERIC_FAILURE]);
  });

  it('step 3: /core.wasm (case-insensitive) → PATH_RESOLUTION_ERROR (-2)', async () => {
    const { recordedBy } = await play({ 'core.wasm': coreRecording(['(call $load_module_core @"/core.wasm")', '(call $load_module_core @"/CORE.Wasm")']) });
    expect(recordedBy('/core.wasm')).toEqual([PATH_RESOLUTION_ERROR, PATH_RESOLUTION_ERROR]);
  });

  it('step 4: a path not starting with /core/ (case-insensitive) → PATH_RESOLUTION_ERROR (-2)', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': coreRecording(['(call $load_module_core @"/main.wasm")', '(call $load_module_core @"/mods/x.wasm")', '(call $load_module_core @"core/a.wasm")', '(call $load_module_core @"/core")', '(call $load_module_core @"/CoRe/b.wasm")']),
      'main.wasm': MOD, 'mods/x.wasm': MOD, 'core/a.wasm': MOD, 'CoRe/b.wasm': MOD,
    });
    // /CoRe/b.wasm passes the case-insensitive rule and resolves (case-sensitively) to its entry.
    expect(recordedBy('/core.wasm')).toEqual([-2, -2, -2, -2, 1]);
    expect(game.module(1)?.path).toBe('/CoRe/b.wasm');
  });

  it('step 5: returns the result of [[%LoadModule%]] (a ModuleId, or its error code)', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': coreRecording(['(call $load_module_core @"/core/a.wasm")', '(call $load_module_core @"/core/missing.wasm")', '(call $load_module_core @"/core/readme.txt")']),
      'core/a.wasm': MOD, 'core/readme.txt': 'not wasm',
    });
    expect(recordedBy('/core.wasm')).toEqual([1, PATH_RESOLUTION_ERROR, RESOLUTION_ERROR]);
    expect(game.module(1)?.role).toBe('core-module');
  });

  it('a path resolution is case-sensitive: /CORE/a.wasm does not name core/a.wasm', async () => {
    const { recordedBy } = await play({ 'core.wasm': coreRecording(['(call $load_module_core @"/CORE/a.wasm")']), 'core/a.wasm': MOD });
    expect(recordedBy('/core.wasm')).toEqual([PATH_RESOLUTION_ERROR]);
  });
});

describe('load_main', () => {
  it('step 1: after start_game → GAME_IS_RUNNING_ERROR (-5)', async () => {
    const { recordedBy, game } = await play({ 'core.wasm': coreRecording(['(call $start_game)', '(call $load_main)']), 'main.wasm': MOD });
    expect(recordedBy('/core.wasm')).toEqual([0, GAME_IS_RUNNING_ERROR]);
    expect(game.main).toBeUndefined();
  });

  it('step 2: returns [[%LoadModule%]] of "/main.wasm" — the ModuleId when imported as () -> i32', async () => {
    const { records, game } = await play({ 'core.wasm': coreRecording(['(call $load_module_core @"/core/a.wasm")', '(call $load_main)']), 'core/a.wasm': {}, 'main.wasm': MOD });
    expect(records).toEqual([['/core.wasm', 1], ['/main.wasm', 2], ['/core.wasm', 2]]);
    expect(game.main).toMatchObject({ id: 2, path: '/main.wasm', role: 'main', loadedBy: 0 });
  });

  it('step 2: imported as the spec\'s () -> void it loads the Main the same way (the result is dropped)', async () => {
    const { records, game } = await play({ 'core.wasm': { imports: ['record', 'load_main'], main: '(call $load_main) (call $record (i32.const 5))' }, 'main.wasm': MOD });
    expect(records).toEqual([['/main.wasm', 1], ['/core.wasm', 5]]);
    expect(game.main?.id).toBe(1);
  });

  it('no /main.wasm → PATH_RESOLUTION_ERROR (-2); Main.wasm does not count (case-sensitive); not wasm → RESOLUTION_ERROR (-3)', async () => {
    expect((await play({ 'core.wasm': coreRecording(['(call $load_main)']) })).recordedBy('/core.wasm')).toEqual([-2]);
    expect((await play({ 'core.wasm': coreRecording(['(call $load_main)']), 'Main.wasm': MOD })).recordedBy('/core.wasm')).toEqual([-2]);
    expect((await play({ 'core.wasm': coreRecording(['(call $load_main)']), 'main.wasm': 'hello' })).recordedBy('/core.wasm')).toEqual([-3]);
  });

  it('load_main succeeds once: a second call → GENERIC_FAILURE (-1), and there is one Main', async () => {
    const { recordedBy, game } = await play({ 'core.wasm': coreRecording(['(call $load_main)', '(call $load_main)']), 'main.wasm': MOD });
    expect(recordedBy('/core.wasm')).toEqual([1, GENERIC_FAILURE]);
    expect(recordedBy('/main.wasm')).toEqual([1]);
    expect(game.modules.filter((m) => m.role === 'main')).toHaveLength(1);
  });

  it('a Main that fails while loading → RESOLUTION_ERROR (-3), is disposed, and load_main may try again', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': coreRecording(['(call $load_main)', '(call $load_main)']),
      'main.wasm': { imports: ['record'], onLoad: '(call $record (local.get $id)) unreachable' },
    });
    expect(recordedBy('/main.wasm')).toEqual([1, 2]);
    expect(recordedBy('/core.wasm')).toEqual([RESOLUTION_ERROR, RESOLUTION_ERROR]);
    expect(game.main).toBeUndefined();
  });

  it('the Main is run: on_module_load(ModuleId) first, then its exported entry (main/_start) if any, inside load_main', async () => {
    const { records } = await play({
      'core.wasm': coreRecording(['(call $load_main)', '(i32.const 77)']),
      'main.wasm': { imports: ['record'], onLoad: '(call $record (local.get $id))', main: '(call $record (i32.const 100))' },
    });
    expect(records).toEqual([['/main.wasm', 1], ['/main.wasm', 100], ['/core.wasm', 1], ['/core.wasm', 77]]);
  });

  it('the Main is given the Basic Global Library and Main imports (load_module, start_game), not the Core\'s', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': coreRecording(['(call $load_main)']),
      'main.wasm': { imports: ['record', 'load_module', 'start_game_i32', 'load_main_i32'], onLoad: '(call $record (call $load_module @"/mods/x.wasm")) (call $record (call $start_game)) (call $record (call $load_main))' },
      'mods/x.wasm': {},
    });
    // load_main is not provided to a Main: calling it stops the Main, so load_main returns -3.
    // What the Main did before that stands: /mods/x.wasm (ModuleId 2) stays loaded, the game is started.
    expect(recordedBy('/main.wasm')).toEqual([2, 0]);
    expect(recordedBy('/core.wasm')).toEqual([RESOLUTION_ERROR]);
    expect(game.phase).toBe('game');
    expect(game.modules.map((m) => m.path)).toEqual(['/core.wasm', '/mods/x.wasm']);
  });
});

describe('load_module', () => {
  it('step 1: after start_game → GAME_IS_RUNNING_ERROR (-5), before reading the path', async () => {
    const { recordedBy } = await play(withMain(['(call $start_game)', '(call $load_module @"/mods/x.wasm")', '(call $load_module @"\\ff")'], { 'mods/x.wasm': MOD }));
    expect(recordedBy('/main.wasm')).toEqual([0, GAME_IS_RUNNING_ERROR, GAME_IS_RUNNING_ERROR]);
  });

  it('step 1: also when a host calls the Main in the Game Phase and it calls load_module', async () => {
    const files = withMain(['(call $start_game)'], { 'mods/x.wasm': MOD });
    (files['main.wasm'] as GuestParts).extra = '(func (export "later") (result i32) (call $load_module @"/mods/x.wasm"))';
    const { game } = await play(files);
    expect(game.call(1, 'later')).toBe(GAME_IS_RUNNING_ERROR);
  });

  it('step 2: [[%StringFromBytes%]] failing → GENERIC_FAILURE (-1)', async () => {
    const { recordedBy } = await play(withMain(['(call $load_module @"/mods/\\c0\\af.wasm")', '(call $load_module (i32.const -8) (i32.const 16))']));
    expect(recordedBy('/main.wasm')).toEqual([GENERIC_FAILURE, GENERIC_FAILURE]);
  });

  it('step 3: a path starting with /core/ (case-insensitive) → PATH_RESOLUTION_ERROR (-2)', async () => {
    const { recordedBy } = await play(withMain(['(call $load_module @"/core/a.wasm")', '(call $load_module @"/CORE/a.wasm")', '(call $load_module @"/Core/")'], { 'core/a.wasm': MOD, 'CORE/b.wasm': MOD }));
    expect(recordedBy('/main.wasm')).toEqual([-2, -2, -2]);
  });

  it('step 4: /core.wasm (case-insensitive) → PATH_RESOLUTION_ERROR (-2)', async () => {
    const { recordedBy } = await play(withMain(['(call $load_module @"/core.wasm")', '(call $load_module @"/cOrE.WASM")']));
    expect(recordedBy('/main.wasm')).toEqual([-2, -2]);
  });

  it('step 5: /main.wasm (case-insensitive) → PATH_RESOLUTION_ERROR (-2)', async () => {
    const { recordedBy } = await play(withMain(['(call $load_module @"/main.wasm")', '(call $load_module @"/MAIN.wasm")']));
    expect(recordedBy('/main.wasm')).toEqual([-2, -2]);
  });

  it('step 6: returns [[%LoadModule%]] with the Basic Global Library as imports', async () => {
    const { records, game } = await play(withMain(['(call $load_module @"/mods/x.wasm")'], { 'mods/x.wasm': MOD }));
    expect(records).toEqual([['/mods/x.wasm', 2], ['/main.wasm', 2], ['/core.wasm', 1]]);
    expect(game.module(2)).toMatchObject({ path: '/mods/x.wasm', role: 'module', loadedBy: 1 });
  });

  it('step 6: a module loaded by load_module gets no ANT imports (only the Basic Global Library and WasGo\'s table)', async () => {
    const { recordedBy } = await play(withMain(['(call $load_module @"/mods/x.wasm")', '(call $load_module @"/mods/y.wasm")'], {
      'mods/x.wasm': { imports: ['load_module'], onLoad: '(drop (call $load_module @"/mods/y.wasm"))' },
      'mods/y.wasm': { imports: ['print'], onLoad: '(call $print @"hi")' },
    }));
    // x's on_module_load traps on the unprovided import (→ -3); y prints through wasgo.print.
    expect(recordedBy('/main.wasm')).toEqual([RESOLUTION_ERROR, 3]);
  });
});

describe('start_game', () => {
  it('step 1: Start the Game — the phase becomes "game"; as () -> i32 it returns 0', async () => {
    const { recordedBy, game } = await play({ 'core.wasm': coreRecording(['(call $start_game)']) });
    expect(recordedBy('/core.wasm')).toEqual([0]);
    expect(game.phase).toBe('game');
  });

  it('a second start_game: () -> i32 gets GAME_IS_RUNNING_ERROR (-5); () -> void is a no-op', async () => {
    const i32 = await play({ 'core.wasm': coreRecording(['(call $start_game)', '(call $start_game)']) });
    expect(i32.recordedBy('/core.wasm')).toEqual([0, GAME_IS_RUNNING_ERROR]);
    const v = await play({ 'core.wasm': { imports: ['record', 'start_game'], main: '(call $start_game) (call $start_game) (call $record (i32.const 1))' } });
    expect(v.records).toEqual([['/core.wasm', 1]]);
    expect(v.game.phase).toBe('game');
    expect(v.events.filter((e) => e.type === 'import' && e.fn === 'start_game').map((e) => (e as { result: number }).result)).toEqual([0, GAME_IS_RUNNING_ERROR]);
  });

  it('the Main may start the game; the Core\'s later start_game then gets -5 and its loads -5', async () => {
    const { records } = await play({
      'core.wasm': coreRecording(['(call $load_main)', '(call $start_game)', '(call $load_module_core @"/core/a.wasm")']),
      'main.wasm': { imports: ['record', 'start_game_i32'], onLoad: '(call $record (call $start_game))' },
      'core/a.wasm': MOD,
    });
    expect(records).toEqual([['/main.wasm', 0], ['/core.wasm', 1], ['/core.wasm', -5], ['/core.wasm', -5]]);
  });

  it('modules loaded by load_module_core / load_module do not get start_game', async () => {
    const { recordedBy, game } = await play({ 'core.wasm': coreRecording(['(call $load_module_core @"/core/a.wasm")']), 'core/a.wasm': { imports: ['start_game'], onLoad: '(call $start_game)' } });
    expect(recordedBy('/core.wasm')).toEqual([RESOLUTION_ERROR]);
    expect(game.phase).toBe('initialization');
  });
});

describe('ANT imports are per game', () => {
  it('two games run side by side with their own counters and phases', async () => {
    const { engine } = freshEngine({ requireSignature: false });
    const files: Files = { 'core.wasm': coreRecording(['(call $load_module_core @"/core/a.wasm")']), 'core/a.wasm': MOD };
    const r1: [string, number][] = [];
    const r2: [string, number][] = [];
    const bytes = await makePackage(files);
    const g1 = await loadGame(bytes, { engine, imports: recordImports(r1) });
    const g2 = await loadGame(bytes, { engine, imports: recordImports(r2) });
    expect(r1).toEqual(r2);
    expect(g1.modules.map((m) => m.instance.id)).not.toEqual(g2.modules.map((m) => m.instance.id));
    g1.dispose();
    expect(g2.modules.every((m) => m.instance.state === 'ready')).toBe(true);
  });

  it('guest() helper sanity: WAT strings are placed with their byte length', () => {
    expect(guest({ main: '(drop (i32.add @"é"))' })).toContain('(i32.const 1024) (i32.const 2)');
  });
});
