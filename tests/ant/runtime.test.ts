import { describe, expect, it } from 'vitest';
import { coreRecording, play } from './runtime-helpers';

describe('ANT runtime', () => {
  it('runs a core that loads a /core/ module, the main, and starts the game', async () => {
    const { game, records, recordedBy } = await play({
      'core.wasm': coreRecording(['(call $load_module_core @"/core/a.wasm")', '(call $load_main)', '(call $start_game)']),
      'core/a.wasm': { imports: ['record'], onLoad: '(call $record (local.get $id))' },
      'main.wasm': { imports: ['record'], onLoad: '(call $record (i32.add (i32.const 100) (local.get $id)))' },
    });
    expect(records).toEqual([['/core/a.wasm', 1], ['/core.wasm', 1], ['/main.wasm', 102], ['/core.wasm', 2], ['/core.wasm', 0]]);
    expect(recordedBy('/core.wasm')).toEqual([1, 2, 0]);
    expect(game.phase).toBe('game');
    expect(game.modules.map((m) => [m.id, m.path, m.role])).toEqual([[0, '/core.wasm', 'core'], [1, '/core/a.wasm', 'core-module'], [2, '/main.wasm', 'main']]);
    game.dispose();
    expect(game.phase).toBe('disposed');
  });
});

describe('AntGame phases run once, in order', () => {
  it('refuses the Initialization Phase before loading, and each phase twice', async () => {
    const { AntGame } = await import('../../ts/ant/runtime');
    const { makePackage } = await import('./runtime-helpers');
    const { freshEngine } = await import('../helpers/engine');
    const { engine } = freshEngine({ requireSignature: false });
    const game = new AntGame({ engine });
    await expect(game.runInitializationPhase()).rejects.toThrow(/follows a successful Loading Phase/);
    await game.runLoadingPhase(await makePackage({ 'core.wasm': { main: '' } }));
    await expect(game.runLoadingPhase(new Uint8Array())).rejects.toThrow(/runs once/);
    await game.runInitializationPhase();
    await expect(game.runInitializationPhase()).rejects.toThrow(/once/);
    expect(game.phase).toBe('initialization');
    game.dispose();
  });
});
