// ANTwasm 0.0.1 conformance: the internal abstract operations, the Basic Global Library, the
// error codes, and the WasGo function table every module of a package gets.
import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../ts/guest/memory';
import {
  ANT_ERROR_CODES, GAME_HASNT_STARTED_YET_ERROR, GAME_IS_RUNNING_ERROR, GENERIC_FAILURE, NO_MORE_MEMORY_ERROR,
  PATH_RESOLUTION_ERROR, RESOLUTION_ERROR, WASM_PORT_MISSING, antErrorName, describeAntResult, isAntErrorCode,
} from '../../ts/ant/spec-codes';
import { hasCorePrefix, isCorePath, isMainPath, stringFromBytes } from '../../ts/ant/spec-ops';
import { coreRecording, play, type Files, type GuestParts } from './runtime-helpers';

const MOD: GuestParts = { imports: ['record'], onLoad: '(call $record (local.get $id))' };
const loadsCore = (...paths: string[]) => coreRecording(paths.map((p) => `(call $load_module_core @"${p}")`));

/** A game whose /core/m.wasm has the given host_malloc body; returns game.bytesFromString(1, text). */
async function mallocGame(malloc: string, text = 'hello', memory = '(memory (export "memory") 1)') {
  const { game } = await play({
    'core.wasm': loadsCore('/core/m.wasm'),
    'core/m.wasm': { malloc: false, memory, extra: malloc },
  });
  return { game, result: game.bytesFromString(1, text) };
}

describe('Error Codes', () => {
  it('are exported as named constants -1..-7 with their canonical names', () => {
    expect(ANT_ERROR_CODES).toEqual({
      GENERIC_FAILURE: -1, PATH_RESOLUTION_ERROR: -2, RESOLUTION_ERROR: -3, GAME_HASNT_STARTED_YET_ERROR: -4,
      GAME_IS_RUNNING_ERROR: -5, NO_MORE_MEMORY_ERROR: -6, WASM_PORT_MISSING: -7,
    });
    expect([GENERIC_FAILURE, PATH_RESOLUTION_ERROR, RESOLUTION_ERROR, GAME_HASNT_STARTED_YET_ERROR, GAME_IS_RUNNING_ERROR, NO_MORE_MEMORY_ERROR, WASM_PORT_MISSING]).toEqual([-1, -2, -3, -4, -5, -6, -7]);
    expect(antErrorName(-5)).toBe('GAME_IS_RUNNING_ERROR');
    expect(isAntErrorCode(-8)).toBe(false);
    expect(describeAntResult(-2)).toBe('-2 PATH_RESOLUTION_ERROR');
    expect(describeAntResult(3)).toBe('3');
  });
});

