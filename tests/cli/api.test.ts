// `wasgo run --api file.json`: a mod runs against the game's declarative API (its JSON twin)
// from the command line; the functions are stubs that log their calls.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { wat } from '../helpers/wat';

const wasgo = (...args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'bin/wasgo.mjs'), ...args], { encoding: 'utf8', timeout: 30_000 });

const API = {
  functions: [
    { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 1, target: { node: '/root/Game', method: 'spawn' } },
    { module: 'game', name: 'gold', params: ['i64'], result: '', level: 2, target: { node: '/root/Game', method: 'gold' } },
  ],
  additions: [{ level: 1, methods: ['AnimatedSprite2D.play'] }],
};

async function setup(api: unknown): Promise<{ dir: string; mod: string; apiFile: string }> {
  const dir = tempDir();
  const mod = join(dir, 'mod.wasm');
  writeFileSync(mod, await wat(`(module
    (import "game" "spawn" (func $spawn (param i32 i32 f32 f32) (result i32)))
    (import "game" "gold" (func $gold (param i64)))
    (memory (export "memory") 1)
    (data (i32.const 0) "orc")
    (func (export "main") (result i32)
      (drop (call $spawn (i32.const 0) (i32.const 3) (f32.const 1.5) (f32.const -2)))
      (i32.const 7))
    (func (export "rich") (result i32) (call $gold (i64.const 5000000000)) (i32.const 0)))`));
  const apiFile = join(dir, 'mod_api.json');
  writeFileSync(apiFile, JSON.stringify(api));
  return { dir, mod, apiFile };
}

describe('wasgo run --api', () => {
  it('links the game\'s functions as stubs that log their calls', async () => {
    const { mod, apiFile } = await setup(API);
    const r = wasgo('run', mod, '--api', apiFile);
    expect(r.stderr).toContain('[api] mod.wasm: game.spawn("orc", 1.5, -2) -> 0');
    expect(r.status).toBe(7);
  });

  it('levels hold: a level-2 function is refused at level 1, naming the level; allowed at level 2', async () => {
    const { mod, apiFile } = await setup(API);
    const low = wasgo('run', mod, '--api', apiFile, '--entry', 'rich');
    expect(low.status).not.toBe(0);
    expect(low.stderr).toMatch(/game\.gold.*needs level 2/);
    const high = wasgo('run', mod, '--api', apiFile, '--entry', 'rich', '--level', '2');
    expect(high.stderr).toContain('[api] mod.wasm: game.gold(5000000000)');
    expect(high.status).toBe(0);
  });

  it('without --api the game\'s functions are not provided', async () => {
    const { mod } = await setup(API);
    const r = wasgo('run', mod);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/game\.spawn.*not provided/);
  });

  it('an invalid file is refused as Godot would refuse it (the rule named)', async () => {
    const { mod, apiFile } = await setup({ ...API, additions: [{ level: 1, methods: ['OS.execute'] }] });
    const r = wasgo('run', mod, '--api', apiFile);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/mod_api\.json: invalid policy additions: OS\.execute: .*rule 'system'/);
    const { mod: m2, apiFile: bad } = await setup({ functions: [{ ...API.functions[0], params: ['out'] }] });
    const r2 = wasgo('run', m2, '--api', bad);
    expect(r2.stderr).toMatch(/functions\[0\].*kind "out"/);
  });
});
