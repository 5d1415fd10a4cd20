// The example game (examples/ant-game, C) through the library API: what a Godot host would do.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AntGame, loadGame } from '../../ts/ant/runtime';
import { GAME_HASNT_STARTED_YET_ERROR } from '../../ts/ant/spec-codes';
import { freshEngine } from '../helpers/engine';

const GAME = 'examples/ant-game/game.ant.zip';

beforeAll(() => {
  if (!existsSync(GAME)) spawnSync(process.execPath, ['build.mjs', '--only=examples', '--quiet'], { stdio: 'inherit', timeout: 120_000 });
}, 180_000);

describe('example game (examples/ant-game)', () => {
  it('loads: the Core loads /core/physics.wasm (1), the Main (2) loads /mods/coin.wasm (3), then starts the game', async () => {
    const { engine, printed } = freshEngine({ requireSignature: false });
    const game = await loadGame(new Uint8Array(readFileSync(GAME)), { engine, name: 'game.ant.zip' });
    expect(game.phase).toBe('game');
    expect(game.coreResult).toBe(0);
    expect(game.package.manifest).toMatchObject({ name: 'ant-game', version: '1.0.0' });
    expect(game.modules.map((m) => [m.id, m.path, m.role, m.loadedBy])).toEqual([
      [0, '/core.wasm', 'core', undefined],
      [1, '/core/physics.wasm', 'core-module', 0],
      [2, '/main.wasm', 'main', 0],
      [3, '/mods/coin.wasm', 'module', 2],
    ]);
    expect(printed).toContain('core: load_module_core("/main.wasm") -> -2');
    expect(printed).toContain('main: load_module("/core/physics.wasm") -> -2');
    expect(printed.at(-1)).toBe('core: load_module_core after start -> -5');
    printed.length = 0;
    game.call(1, 'update', [0]);
    game.call(1, 'update', [1]);
    expect(printed).toEqual(['physics: ball height 90', 'physics: ball height 70']);
    expect(game.module(1)!.instance.name).toBe('game.ant.zip:/core/physics.wasm');
    const p = game.bytesFromString(3, 'a gift for the coin');
    expect(p).toBeGreaterThan(0);
    expect(game.stringFromBytes(3, p, 19)).toBe('a gift for the coin');
    game.dispose();
    expect(engine.instances()).toEqual([]);
  });

  it('is refused under the library default (requireSignature on): it is unsigned', async () => {
    const { engine } = freshEngine();
    const err = await loadGame(new Uint8Array(readFileSync(GAME)), { engine }).catch((e) => e);
    expect(err.code).toBe('UnsignedPackage');
  });

  it('a host calling in during the Initialization Phase gets GAME_HASNT_STARTED_YET_ERROR (-4)', async () => {
    const { engine } = freshEngine({ requireSignature: false });
    const seen: unknown[] = [];
    const game: AntGame = new AntGame({
      engine,
      onEvent: (e) => {
        if (e.type === 'loaded' && e.module.path === '/core/physics.wasm') {
          try { game.call(1, 'update', [0]); } catch (x) { seen.push(x); }
        }
      },
    });
    await game.runLoadingPhase(new Uint8Array(readFileSync(GAME)));
    expect(game.phase).toBe('loading');
    await game.runInitializationPhase();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'GAME_HASNT_STARTED_YET_ERROR', antCode: GAME_HASNT_STARTED_YET_ERROR });
    expect(game.phase).toBe('game');
    game.dispose();
  });
});