describe('[[%StringFromBytes%]]', () => {
  const memory = () => {
    const m = new WebAssembly.Memory({ initial: 1 });
    new Uint8Array(m.buffer).set(new TextEncoder().encode('/core/a.wasm'), 100);
    new Uint8Array(m.buffer).set([0x2f, 0xff], 200);
    new Uint8Array(m.buffer).set(new TextEncoder().encode('end'), 65533);
    return new GuestMemory(m);
  };

  it('step 1: takes the bytes from ptr (inclusive) to ptr + len (exclusive)', () => {
    expect(stringFromBytes(memory(), 100, 12)).toBe('/core/a.wasm');
    expect(stringFromBytes(memory(), 100, 5)).toBe('/core');
    expect(stringFromBytes(memory(), 65533, 3)).toBe('end'); // ends exactly at the end of memory
    expect(stringFromBytes(memory(), 7, 0)).toBe('');
  });

  it('step 1: a range outside linear memory → GENERIC_FAILURE (-1), never a trap or a read past the end', () => {
    expect(stringFromBytes(memory(), 65533, 4)).toBe(GENERIC_FAILURE);
    expect(stringFromBytes(memory(), 65536, 0)).toBe('');
    expect(stringFromBytes(memory(), 65537, 0)).toBe(GENERIC_FAILURE);
    expect(stringFromBytes(memory(), -1, 2)).toBe(GENERIC_FAILURE); // ptr read as unsigned: 0xffffffff
    expect(stringFromBytes(memory(), 100, -1)).toBe(GENERIC_FAILURE); // len read as unsigned
    expect(stringFromBytes(memory(), 0x7fffffff, 0x7fffffff)).toBe(GENERIC_FAILURE); // no wraparound
    expect(stringFromBytes(undefined, 0, 1)).toBe(GENERIC_FAILURE); // a module without memory
    expect(stringFromBytes(undefined, 0, 0)).toBe('');
  });

  it('step 3: illegal UTF-8 → GENERIC_FAILURE (-1) (the spec\'s $path is read as $string)', () => {
    const m = new WebAssembly.Memory({ initial: 1 });
    const g = new GuestMemory(m);
    const bad = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]];
    for (const b of bad) {
      new Uint8Array(m.buffer).set(b, 0);
      expect(stringFromBytes(g, 0, b.length), JSON.stringify(b)).toBe(GENERIC_FAILURE);
    }
    expect(stringFromBytes(memory(), 200, 2)).toBe(GENERIC_FAILURE);
  });

  it('step 4: returns the string; multi-byte UTF-8 and a leading BOM are kept as they are', () => {
    const m = new WebAssembly.Memory({ initial: 1 });
    const bytes = new TextEncoder().encode('\uFEFF/mods/é😀.wasm');
    new Uint8Array(m.buffer).set(bytes, 0);
    expect(stringFromBytes(new GuestMemory(m), 0, bytes.length)).toBe('\uFEFF/mods/é😀.wasm');
  });

  it('step 1: reads "the current Wasm Module\'s Linear Memory" whether it is exported, imported, or neither', async () => {
    for (const memory of ['(memory (export "memory") 1)', '(import "env" "memory" (memory 1))', '(memory 1)']) {
      const { recordedBy, events } = await play({ 'core.wasm': { ...loadsCore('/core/a.wasm'), memory }, 'core/a.wasm': {} });
      expect(recordedBy('/core.wasm'), memory).toEqual([1]);
      expect(JSON.stringify(events)).not.toMatch(/not valid UTF-8/);
    }
  });

  it('step 1: a Core\'s wasm start function reads its path (data segments are in place): load_module_core and load_main work there', async () => {
    const { records } = await play({
      'core.wasm': { imports: ['record', 'load_main_i32', 'load_module_core'], main: '', memory: '(memory 1)',
        extra: '(func $s (call $record (call $load_module_core @"/core/a.wasm")) (call $record (call $load_main))) (start $s)' },
      'main.wasm': MOD, 'core/a.wasm': MOD,
    });
    expect(records).toEqual([['/core/a.wasm', 1], ['/core.wasm', 1], ['/main.wasm', 2], ['/core.wasm', 2]]);
  });

  it('step 1: a Main\'s wasm start function reads its path: load_module works there', async () => {
    const { records } = await play({
      'core.wasm': coreRecording(['(call $load_main)']),
      'main.wasm': { imports: ['record', 'load_module'], main: '', memory: '(memory 1)', onLoad: '(call $record (local.get $id))',
        extra: '(func $s (call $record (call $load_module @"/mods/a.wasm"))) (start $s)' },
      'mods/a.wasm': MOD,
    });
    // The Main's own step 7 comes after its instantiation (start function included): the module it loads there is 1, the Main 2.
    expect(records).toEqual([['/mods/a.wasm', 1], ['/main.wasm', 1], ['/main.wasm', 2], ['/core.wasm', 2]]);
  });

  it('the trace names the real reason a path cannot be read: out of memory bounds, or not valid UTF-8', async () => {
    const { recordedBy, events } = await play({ 'core.wasm': loadsCore('\\ff', '/core/a.wasm'), 'core/a.wasm': {} });
    const core = recordedBy('/core.wasm');
    expect(core).toEqual([GENERIC_FAILURE, 1]);
    const { events: outside } = await play({ 'core.wasm': coreRecording(['(call $load_module_core (i32.const 65530) (i32.const 10))']) });
    const reasons = (ev: unknown[]) => JSON.stringify(ev);
    expect(reasons(events)).toMatch(/not valid UTF-8/);
    expect(reasons(outside)).toMatch(/outside the caller's memory \(65530 \+ 10 > 65536 bytes\)/);
    expect(reasons(outside)).not.toMatch(/UTF-8/);
  });

  it('through load_module_core: a BOM-prefixed path is not /core/ and does not resolve (-2); a UTF-8 path resolves', async () => {
    const { recordedBy } = await play({ 'core.wasm': loadsCore('\\ef\\bb\\bf/core/a.wasm', '/core/é.wasm'), 'core/a.wasm': {}, 'core/é.wasm': {} });
    expect(recordedBy('/core.wasm')).toEqual([PATH_RESOLUTION_ERROR, 1]);
  });
});

