import { describe, expect, it } from 'vitest';
import { ImportRefused, InstantiateError, LinkError, MemoryLimit, WasGoError, HostError } from '../../ts/index';
import { wat } from '../helpers/wat';
import { freshEngine } from '../helpers/engine';

const USES_FILE_WRITE = (call: boolean) => `(module
  (import "wasgo" "file_write" (func $fw (param i32 i32 i32 i32) (result i32)))
  (import "wasgo" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "ok")
  (func (export "main") (result i32)
    (call $print (i32.const 0) (i32.const 2))
    ${call ? '(drop (call $fw (i32.const 0) (i32.const 2) (i32.const 0) (i32.const 2)))' : ''}
    (i32.const 0)))`;

function thrown(fn: () => unknown): WasGoError {
  try { fn(); } catch (e) { return e as WasGoError; }
  throw new Error('expected a throw');
}

describe('connect external functions', () => {
  it('a module that only imports an unexposed function runs', async () => {
    const { engine, printed } = freshEngine({ level: 1 });
    const i = await engine.loadMod(await wat(USES_FILE_WRITE(false)), { name: 'importer.wasm' });
    expect(i.links.find((l) => l.name === 'file_write')).toMatchObject({ status: 'refused', levelNeeded: 2 });
    expect(i.runMain()).toBe(0);
    expect(printed).toEqual(['ok']);
  });

  it('calling an unexposed function stops the call with ImportRefused naming it, its signature and the level needed', async () => {
    const { engine, errors } = freshEngine({ level: 1 });
    const i = await engine.loadMod(await wat(USES_FILE_WRITE(true)), { name: 'caller.wasm' });
    const err = thrown(() => i.runMain());
    expect(err).toBeInstanceOf(ImportRefused);
    expect(err.message).toBe('import wasgo.file_write (i32 i32 i32 i32) -> i32 is not exposed at safety level 1; it needs level 2');
    expect(err.place).toMatchObject({ module: 'caller.wasm', instance: i.id, export: 'main' });
    expect((err as ImportRefused).levelNeeded).toBe(2);
    expect(errors).toEqual([{ instance: i.id, code: 'ImportRefused', message: err.message }]);
    expect(i.state).toBe('failed');
  });

  it('the same module works at the level that exposes the function', async () => {
    const { engine } = freshEngine({ level: 2 }); // default confirmation denies: file_write returns -1, no error
    const i = await engine.loadMod(await wat(USES_FILE_WRITE(true)));
    expect(i.runMain()).toBe(0);
  });

  it('an import nobody provides is linked to a stub that says so', async () => {
    const { engine } = freshEngine({ level: 3 });
    const i = await engine.loadMod(await wat('(module (import "game" "teleport" (func $t (param f32 f32))) (func (export "main") (call $t (f32.const 1) (f32.const 2))))'));
    expect(i.links[0]).toMatchObject({ status: 'not provided', levelNeeded: null, signature: '(f32 f32) -> ()' });
    const err = thrown(() => i.runMain());
    expect(err).toBeInstanceOf(ImportRefused);
    expect(err.message).toBe('import game.teleport (f32 f32) -> () is not provided by WasGo or the game');
  });

  it('strictImports refuses instantiation instead, listing what is missing', async () => {
    const { engine } = freshEngine({ level: 1, strictImports: true });
    const err = await engine.loadMod(await wat(USES_FILE_WRITE(false))).catch((e) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect(err.message).toMatch(/wasgo\.file_write \(needs level 2\)/);
  });

  it('a guest that catches the refusal with exception handling still fails', async () => {
    const { engine } = freshEngine({ level: 1 });
    const i = await engine.loadMod(await wat(`(module
      (import "wasgo" "fs_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "main") (result i32)
        (try (result i32)
          (do (call $w (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))
          (catch_all (i32.const 42)))))`));
    const err = thrown(() => i.runMain());
    expect(err).toBeInstanceOf(ImportRefused);
    expect((err as ImportRefused).levelNeeded).toBe(3);
  });

  it('a declared signature that differs from the host function is a LinkError naming both', async () => {
    const { engine } = freshEngine();
    const err = await engine.loadMod(await wat('(module (import "wasgo" "print" (func (param i32))))'), { name: 'sig.wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect(err.message).toBe("import wasgo.print is declared as (i32) -> () but WasGo's wasgo.print (string) -> void is (i32 i32) -> ()");
  });

  it('env is an alias of wasgo (AssemblyScript abort, naive C)', async () => {
    const { engine, printed } = freshEngine();
    const i = await engine.loadMod(await wat(`(module (import "env" "print" (func $p (param i32 i32))) (memory (export "memory") 1)
      (data (i32.const 0) "via env") (func (export "main") (call $p (i32.const 0) (i32.const 7))))`));
    i.runMain();
    expect(printed).toEqual(['via env']);
  });

  it('memory imports get a host memory capped at memoryMb; oversized ones are refused', async () => {
    const { engine } = freshEngine({ memoryMb: 2 });
    const i = await engine.loadMod(await wat(`(module (import "env" "memory" (memory 1))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`));
    expect(i.links[0]).toMatchObject({ kind: 'memory', status: 'host memory' });
    expect(i.call('grow', [1])).toBe(1); // 2 MiB = 32 pages
    const j = await engine.loadMod(await wat('(module (import "env" "memory" (memory 1)) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))'));
    expect(j.call('grow', [31])).toBe(1);
    expect(j.call('grow', [1])).toBe(-1);
    await expect(engine.loadMod(await wat('(module (import "env" "memory" (memory 33)))'))).rejects.toBeInstanceOf(MemoryLimit);
  });

  it('global and tag imports are refused with a clear LinkError', async () => {
    const { engine } = freshEngine();
    const err = await engine.loadMod(await wat('(module (import "env" "g" (global i32)))')).catch((e) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect(err.message).toMatch(/import env\.g is a global; WasGo provides only functions/);
  });

  it('reserved __wasgo names are refused', async () => {
    const { engine } = freshEngine();
    await expect(engine.loadMod(await wat('(module (global (export "__wasgo_fuel") (mut i64) (i64.const 0)))'))).rejects.toThrow(/reserved/);
    await expect(engine.loadMod(await wat('(module (import "wasgo" "__wasgo_x" (func)))'))).rejects.toThrow(/reserved/);
  });

  it('a trap in the start function is an InstantiateError carrying the trap', async () => {
    const { engine } = freshEngine();
    const err = await engine.loadMod(await wat('(module (func $s unreachable) (start $s))'), { name: 'start.wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(InstantiateError);
    expect(err.message).toMatch(/Unreachable/);
  });

  it('an asynchronous host function called inline fails clearly', async () => {
    const { engine } = freshEngine({ level: 2, networkAllowlist: ['http://127.0.0.1:1/'] });
    const i = await engine.loadMod(await wat(`(module
      (import "wasgo" "http_request" (func $h (param i32 i32 i32 i32 i32 i32 i32 i32) (result i64)))
      (memory (export "memory") 1) (data (i32.const 0) "GEThttp://127.0.0.1:1/")
      (func (export "main") (drop (call $h (i32.const 0) (i32.const 3) (i32.const 3) (i32.const 19) (i32.const 0) (i32.const 0) (i32.const 100) (i32.const 10)))))`));
    const err = thrown(() => i.runMain());
    expect(err).toBeInstanceOf(HostError);
    expect(err.message).toMatch(/wasgo\.http_request is asynchronous.*worker mode/);
  });

  it('game-registered functions are linked per level, with marshalled strings and out buffers', async () => {
    const { engine } = freshEngine({ level: 1 });
    const seen: string[] = [];
    engine.register({ module: 'game', name: 'greet', params: ['string', 'out'], result: 'i32', level: 1, kind: 'core',
      implementation: (_ctx, who: string, out: { write(d: Uint8Array): number }) => { seen.push(who); return out.write(new TextEncoder().encode(`hi ${who}!`)); } });
    const i = await engine.loadMod(await wat(`(module (import "game" "greet" (func $g (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (data (i32.const 0) "bob")
      (func (export "main") (result i32) (call $g (i32.const 0) (i32.const 3) (i32.const 100) (i32.const 4)))
      (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))`));
    expect(i.runMain()).toBe(4); // "hi bob!" truncated to the 4-byte buffer
    expect(seen).toEqual(['bob']);
    expect(new TextDecoder().decode(i.memory!.read(100, 5))).toBe('hi b\0');
  });

  it('an out buffer or string outside guest memory is refused before the host function runs', async () => {
    const { engine } = freshEngine();
    let ran = false;
    engine.register({ module: 'game', name: 'fill', params: ['out'], result: 'i32', level: 1, kind: 'core', implementation: () => { ran = true; return 0; } });
    const i = await engine.loadMod(await wat(`(module (import "game" "fill" (func $f (param i32 i32) (result i32)))
      (memory (export "memory") 1) (func (export "main") (result i32) (call $f (i32.const 65530) (i32.const 7))))`));
    const err = thrown(() => i.runMain());
    expect(err.code).toBe('GuestMemoryError');
    expect(err.message).toBe('game.fill output buffer at 0xfffa with length 7 is outside guest memory (65536 bytes)');
    expect(ran).toBe(false);
  });
});
