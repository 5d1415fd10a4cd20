// The npm package as a user gets it: `npm pack`, installed offline into a fresh project, where
// the README's TypeScript example type-checks and runs exactly as written.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/tmp';

const root = resolve(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The first ```ts block under "## From TypeScript" in README.md. */
function readmeSnippet(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## From TypeScript'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```ts block under "## From TypeScript"');
  return m[1]!;
}

describe('the npm package', () => {
  it('packs the files a user needs, and nothing else', () => {
    const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'SECURITY.md', 'bin/wasgo.mjs', 'dist/index.js', 'dist/ant.js', 'dist/wasm.js', 'dist/godot.js', 'dist/cli.js',
      'dist/types/pkg/index.d.ts', 'dist/types/pkg/ant.d.ts', 'dist/types/pkg/wasm.d.ts', 'dist/types/pkg/godot.d.ts',
      'addons/wasgo/wasgo.js', 'addons/wasgo/plugin.cfg', 'sdk/assemblyscript/wasgo.ts', 'sdk/c/wasgo.h', 'docs/README.md', 'docs/cli.md']) {
      expect(files, f).toContain(f);
    }
    const stray = files.filter((f) => /^(tests|ts|bench|tools|scripts|examples|\.ci)\//.test(f) || f === 'dist/bench.js' || /\.test\.ts$/.test(f));
    expect(stray).toEqual([]);
  });

  it('installs offline into a fresh project, where the README example type-checks and runs as written', () => {
    const dir = tempDir('wasgo-package-');
    const tgz = execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
    const app = join(dir, 'game');
    mkdirSync(join(app, 'mods'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-game', version: '1.0.0', private: true, type: 'module' }));
    const install = spawnSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, tgz)], { cwd: app, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(existsSync(join(app, 'node_modules/wasgo/dist/types/pkg/index.d.ts'))).toBe(true);
    cpSync(join(root, 'examples/first-mod/mod.wasm'), join(app, 'mods/first-mod.wasm'));
    writeFileSync(join(app, 'game.ts'), readmeSnippet());
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, outDir: 'out', types: [] },
      files: ['game.ts'],
    }));
    // Type-check (the package's declarations included: skipLibCheck false; no @types/node needed) and compile.
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const run = spawnSync(process.execPath, ['out/game.js'], { cwd: app, encoding: 'utf8', timeout: 20_000 });
    expect(run.stdout).toBe('[first-mod.wasm] hello from first-mod\n[first-mod.wasm] spawned coin #1\n[first-mod.wasm] first update: x = 0.96000004\n1 sprite, mod failed\n');
    expect(run.stderr).toMatch(/^Killed: main was killed \(module first-mod\.wasm, export spin, instance \d+\)/m);
    expect(run.stderr).toContain('[first-mod.wasm] failed: Killed\n');
    expect(run.status).toBe(0);
    // The subpath exports resolve, and the CLI is installed as a bin.
    writeFileSync(join(app, 'sub.mjs'), "import { loadGame } from 'wasgo/ant'; import { inspect } from 'wasgo/wasm'; import { createPolicy } from 'wasgo/godot';\nconsole.log(typeof loadGame, typeof inspect, typeof createPolicy);\n");
    expect(spawnSync(process.execPath, ['sub.mjs'], { cwd: app, encoding: 'utf8' }).stdout).toBe('function function function\n');
    const cli = spawnSync(join(app, 'node_modules/.bin/wasgo'), ['inspect', 'mods/first-mod.wasm', '--json'], { cwd: app, encoding: 'utf8' });
    expect(JSON.parse(cli.stdout).exports.map((e: { name: string }) => e.name)).toEqual(['main', 'update', 'spin', 'memory']);
  }, 120_000);

  it('scaffolds a mod with the packed CLI (wasgo new) that builds on the typed bindings and runs with npm test', () => {
    const dir = tempDir('wasgo-new-');
    const tgz = execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
    // The package as npm installs it: unpacked into node_modules/wasgo, with its bin linked.
    const pkg = join(dir, 'pkg');
    mkdirSync(pkg);
    execFileSync('tar', ['xzf', join(dir, tgz), '-C', pkg]);
    const wasgoBin = join(pkg, 'package/bin/wasgo.mjs');
    const made = spawnSync(process.execPath, [wasgoBin, 'new', 'my-mod'], { cwd: dir, encoding: 'utf8' });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const mod = join(dir, 'my-mod');
    const manifest = JSON.parse(readFileSync(join(mod, 'package.json'), 'utf8'));
    expect(manifest.devDependencies).toEqual({ assemblyscript: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.assemblyscript, wasgo: '^0.1.0' });
    expect(readFileSync(join(mod, 'src/my-mod.ts'), 'utf8')).toContain('from "wasgo/godot"');
    // "npm install" offline: the packed wasgo, and this repository's assemblyscript (and its dependencies).
    mkdirSync(join(mod, 'node_modules/.bin'), { recursive: true });
    cpSync(join(pkg, 'package'), join(mod, 'node_modules/wasgo'), { recursive: true });
    symlinkSync(join(root, 'node_modules/assemblyscript'), join(mod, 'node_modules/assemblyscript'));
    symlinkSync('../wasgo/bin/wasgo.mjs', join(mod, 'node_modules/.bin/wasgo'));
    symlinkSync('../assemblyscript/bin/asc.js', join(mod, 'node_modules/.bin/asc'));
    const build = spawnSync(npm, ['run', 'build'], { cwd: mod, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const wasm = readFileSync(join(mod, 'build/my-mod.wasm'));
    expect(wasm.includes(Buffer.from('name')), 'the name section is kept').toBe(true);
    const test = spawnSync(npm, ['test', '--silent'], { cwd: mod, encoding: 'utf8' });
    expect(test.stdout).toBe('my-mod: ready\n');
    expect(test.status).toBe(0);
    // The game's API as typed bindings, generated by the packed CLI (wasgo sdk --api).
    writeFileSync(join(mod, 'mod_api.json'), JSON.stringify({ functions: [{ module: 'game', name: 'spawn_enemy', params: ['string', 'f32', 'f32'], names: ['kind', 'x', 'y'], result: 'i32', level: 1 }] }));
    const sdk = spawnSync(process.execPath, [wasgoBin, 'sdk', '--api', 'mod_api.json', '-o', 'src'], { cwd: mod, encoding: 'utf8' });
    expect(sdk.stderr).toBe('');
    expect(sdk.status).toBe(0);
    writeFileSync(join(mod, 'src/my-mod.ts'), 'import { spawnEnemy } from "./game_api";\nexport function main(): i32 { return spawnEnemy("orc", 1.5, -2); }\n');
    const typed = spawnSync(npm, ['run', 'build'], { cwd: mod, encoding: 'utf8' });
    expect(typed.status, typed.stdout + typed.stderr).toBe(0);
    const called = spawnSync(process.execPath, [wasgoBin, 'run', 'build/my-mod.wasm', '--api', 'mod_api.json'], { cwd: mod, encoding: 'utf8' });
    expect(called.stderr).toBe('[api] my-mod.wasm: game.spawn_enemy("orc", 1.5, -2) -> 0\n');
    expect(called.status).toBe(0);
    // A level-3 call in the level-1 project fails the build, naming the level.
    writeFileSync(join(mod, 'src/my-mod.ts'), 'import { OS } from "wasgo/godot";\nexport function main(): i32 { return <i32>OS.get_processor_count(); }\n');
    const bad = spawnSync(npm, ['run', 'build'], { cwd: mod, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('OS.get_processor_count needs safety level 3, these are the level-1 bindings (wasgo/godot)');
  }, 180_000);
});