describe('[[%BytesFromString%]]', () => {
  const bump = '(global $h (mut i32) (i32.const 4096)) (func (export "host_malloc") (param i32) (result i32) (local $p i32) (local.set $p (global.get $h)) (global.set $h (i32.add (global.get $h) (local.get 0))) (local.get $p))';

  it('steps 2, 4, 5, 6: calls host_malloc($length in UTF-8 bytes), writes the bytes there, returns $pointer', async () => {
    const { game, recordedBy } = await play({
      'core.wasm': { ...loadsCore('/core/m.wasm'), extra: '(func (export "tick") (result i32) (i32.const 0))' },
      'core/m.wasm': { malloc: false, imports: ['record'], extra: bump.replace('(local.set $p', '(call $record (local.get 0)) (local.set $p') },
    });
    const p = game.bytesFromString(1, 'héllo');
    expect(p).toBe(4096);
    expect(new TextDecoder().decode(game.module(1)!.instance.memory!.read(p, 6))).toBe('héllo');
    expect(game.bytesFromString(1, '')).toBe(4102);
    expect(game.stringFromBytes(1, p, 6)).toBe('héllo');
    expect(recordedBy('/core/m.wasm')).toEqual([6, 0]); // $length is in UTF-8 bytes
  });

  it('step 3: no exported host_malloc (or not (i32) -> i32, or no memory) → WASM_PORT_MISSING (-7), host_malloc not called', async () => {
    expect((await mallocGame('')).result).toBe(WASM_PORT_MISSING);
    expect((await mallocGame('(func (export "host_malloc") (result i32) (i32.const 8))')).result).toBe(WASM_PORT_MISSING);
    expect((await mallocGame('(func (export "host_malloc") (param i64) (result i64) (i64.const 8))')).result).toBe(WASM_PORT_MISSING);
    expect((await mallocGame('(global (export "host_malloc") i32 (i32.const 8))')).result).toBe(WASM_PORT_MISSING);
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) unreachable)', 'x', '')).result).toBe(WASM_PORT_MISSING);
  });

  it('step 3: -7 only "if host_malloc is not exported": a module exporting host_malloc but not its memory gets it called', async () => {
    const { game, result } = await mallocGame(bump, 'héllo', '(memory 1)');
    expect(result).toBe(4096);
    expect(game.stringFromBytes(1, 4096, 6)).toBe('héllo');
  });

  it('step 3: a module without host_malloc still loads and runs; only BytesFromString into it returns -7', async () => {
    const { game, recordedBy } = await play({ 'core.wasm': loadsCore('/core/m.wasm'), 'core/m.wasm': { malloc: false, imports: ['record'], onLoad: '(call $record (local.get $id))' } });
    expect(recordedBy('/core/m.wasm')).toEqual([1]);
    expect(game.bytesFromString(1, 'x')).toBe(WASM_PORT_MISSING);
  });

  it('step 4: host_malloc returning an error code passes it on; another negative → GENERIC_FAILURE (-1)', async () => {
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const -6))')).result).toBe(NO_MORE_MEMORY_ERROR);
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const -7))')).result).toBe(WASM_PORT_MISSING);
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const -1000))')).result).toBe(GENERIC_FAILURE);
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const 0x80000000))')).result).toBe(GENERIC_FAILURE);
  });

  it('step 4: host_malloc returning 0 (not a positive pointer) → NO_MORE_MEMORY_ERROR (-6)', async () => {
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const 0))')).result).toBe(NO_MORE_MEMORY_ERROR);
  });

  it('step 5 is never out of bounds: a pointer or range past the end of memory → NO_MORE_MEMORY_ERROR (-6), nothing written', async () => {
    const past = await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const 65534))', 'abc');
    expect(past.result).toBe(NO_MORE_MEMORY_ERROR);
    expect([...past.game.module(1)!.instance.memory!.read(65534, 2)]).toEqual([0, 0]);
    expect((await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const 0x7fffffff))')).result).toBe(NO_MORE_MEMORY_ERROR);
    const fits = await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.const 65533))', 'abc');
    expect(fits.result).toBe(65533);
  });

  it('step 4: a host_malloc that grows memory and returns the new region works', async () => {
    const grow = await mallocGame('(func (export "host_malloc") (param i32) (result i32) (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))', 'grown');
    expect(grow.result).toBe(65536);
    expect(grow.game.stringFromBytes(1, 65536, 5)).toBe('grown');
  });

  it('step 4: a host_malloc that traps → GENERIC_FAILURE (-1); that module is failed, the others keep running', async () => {
    const { game, result } = await mallocGame('(func (export "host_malloc") (param i32) (result i32) unreachable)');
    expect(result).toBe(GENERIC_FAILURE);
    expect(game.module(1)!.instance.state).toBe('failed');
    expect(game.core!.instance.state).toBe('ready');
  });
});

