import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompileError, EngineShutDown, EntryNotFound, InstanceFailed, LoadError, Unreachable, WasGoEngine, WasGoError,
  MemoryOutOfBounds, IntegerDivideByZero, StackOverflow, IndirectCallToNull, TableOutOfBounds, IntegerOverflow, BadConversionToInteger,
} from '../../ts/index';
import { wat } from '../helpers/wat';
import { freshEngine } from '../helpers/engine';

const HELLO = `(module
  (import "wasgo" "print" (func $print (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (func (export "main") (result i32) (call $print (i32.const 16) (i32.const 15)) (i32.const 7)))`;

describe('lifecycle steps', () => {
  it('is one engine per realm', () => {
    expect(WasGoEngine.get()).toBe(WasGoEngine.get());
  });

  it('loads bytes, compiles, links, instantiates, finds main and runs it', async () => {
    const { engine, printed } = freshEngine();
    const binary = await engine.load(await wat(HELLO), 'hello.wasm');
    expect(binary.name).toBe('hello.wasm');
    const compiled = await engine.compile(binary);
    expect(compiled.info.imports.map((i) => `${i.module}.${i.name}`)).toEqual(['wasgo.print']);
    const instance = await engine.instantiate(compiled);
    expect(instance.findMain()).toEqual({ name: 'main', form: 'no-args' });
    expect(instance.runMain()).toBe(7);
    expect(printed).toEqual(['hello from wasm']);
    expect(instance.state).toBe('ready');
  });

  it('loads a file path in Node and names the module after the file', async () => {
    const { engine } = freshEngine();
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-'));
    const path = join(dir, 'mod.wasm');
    writeFileSync(path, await wat(HELLO));
    const instance = await engine.loadMod(path);
    expect(instance.name).toBe('mod.wasm');
    expect(instance.runMain()).toBe(7);
  });

  it('reports a missing file as LoadError', async () => {
    const { engine } = freshEngine();
    await expect(engine.load('/definitely/not/here.wasm')).rejects.toBeInstanceOf(LoadError);
  });

  it('refuses garbage bytes with CompileError naming the module and offset', async () => {
    const { engine } = freshEngine();
    const err = await engine.compile({ name: 'junk.wasm', bytes: new TextEncoder().encode('this is not wasm at all') }).catch((e) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err.place.module).toBe('junk.wasm');
    expect(err.place.offset).toBe(0);
    expect(err.describe()).toMatch(/^CompileError: .*magic.*\(module junk\.wasm, offset 0x0\)/);
  });

  it('refuses every truncation of a module with CompileError and an offset (except cuts at section boundaries)', async () => {
    const { engine } = freshEngine();
    const bytes = await wat(HELLO);
    let refused = 0;
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = await engine.compile({ name: 't.wasm', bytes: bytes.slice(0, cut) }).then(() => null, (e) => e);
      if (r === null) continue; // a prefix ending exactly at a section boundary is itself a valid module
      expect(r, `cut at ${cut}`).toBeInstanceOf(CompileError);
      expect(typeof r.place.offset, `cut at ${cut}`).toBe('number');
      refused++;
    }
    expect(refused).toBeGreaterThan(bytes.length - 8);
  });

  it('refuses a module whose code does not validate, with the engine reason', async () => {
    const { engine } = freshEngine();
    // valid sections, but the function body returns nothing where i32 is declared
    const bytes = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 10, 4, 1, 2, 0, 11]);
    const err = await engine.compile({ name: 'bad.wasm', bytes }).catch((e) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err.message).toMatch(/invalid module/);
    expect(err.place.offset).toBeGreaterThan(8);
  });

  it('names a missing main and lists the exports', async () => {
    const { engine } = freshEngine();
    const i = await engine.loadMod(await wat('(module (func (export "update")))'), { name: 'nomain.wasm' });
    const err = (() => { try { i.findMain(); } catch (e) { return e as WasGoError; } })();
    expect(err).toBeInstanceOf(EntryNotFound);
    expect(err!.message).toMatch(/no entry point.*exports: update/);
    expect(() => i.findMain('nope')).toThrow(/no exported function "nope"/);
  });

  it('accepts _start, a caller-given entry, and void results as 0', async () => {
    const { engine } = freshEngine();
    const i = await engine.loadMod(await wat('(module (func (export "_start")) (func (export "go") (result i32) i32.const 3))'));
    expect(i.findMain().name).toBe('_start');
    expect(i.runMain()).toBe(0);
    expect(i.runMain([], { entry: 'go' })).toBe(3);
  });

  it('passes argc/argv through the guest allocator', async () => {
    const { engine } = freshEngine();
    const i = await engine.loadMod(await wat(`(module
      (memory (export "memory") 1)
      (global $heap (mut i32) (i32.const 1024))
      (func (export "host_malloc") (param $n i32) (result i32) (local $p i32)
        (local.set $p (global.get $heap)) (global.set $heap (i32.add (global.get $heap) (local.get $n))) (local.get $p))
      ;; returns argc * 100 + the first byte of argv[1]
      (func (export "main") (param $argc i32) (param $argv i32) (result i32)
        (i32.add (i32.mul (local.get $argc) (i32.const 100)) (i32.load8_u (i32.load offset=4 (local.get $argv))))))`), { name: 'args.wasm' });
    expect(i.runMain(['A', 'bc'])).toBe(300 + 65);
  });

  it('classifies every trap and fails the instance, leaving the engine working', async () => {
    const { engine, errors } = freshEngine();
    const mod = await wat(`(module
      (type $t (func (result i32)))
      (table 2 funcref)
      (memory 1)
      (func $u (export "unreachable") unreachable)
      (func (export "oob") (result i32) i32.const 70000 i32.load)
      (func (export "table") (result i32) i32.const 5 call_indirect (type $t))
      (func (export "null") (result i32) i32.const 0 call_indirect (type $t))
      (func (export "div") (result i32) i32.const 1 i32.const 0 i32.div_s)
      (func (export "ovf") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
      (func (export "conv") (result i32) f32.const nan i32.trunc_f32_s)
      (func $rec (export "rec") (result i32) call $rec))`);
    const cases: [string, new (...a: never[]) => WasGoError][] = [
      ['unreachable', Unreachable], ['oob', MemoryOutOfBounds], ['table', TableOutOfBounds], ['null', IndirectCallToNull],
      ['div', IntegerDivideByZero], ['ovf', IntegerOverflow], ['conv', BadConversionToInteger], ['rec', StackOverflow],
    ];
    for (const [name, cls] of cases) {
      const i = await engine.loadMod(mod, { name: 'traps.wasm' });
      const err = (() => { try { i.call(name); } catch (e) { return e as WasGoError; } })();
      expect(err, name).toBeInstanceOf(cls);
      expect(err!.place).toMatchObject({ module: 'traps.wasm', export: name, instance: i.id });
      expect(err!.place.guestStack?.[0], name).toMatch(name === "rec" ? /^rec@0x/ : name === "unreachable" ? /^u@0x/ : /@0x[0-9a-f]+$/);
      expect(i.state).toBe('failed');
      expect(() => i.call(name)).toThrow(InstanceFailed);
    }
    expect(errors.map((e) => e.code)).toEqual(cases.map(([, c]) => c.name));
    // the same engine still serves a fresh instance normally
    const ok = await engine.loadMod(await wat(HELLO));
    expect(ok.runMain()).toBe(7);
  });

  it('shutdown disposes instances and refuses work until init', async () => {
    const { engine } = freshEngine();
    const i = await engine.loadMod(await wat(HELLO));
    engine.shutdown();
    expect(i.state).toBe('disposed');
    expect(engine.instances()).toEqual([]);
    expect(() => i.call('main')).toThrow(InstanceFailed);
    await expect(engine.load(await wat(HELLO))).rejects.toBeInstanceOf(EngineShutDown);
    engine.init();
    expect((await engine.loadMod(await wat(HELLO))).runMain()).toBe(7);
  });

  it('disposing an instance removes it from the engine', async () => {
    const { engine } = freshEngine();
    const a = await engine.loadMod(await wat(HELLO));
    const b = await engine.loadMod(await wat(HELLO));
    expect(engine.instances().map((i) => i.id)).toEqual([a.id, b.id]);
    a.dispose();
    expect(engine.instances().map((i) => i.id)).toEqual([b.id]);
  });
});
