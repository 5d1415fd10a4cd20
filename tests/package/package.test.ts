// The npm package as a user gets it: `npm pack`, installed offline into a fresh project, where
// the README's TypeScript example type-checks and runs exactly as written.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
});
