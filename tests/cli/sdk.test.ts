// `wasgo sdk --api file.json -o dir` (docs/sdk.md, "The game's API"): the typed bindings of the
// game's own functions compile (asc, clang) and call the imports with exactly the ABI of
// ts/godot/game-functions.ts — checked through `wasgo run --api`'s logged calls and, for the
// results, against implementations registered with gameAbi in an engine.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gameAbi, type GameParam, type GameResult } from '../../ts/godot/game-functions';
import type { HostCallContext, OutBuffer } from '../../ts/table/host-function';
import { freshEngine } from '../helpers/engine';
import { tempDir } from '../helpers/tmp';

const root = process.cwd();
const wasgo = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/wasgo.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

const fn = (module: string, name: string, params: GameParam[], result: GameResult, level: 1 | 2 | 3, doc?: string, names?: string[]) => ({ module, name, params, result, level, ...(doc ? { doc } : {}), ...(names ? { names } : {}) });
const API = {
  functions: [
    fn('game', 'spawn_enemy', ['string', 'f32', 'f32'], 'i32', 1, 'Spawns an enemy of a kind at (x, y).', ['kind', 'x', 'y']),
    fn('game', 'give_gold', ['i64'], '', 2),
    fn('game', 'player_name', [], 'string', 1),
    fn('game', 'shake', ['node', 'f64'], '', 1),
    fn('game', 'echo', ['variant', 'bytes'], 'bytes', 1),
    // Names the wrappers use themselves: they must not shadow anything.
    fn('game', 'tag', ['string', 'i32', 'string'], 'variant', 1, undefined, ['out', 'n', '__spills']),
    fn('game', 'greet', ['string'], 'string', 1, undefined, ['n']),
    fn('ui', 'toast', ['string'], '', 3),
  ],
  additions: [{ level: 1, methods: ['AnimatedSprite2D.play'] }],
};

const LONG = 'x'.repeat(1500); // longer than the static area for strings: a buffer of its own

const AS_MOD = `import { spawnEnemy, giveGold, playerName, shake, echo, tag, toast, greet } from "./game_api";
export function main(): i32 {
  const id = spawnEnemy("orc", 1.5, -2);
  spawnEnemy("gö👾", 0.25, 3);
  tag("a", 7, "${LONG}");
  giveGold(5000000000);
  shake(1, 0.5);
  const v = new Uint8Array(8); v[0] = 2; v[4] = 9;        // var_to_bytes(9)
  const b = new Uint8Array(3); b[0] = 1; b[1] = 2; b[2] = 3;
  const e = echo(v, b);
  toast("boss");
  greet("bob");
  return id + playerName().length * 100 + e.length * 10 + tag("", 0, "").length;
}
/** The results the game gave, for the engine test. */
export function name_len(): i32 { return playerName().length; }
export function name_code(i: i32): i32 { return playerName().charCodeAt(i); }
export function echo_sum(): i32 {
  const v = new Uint8Array(1); v[0] = 40;
  const b = new Uint8Array(2); b[0] = 1; b[1] = 1;
  const e = echo(v, b);
  let s = e.length * 1000;
  for (let i = 0; i < e.length; i++) s += e[i];
  return s;
}
export function tag_first(): i32 { const t = tag("ab", 3, "é"); return t.length > 0 ? t[0] : -1; }
`;

const C_MOD = `#include "game_api.h"
__attribute__((export_name("main"))) int main(void) {
  int32_t id = game_spawn_enemy("orc", 1.5f, -2.0f);
  game_spawn_enemy("g\\xc3\\xb6", 0.25f, 3.0f);
  game_give_gold(5000000000LL);
  game_shake(1, 0.5);
  const uint8_t v[8] = { 2, 0, 0, 0, 9, 0, 0, 0 };
  const uint8_t b[3] = { 1, 2, 3 };
  uint8_t out[16];
  int32_t n = game_echo(v, sizeof v, b, sizeof b, out, sizeof out);
  char name[8];
  name[0] = 'z';
  int32_t len = game_player_name(name, sizeof name);
  game_tag("a", 7, "z", out, sizeof out);
  ui_toast("boss");
  char hi[4];
  game_greet("bob", hi, sizeof hi);
  return id + len * 100 + n * 10 + (name[0] == 0 ? 1 : 0);
}
`;

function generate(api: unknown): { dir: string; apiFile: string } {
  const dir = tempDir('wasgo-sdk-');
  const apiFile = join(dir, 'mod_api.json');
  writeFileSync(apiFile, JSON.stringify(api));
  const r = wasgo(dir, 'sdk', '--api', 'mod_api.json', '-o', 'src');
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`wrote ${join('src', 'game_api.ts')} and ${join('src', 'game_api.h')} (${API.functions.length} functions)\n`);
  expect(r.status).toBe(0);
  return { dir, apiFile };
}

