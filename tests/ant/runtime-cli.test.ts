// The ANT commands of the CLI: run <game.ant.zip>, pack, validate, keygen. Like tests/cli, these
// use the built CLI (npm run build; bin/wasgo.mjs builds dist/ when it is missing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { wat } from '../helpers/wat';
import { guest, makePackage } from './runtime-helpers';
import { tempDir } from '../helpers/tmp';

const wasgo = (...args: string[]) => spawnSync(process.execPath, ['bin/wasgo.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
const GAME = 'examples/ant-game/game.ant.zip';

beforeAll(() => {
  if (!existsSync(GAME)) spawnSync(process.execPath, ['build.mjs', '--only=examples', '--quiet'], { stdio: 'inherit', timeout: 120_000 });
}, 180_000);

const EXPECTED = `core: booting
physics: loaded as ModuleId 1
core: /core/physics.wasm is ModuleId 1
core: load_module_core("/main.wasm") -> -2
main: loaded as ModuleId 2
coin: loaded as ModuleId 3
main: /mods/coin.wasm is ModuleId 3
main: load_module("/core/physics.wasm") -> -2
main: load_module("/mods/missing.wasm") -> -2
main: level 1 ready
core: /main.wasm is ModuleId 2
core: start_game() -> 0
core: load_module_core after start -> -5
core: frame 0
physics: ball height 90
main: coins collected 1
coin: spin angle 0
core: frame 1
physics: ball height 70
main: coins collected 1
coin: spin angle 45
`;

/** A folder with a small game made of WAT modules. */
async function gameDir(): Promise<string> {
  const dir = tempDir('wasgo-ant-');
  mkdirSync(join(dir, 'pkg', 'core'), { recursive: true });
  writeFileSync(join(dir, 'pkg', 'core.wasm'), await wat(guest({ imports: ['print', 'load_module_core', 'start_game'], main: '(call $print @"hello from the core") (drop (call $load_module_core @"/core/a.wasm")) (call $start_game)' })));
  writeFileSync(join(dir, 'pkg', 'core', 'a.wasm'), await wat(guest({ imports: ['print'], onLoad: '(call $print @"a loaded")', extra: '(func (export "update") (param i32) (call $print @"a update"))' })));
  return dir;
}

describe('wasgo run <game.ant.zip>', () => {
  it('plays the example game headless: Core, /core/ module, Main, user module, then update() frames', () => {
    const r = wasgo('run', GAME, '--frames', '2');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(EXPECTED);
    expect(r.status).toBe(0);
  });

  it('--trace shows every phase, load and ANT import result on stderr', () => {
    const r = wasgo('run', GAME, '--frames', '0', '--trace');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('ant: phase loading\nant: phase initialization\nant: loaded /core.wasm as ModuleId 0 (core)\n');
    expect(r.stderr).toContain('ant: /core.wasm load_module_core("/main.wasm") → -2 PATH_RESOLUTION_ERROR (load_module_core loads /core/ paths only)');
    expect(r.stderr).toContain('ant: /core.wasm load_main() → 2');
    expect(r.stderr).toContain('ant: /core.wasm load_module_core(…) → -5 GAME_IS_RUNNING_ERROR');
  });

  it('trust policy: unsigned runs at level 1; level 2+ or --require-signature needs a trusted signature', () => {
    expect(wasgo('run', GAME, '--require-signature').stderr).toMatch(/^wasgo: UnsignedPackage: /);
    const l2 = wasgo('run', GAME, '--level', '2');
    expect(l2.status).toBe(125);
    expect(l2.stderr).toMatch(/^wasgo: UnsignedPackage: .*\(module game\.ant\.zip\)\n$/);
    expect(wasgo('run', GAME, '--level', '2', '--allow-unsigned', '--frames', '2').stdout).toBe(EXPECTED);
    expect(wasgo('run', GAME, '--allow-unsigned', '--require-signature').status).toBe(2);
  });

  it('a core that never calls start_game: says so and exits with the core\'s result', async () => {
    const dir = tempDir('wasgo-ant-');
    const file = join(dir, 'g.ant.zip');
    writeFileSync(file, await makePackage({ 'core.wasm': { extra: '(func (export "main") (result i32) (i32.const 4))' } }));
    const r = wasgo('run', file);
    expect(r.stderr).toBe('wasgo: the Core returned without calling start_game; the game never entered the Game Phase\n');
    expect(r.status).toBe(4);
  });

  it('a refused package is one line and exit 125', async () => {
    const dir = tempDir('wasgo-ant-');
    const file = join(dir, 'nocore.ant.zip');
    writeFileSync(file, await makePackage({ 'main.wasm': {} }));
    const r = wasgo('run', file);
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('wasgo: MissingCore: no /core.wasm at the zip root (module nocore.ant.zip)\n');
  });
});

describe('wasgo pack / keygen / validate', () => {
  it('pack → validate → run, unsigned', async () => {
    const dir = await gameDir();
    const out = join(dir, 'game.ant.zip');
    const p = wasgo('pack', join(dir, 'pkg'), '-o', out, '--name', 'tiny');
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^packed 2 files into .*game\.ant\.zip \(\d+ bytes, unsigned\)\n$/);
    const v = wasgo('validate', out);
    expect(v.stdout).toBe(`ok: ${out} would load (signature: absent)\n`);
    expect(v.status).toBe(0);
    const r = wasgo('run', out, '--frames', '1');
    expect(r.stdout).toBe('hello from the core\na loaded\na update\n');
    expect(r.status).toBe(0);
  });

  it('keygen → pack --sign → validate/run with --trust (key or key file); a wrong key is refused', async () => {
    const dir = await gameDir();
    const keyFile = join(dir, 'dev.key');
    const k = wasgo('keygen', keyFile);
    expect(k.status).toBe(0);
    const publicKey = /^public key: (\S+)$/m.exec(k.stdout)![1]!;
    expect(JSON.parse(readFileSync(keyFile, 'utf8')).publicKey).toBe(publicKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(wasgo('keygen', keyFile).status).toBe(2); // never overwrites
    const out = join(dir, 'signed.ant.zip');
    expect(wasgo('pack', join(dir, 'pkg'), '-o', out, '--sign', keyFile).stdout).toContain(`signed by ${publicKey}`);
    expect(wasgo('validate', out, '--require-signature', '--trust', publicKey).status).toBe(0);
    expect(wasgo('validate', out, '--require-signature', '--trust', keyFile).status).toBe(0);
    const untrusted = wasgo('validate', out, '--require-signature');
    expect(untrusted.status).toBe(1);
    expect(untrusted.stdout).toContain('problem: UntrustedKey: ant.sig: ');
    expect(wasgo('run', out, '--level', '2', '--trust', publicKey, '--frames', '0').stdout).toBe('hello from the core\na loaded\n');
    expect(wasgo('run', out, '--trust', 'not-a-key').status).toBe(2);
  });

  it('pack never includes its own previous output', async () => {
    const dir = await gameDir();
    const out = join(dir, 'pkg', 'game.ant.zip');
    expect(wasgo('pack', join(dir, 'pkg'), '-o', out).status).toBe(0);
    expect(wasgo('pack', join(dir, 'pkg'), '-o', out).stdout).toMatch(/^packed 2 files/);
    expect(Object.keys((await JSZip.loadAsync(readFileSync(out))).files).sort()).toEqual(['ant.json', 'core.wasm', 'core/a.wasm']);
  });

  it('validate lists every problem (and warnings) and exits 1', async () => {
    const dir = tempDir('wasgo-ant-');
    const file = join(dir, 'bad.ant.zip');
    const zip = await JSZip.loadAsync(await makePackage({
      'core.wasm': { imports: ['(import "ant" "load_main" (func (param i32)))'], malloc: false },
      'core/x.wasm': { imports: ['load_main'] },
      'mods/broken.wasm': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9]),
    }));
    zip.file('extra.txt', 'not in ant.json');
    writeFileSync(file, await zip.generateAsync({ type: 'uint8array' }));
    const r = wasgo('validate', file);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      'problem: UnlistedEntry: extra.txt: is not listed in ant.json',
      'problem: InvalidWasm: mods/broken.wasm: is not a valid WebAssembly module',
      'problem: MissingEntryPoint: core.wasm: the Core must export an entry point (main or _start)',
      'problem: BadAntImport: core.wasm: imports ant.load_main as (i32) -> (); it must be () -> () or () -> i32',
      'warning: UnavailableAntImport: core/x.wasm: imports ant.load_main, which a core-module does not get: calling it stops the module with ImportRefused',
      `invalid: ${file}: 4 problems (signature: absent)`,
    ]);
    const json = JSON.parse(wasgo('validate', file, '--json').stdout);
    expect(json).toMatchObject({ ok: false, signature: 'absent' });
    expect(json.problems).toHaveLength(4);
  });

  it('validate of something that is not a zip', () => {
    const dir = tempDir('wasgo-ant-');
    writeFileSync(join(dir, 'x.zip'), 'nope');
    const r = wasgo('validate', join(dir, 'x.zip'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^problem: NotAZip: /);
    expect(r.stdout).toContain('(unreadable zip)');
  });
});