describe('[[%LoadModule%]]', () => {
  it('step 1: Game has Started → GAME_IS_RUNNING_ERROR (-5) (checked again inside LoadModule)', async () => {
    const { recordedBy } = await play({ 'core.wasm': coreRecording(['(call $start_game)', '(call $load_main)']), 'main.wasm': MOD });
    expect(recordedBy('/core.wasm')).toEqual([0, GAME_IS_RUNNING_ERROR]);
  });

  it('steps 2-3: resolution through the package — a missing file, "..", "//", a folder, NUL → PATH_RESOLUTION_ERROR (-2)', async () => {
    const { recordedBy } = await play({
      'core.wasm': loadsCore('/core/missing.wasm', '/core/../main.wasm', '/core//a.wasm', '/core/', '/core/sub', '/core/a.wasm\\00', '/core/./a.wasm'),
      'core/a.wasm': MOD, 'main.wasm': MOD, 'core/sub/b.wasm': MOD,
    });
    expect(recordedBy('/core.wasm')).toEqual([-2, -2, -2, -2, -2, -2, -2]);
  });

  it('step 4: $resolved is not a valid Wasm Module → RESOLUTION_ERROR (-3)', async () => {
    const { recordedBy } = await play({
      'core.wasm': loadsCore('/core/text.wasm', '/core/truncated.wasm', '/core/empty.wasm', '/core/notes.txt'),
      'core/text.wasm': 'hello', 'core/truncated.wasm': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5]), 'core/empty.wasm': new Uint8Array(0), 'core/notes.txt': 'x',
    });
    expect(recordedBy('/core.wasm')).toEqual([-3, -3, -3, -3]);
  });

  it('steps 5-6: initializing fails (start function traps, import type mismatch, memory over the cap) → RESOLUTION_ERROR (-3)', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': loadsCore('/core/trap.wasm', '/core/badimport.wasm', '/core/huge.wasm', '/core/ok.wasm'),
      'core/trap.wasm': { extra: '(func $s unreachable) (start $s)' },
      'core/badimport.wasm': { imports: ['(import "wasgo" "print" (func (param i64)))'] },
      'core/huge.wasm': { memory: '(memory (export "memory") 2000)' },
      'core/ok.wasm': MOD,
    }, {}, { memoryMb: 64 });
    expect(recordedBy('/core.wasm')).toEqual([-3, -3, -3, 1]);
    expect(game.modules.map((m) => m.path)).toEqual(['/core.wasm', '/core/ok.wasm']);
  });

  it('step 6 with strictImports: a module importing something not provided fails to initialize → -3', async () => {
    const files: Files = { 'core.wasm': loadsCore('/core/a.wasm'), 'core/a.wasm': { imports: ['(import "game" "nope" (func))'] } };
    expect((await play(files)).recordedBy('/core.wasm')).toEqual([1]);
    expect((await play(files, {}, { strictImports: true })).recordedBy('/core.wasm')).toEqual([RESOLUTION_ERROR]);
  });

  it('step 7: $wasmModulesLoaded counts every module loaded (the Main too, not the Core, not failures); the same path loads again as a new module', async () => {
    const { recordedBy, game } = await play({
      'core.wasm': loadsCore('/core/a.wasm', '/core/missing.wasm', '/core/a.wasm', '/core/b.wasm'),
      'core/a.wasm': MOD, 'core/b.wasm': MOD,
    });
    expect(recordedBy('/core.wasm')).toEqual([1, -2, 2, 3]);
    expect(recordedBy('/core/a.wasm')).toEqual([1, 2]);
    expect(game.modules.map((m) => m.id)).toEqual([0, 1, 2, 3]);
    expect(game.module(1)!.instance).not.toBe(game.module(2)!.instance);
  });

  it('step 7: an id is used up once instantiation succeeded, even if step 8 then fails', async () => {
    const { recordedBy } = await play({
      'core.wasm': loadsCore('/core/bad.wasm', '/core/a.wasm'),
      'core/bad.wasm': { onLoad: 'unreachable' }, 'core/a.wasm': MOD,
    });
    expect(recordedBy('/core.wasm')).toEqual([RESOLUTION_ERROR, 2]);
  });

  it('step 8: calls the exported on_module_load (the Basic Global Library\'s name) with the ModuleId', async () => {
    const { records } = await play({ 'core.wasm': loadsCore('/core/a.wasm'), 'core/a.wasm': MOD });
    expect(records).toEqual([['/core/a.wasm', 1], ['/core.wasm', 1]]);
  });

  it('step 8: a module exporting load_module (step 8\'s name) instead gets that called; on_module_load wins when both exist', async () => {
    const { records } = await play({
      'core.wasm': loadsCore('/core/a.wasm', '/core/b.wasm'),
      'core/a.wasm': { imports: ['record'], extra: '(func (export "load_module") (param i32) (call $record (i32.add (i32.const 10) (local.get 0))))' },
      'core/b.wasm': { ...MOD, extra: '(func (export "load_module") (param i32) (call $record (i32.const 999)))' },
    });
    expect(records).toEqual([['/core/a.wasm', 11], ['/core.wasm', 1], ['/core/b.wasm', 2], ['/core.wasm', 2]]);
  });

  it('step 8: "if present" — no callback, or one that does not take (i32), is not called and the load succeeds', async () => {
    const { recordedBy } = await play({
      'core.wasm': loadsCore('/core/none.wasm', '/core/wrongtype.wasm'),
      'core/none.wasm': {},
      'core/wrongtype.wasm': { imports: ['record'], extra: '(func (export "on_module_load") (param i64) (call $record (i32.const 999)))' },
    });
    expect(recordedBy('/core.wasm')).toEqual([1, 2]);
    expect(recordedBy('/core/wrongtype.wasm')).toEqual([]);
  });

  it('step 8: a callback that traps → RESOLUTION_ERROR (-3); the module is disposed, the caller keeps running', async () => {
    const { recordedBy, game, errors } = await play({ 'core.wasm': loadsCore('/core/bad.wasm'), 'core/bad.wasm': { onLoad: 'unreachable' } });
    expect(recordedBy('/core.wasm')).toEqual([RESOLUTION_ERROR]);
    expect(game.modules.map((m) => m.path)).toEqual(['/core.wasm']);
    expect(errors.map((e) => e.code)).toEqual(['Unreachable']);
    const reason = (await play({ 'core.wasm': loadsCore('/core/bad.wasm'), 'core/bad.wasm': { onLoad: 'unreachable' } })).events.find((e) => e.type === 'import');
    expect(reason).toMatchObject({ fn: 'load_module_core', path: '/core/bad.wasm', result: -3, reason: expect.stringMatching(/Unreachable/) });
  });

  it('step 9: returns $wasmModulesLoaded (the new module\'s ModuleId)', async () => {
    const { recordedBy, game } = await play({ 'core.wasm': loadsCore('/core/a.wasm', '/core/b.wasm'), 'core/a.wasm': {}, 'core/b.wasm': {} });
    expect(recordedBy('/core.wasm')).toEqual([1, 2]);
    expect(game.module(2)?.path).toBe('/core/b.wasm');
  });

  it('maxModules caps instantiations per game (successful or not) → NO_MORE_MEMORY_ERROR (-6)', async () => {
    const { recordedBy } = await play({ 'core.wasm': loadsCore('/core/a.wasm', '/core/bad.wasm', '/core/a.wasm', '/core/missing.wasm'), 'core/a.wasm': {}, 'core/bad.wasm': { onLoad: 'unreachable' } }, { maxModules: 2 });
    expect(recordedBy('/core.wasm')).toEqual([1, -3, NO_MORE_MEMORY_ERROR, -2]);
  });
});