function asc(dir: string, runtime: string): string {
  writeFileSync(join(dir, 'src/mod.ts'), AS_MOD);
  const out = join(dir, `mod-${runtime}.wasm`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js'), 'src/mod.ts', '--runtime', runtime, '-O2', '-o', out], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
  return out;
}

/** Each `[api]` line a run logged, without the mod's name. */
const calls = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[api] ')).map((l) => l.replace(/^\[api\] [^:]+: /, ''));

async function clangMissing(): Promise<string | null> {
  const { missingToolchain } = (await import(pathToFileURL(join(root, 'examples/build-examples.mjs')).href)) as { missingToolchain: (tool: string) => string | null };
  return missingToolchain('clang');
}

describe('wasgo sdk --api', async () => {
  const noClang = await clangMissing();

  it('AssemblyScript: typed functions, camelCase, original name and level in the doc comment', () => {
    const { dir } = generate(API);
    const ts = readFileSync(join(dir, 'src/game_api.ts'), 'utf8');
    expect(ts).toContain('export function spawnEnemy(kind: string, x: f32, y: f32): i32 {');
    expect(ts).toContain('export function tag(out: string, n: i32, __spills_: string): Uint8Array {');
    expect(ts).toContain('export function giveGold(arg1: i64): void {'); // no names: arg1, arg2, ...
    const h = readFileSync(join(dir, 'src/game_api.h'), 'utf8');
    expect(h).toContain('static inline int32_t game_spawn_enemy(const char *kind, float x, float y) {');
    expect(h).toContain('static inline int32_t game_tag(const char *out_, int32_t n, const char *__spills_, uint8_t *out, int32_t cap) {');
    expect(h).toMatch(/\/\* The game's game\.give_gold\(i64\)\.\n \* Level 2: /);
    expect(ts).toContain('export function playerName(): string {');
    expect(ts).toContain('export function echo(arg1: Uint8Array, arg2: Uint8Array): Uint8Array {');
    expect(ts).toMatch(/The game's `game\.spawn_enemy\(string, f32, f32\) -> i32`\.\n \* Spawns an enemy of a kind at \(x, y\)\.\n \* Level 1: /);
    expect(ts).toMatch(/`game\.give_gold\(i64\)`\.\n \* Level 2: mods at level 2 and above/);
    expect(ts).toMatch(/`ui\.toast\(string\)`\.\n \* Level 3: only level-3 mods/);
    expect(ts).toContain('export function toast(arg1: string): void {');
    // A name two modules share is told apart by the module, in both.
    const two = tempDir('wasgo-sdk-two-');
    writeFileSync(join(two, 'api.json'), JSON.stringify({ functions: [fn('game', 'open', [], '', 1), fn('ui', 'open', [], 'i32', 1), fn('ui', 'delete', [], '', 1)] }));
    expect(wasgo(two, 'sdk', '--api', 'api.json', '-o', '.').status).toBe(0);
    const both = readFileSync(join(two, 'game_api.ts'), 'utf8');
    expect(both).toContain('export function gameOpen(): void {');
    expect(both).toContain('export function uiOpen(): i32 {');
    expect(both).toContain('export function delete_(): void {'); // a reserved word gets a trailing _
    // Regenerating gives the same files.
    const again = generate(API);
    expect(readFileSync(join(again.dir, 'src/game_api.ts'), 'utf8')).toBe(ts);
  });

  for (const runtime of ['incremental', 'stub']) {
    it(`an AssemblyScript mod (${runtime} runtime) calls the game with the right arguments (wasgo run --api)`, () => {
      const { dir } = generate(API);
      const wasm = asc(dir, runtime);
      const r = wasgo(dir, 'run', wasm, '--api', 'mod_api.json', '--level', '3');
      expect(calls(r.stderr)).toEqual([
        'game.spawn_enemy("orc", 1.5, -2) -> 0',
        'game.spawn_enemy("gö👾", 0.25, 3) -> 0',
        `game.tag("a", 7, "${LONG}") -> 0`,
        'game.give_gold(5000000000)',
        'game.shake(node handle 1, 0.5)',
        'game.echo(<8 bytes>, <3 bytes>) -> 0',
        'ui.toast("boss")',
        'game.greet("bob") -> 0',
        'game.player_name() -> 0',
        'game.tag("", 0, "") -> 0',
      ]);
      expect(r.status).toBe(0);
    }, 120_000);
  }

  it('the AssemblyScript results: strings decoded, bytes copied, the length beyond the buffer refused naming the function', async () => {
    const { dir } = generate(API);
    const wasm = readFileSync(asc(dir, 'incremental'));
    const { engine } = freshEngine({ level: 3 });
    let name = 'Ada ö';
    const seen: unknown[][] = [];
    for (const f of API.functions) {
      const abi = gameAbi(f);
      engine.register({
        module: f.module, name: f.name, params: abi.params, result: abi.result, level: f.level, kind: 'core',
        implementation: (_ctx: HostCallContext, ...args: unknown[]) => {
          seen.push([f.name, ...args.slice(0, f.params.length).map((a) => (a instanceof Uint8Array ? [...a] : a))]);
          const out = args[f.params.length] as OutBuffer | undefined;
          if (f.name === 'player_name') { const b = new TextEncoder().encode(name); out!.write(b); return b.length; }
          if (f.name === 'echo') { const b = new Uint8Array([...(args[0] as Uint8Array), ...(args[1] as Uint8Array)]); out!.write(b); return b.length; }
          if (f.name === 'tag') { out!.write(new Uint8Array([42, 0, 0, 0])); return 4; }
          return abi.result === 'i64' ? 0n : abi.result === 'void' ? undefined : 0;
        },
      });
    }
    const i = await engine.loadMod(wasm, { name: 'typed' });
    expect(i.call('name_len')).toBe(5);
    expect(i.call('name_code', [4])).toBe('ö'.charCodeAt(0));
    expect(i.call('echo_sum')).toBe(3 * 1000 + 40 + 1 + 1);
    expect(seen.at(-1)).toEqual(['echo', [40], [1, 1]]);
    expect(i.call('tag_first')).toBe(42);
    expect(seen.at(-1)).toEqual(['tag', 'ab', 3, 'é']);
    name = 'n'.repeat(70_000); // more than RESULT_BYTES: the mod fails with a message naming the function
    expect(() => i.call('name_len')).toThrow(/game\.player_name: the result is 70000 bytes, more than the 65536 this binding reserves/);
  }, 120_000);

  it.skipIf(noClang !== null)(`a C mod on the header calls the game with the right arguments${noClang ? ` (skipped: ${noClang})` : ''}`, () => {
    const { dir } = generate(API);
    writeFileSync(join(dir, 'src/mod.c'), C_MOD);
    const wasm = join(dir, 'mod.wasm');
    const cc = spawnSync('clang', ['--target=wasm32', '-nostdlib', '-O2', '-Wall', '-Werror', '-Wl,--no-entry', '-Isrc', '-o', wasm, 'src/mod.c'], { cwd: dir, encoding: 'utf8' });
    expect(cc.stdout + cc.stderr).toBe('');
    expect(cc.status).toBe(0);
    const r = wasgo(dir, 'run', wasm, '--api', 'mod_api.json', '--level', '3');
    expect(calls(r.stderr)).toEqual([
      'game.spawn_enemy("orc", 1.5, -2) -> 0',
      'game.spawn_enemy("gö", 0.25, 3) -> 0',
      'game.give_gold(5000000000)',
      'game.shake(node handle 1, 0.5)',
      'game.echo(<8 bytes>, <3 bytes>) -> 0',
      'game.player_name() -> 0',
      'game.tag("a", 7, "z") -> 0',
      'ui.toast("boss")',
      'game.greet("bob") -> 0',
    ]);
    // The stubs answer 0: the string result is NUL-terminated at 0.
    expect(r.status).toBe(1);
  });

  it('a malformed API file is refused naming the entry; nothing is written', () => {
    const dir = tempDir('wasgo-sdk-bad-');
    const bad = { functions: [API.functions[0], { ...API.functions[1], params: ['i64', 'float'] }] };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const r = wasgo(dir, 'sdk', '--api', 'bad.json', '-o', 'out');
    expect(r.stderr).toMatch(/^wasgo: SettingsError: bad\.json: functions\[1\]: game\.give_gold: parameter 2 has kind "float"; kinds are i32, /);
    expect(r.status).not.toBe(0);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    writeFileSync(join(dir, 'dup.json'), JSON.stringify({ functions: [fn('game', 'spawn_enemy', [], '', 1), fn('game', 'spawnEnemy', [], '', 1)] }));
    expect(wasgo(dir, 'sdk', '--api', 'dup.json', '-o', 'out').stderr).toBe('wasgo: SettingsError: game.spawn_enemy and game.spawnEnemy both become gameSpawnEnemy in AssemblyScript; rename one in the API\n');
    // Checked exactly as wasgo run --api (and Godot) checks it: a denied policy addition too.
    writeFileSync(join(dir, 'denied.json'), JSON.stringify({ ...API, additions: [{ level: 1, methods: ['OS.execute'] }] }));
    expect(wasgo(dir, 'sdk', '--api', 'denied.json', '-o', 'out').stderr).toMatch(/^wasgo: SettingsError: denied\.json: invalid policy additions: OS\.execute: .*rule 'system'/);
    writeFileSync(join(dir, 'broken.json'), '{ "functions": [');
    expect(wasgo(dir, 'sdk', '--api', 'broken.json', '-o', 'out').stderr).toMatch(/^wasgo: SettingsError: broken\.json: not JSON: /);
    expect(wasgo(dir, 'sdk', '--api', 'missing.json', '-o', 'out').stderr).toBe('wasgo: FileNotFound: missing.json: no such API file\n');
    const usage = wasgo(dir, 'sdk', '-o', 'out');
    expect(usage.stderr).toMatch(/^wasgo: which API\? --api <file\.json>/);
    expect(usage.status).toBe(2);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