describe('path rules (case-insensitive = ASCII case folding)', () => {
  it('/core/ prefix, /core.wasm and /main.wasm in any ASCII case; nothing else', () => {
    for (const p of ['/core/a', '/CORE/a', '/CoRe/', '/core/']) expect(hasCorePrefix(p), p).toBe(true);
    for (const p of ['/core', 'core/a', '//core/a', '/cores/a', ' /core/a', '/\u212Aore/a']) expect(hasCorePrefix(p), p).toBe(false);
    for (const p of ['/core.wasm', '/CORE.WASM', '/Core.Wasm']) expect(isCorePath(p), p).toBe(true);
    for (const p of ['/core.wasm ', 'core.wasm', '/core.wasm/', '/core/core.wasm']) expect(isCorePath(p), p).toBe(false);
    for (const p of ['/main.wasm', '/MAIN.WASM']) expect(isMainPath(p), p).toBe(true);
    for (const p of ['main.wasm', '/mains.wasm', '/main.wasm\u0000']) expect(isMainPath(p), p).toBe(false);
  });
});

describe('Basic Global Library', () => {
  it('host_malloc: the Core\'s is used to pass main(argc, argv) arguments', async () => {
    const { records } = await play({ 'core.wasm': { imports: ['record'], extra: '(func (export "main") (param i32 i32) (result i32) (call $record (local.get 0)) (call $record (local.get 1)) (i32.const 0))' } }, { args: ['x'] });
    expect(records[0]).toEqual(['/core.wasm', 2]);
    expect(records[1]![1]).toBeGreaterThanOrEqual(32768); // from the guest's bump allocator
  });

  it('every module of a package also gets the WasGo function table at the engine\'s level', async () => {
    const files: Files = {
      'core.wasm': { imports: ['print', 'load_module_core'], main: '(call $print @"core says hi") (drop (call $load_module_core @"/core/a.wasm"))' },
      'core/a.wasm': { imports: ['print', '(import "wasgo" "file_read" (func $fr (param i32 i32 i32 i32) (result i32)))'], onLoad: '(call $print @"a says hi")', extra: '(func (export "read") (result i32) (call $fr (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0)))' },
    };
    const l1 = await play(files);
    expect(l1.printed).toEqual(['core says hi', 'a says hi']);
    expect(l1.game.module(1)!.instance.links.find((l) => l.name === 'file_read')?.status).toBe('refused');
    const l2 = await play(files, { level: 2 });
    expect(l2.game.module(1)!.instance.level).toBe(2);
    expect(l2.game.module(1)!.instance.links.find((l) => l.name === 'file_read')?.status).toBe('linked');
  });
});
