import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp';
import { wat } from '../helpers/wat';

// The CLI and the examples are built by `npm run build` (npm test runs it first).
const wasgo = (...args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'bin/wasgo.mjs'), ...args], { encoding: 'utf8', timeout: 30_000 });
const wasgoIn = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'bin/wasgo.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 30_000 });

describe('wasgo CLI', () => {
  it('runs the AssemblyScript example and exits with main’s result', () => {
    const r = wasgo('run', 'examples/hello-as/hello.wasm');
    expect(r.stdout).toBe('Hello from AssemblyScript!\nfib(20) = 6765\n');
    expect(r.status).toBe(0);
  });

  it('passes arguments to a C main(argc, argv) and exits with its result', () => {
    const r = wasgo('run', 'examples/hello-c/hello.wasm', '--', 'one', 'two');
    expect(r.stdout).toBe('Hello from C!\narg:\none\narg:\ntwo\n');
    expect(r.status).toBe(2);
  });

  it('refuses a call to an unexposed import with one clear line and no stack trace', () => {
    const r = wasgo('run', 'examples/hello-c/hello.wasm', '--', 'save');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('wasgo: ImportRefused: import wasgo.file_write (i32 i32 i32 i32) -> i32 is not exposed at safety level 1; it needs level 2 (module hello.wasm, export main, instance 1)\n');
  });

  it('level 2: the write is declined by default and written with --allow-writes, inside the mod folder', () => {
    const dir = tempDir('wasgo-cli-');
    const denied = wasgo('run', 'examples/hello-c/hello.wasm', '--level', '2', '--file-dir', dir, '--', 'save');
    expect(denied.stdout).toContain('save: declined');
    expect(existsSync(join(dir, 'hello', 'save.txt'))).toBe(false);
    const allowed = wasgo('run', 'examples/hello-c/hello.wasm', '--level', '2', '--allow-writes', '--file-dir', dir, '--', 'save');
    expect(allowed.stdout).toContain('save: written');
    expect(allowed.status).toBe(0); // it worked: not main's argument count
    expect(readFileSync(join(dir, 'hello', 'save.txt'), 'utf8')).toBe('saved by hello-c');
  });

  it('reports traps with the guest stack; --verbose adds the JS stack', async () => {
    const dir = tempDir('wasgo-cli-');
    const file = join(dir, 'trap.wasm');
    writeFileSync(file, await wat('(module (func $inner unreachable) (func (export "main") call $inner))'));
    const r = wasgo('run', file);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^wasgo: Unreachable: unreachable \(module trap\.wasm, export main, instance 1\) \[guest stack: inner@0x[0-9a-f]+ <- func1@0x[0-9a-f]+\]\n$/);
    expect(wasgo('run', file, '--verbose').stderr).toMatch(/\n\s+at /);
  });

  it('reports garbage input and usage errors', () => {
    const dir = tempDir('wasgo-cli-');
    writeFileSync(join(dir, 'junk.wasm'), 'junk');
    const r = wasgo('run', join(dir, 'junk.wasm'));
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^wasgo: CompileError: .*\(module junk\.wasm, offset 0x0\)\n$/);
    expect(wasgo('run', 'x.wasm', '--level', '4').status).toBe(2);
    expect(wasgo('frobnicate').status).toBe(2);
  });

  it('inspect lists imports with the level each needs, exports and memory', () => {
    const r = wasgo('inspect', 'examples/hello-c/hello.wasm');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wasgo\.print\s+function\s+\(i32 i32\) -> \(\)\s+level 1/);
    expect(r.stdout).toMatch(/wasgo\.file_write\s+function\s+\(i32 i32 i32 i32\) -> i32\s+level 2/);
    expect(r.stdout).toMatch(/main\s+function\s+\(i32 i32\) -> i32/);
    const j = JSON.parse(wasgo('inspect', 'examples/hello-as/hello.wasm', '--json').stdout);
    expect(j.imports.find((i: { name: string }) => i.name === 'abort').needs).toBe('level 1');
  });

  it('wasgo help, wasgo <command> --help and wasgo help <command> print help and exit 0', () => {
    for (const args of [[], ['help'], ['--help'], ['-h']]) {
      const r = wasgo(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^wasgo \d+\.\d+\.\d+ — /);
      for (const c of ['run', 'inspect', 'validate', 'pack', 'keygen']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
      expect(r.stdout).toContain('exit status:');
    }
    for (const c of ['run', 'inspect', 'validate', 'pack', 'keygen']) {
      const a = wasgo(c, '--help');
      expect(a.status, c).toBe(0);
      expect(a.stdout).toMatch(new RegExp(`^usage: wasgo ${c} `));
      expect(wasgo('help', c).stdout).toBe(a.stdout);
      expect(wasgo(c, 'whatever', '-h').stdout).toBe(a.stdout);
    }
    expect(wasgo('run', '--help').stdout).toContain('--allow-writes');
    // after --, --help belongs to the mod
    expect(wasgo('run', 'examples/hello-as/hello.wasm', '--', '--help').stdout).toBe('Hello from AssemblyScript!\nfib(20) = 6765\n');
  });

  it('every misuse prints the command’s usage and exits 2', () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /^wasgo: unknown command "frobnicate"\nusage: wasgo <command>/],
      [['run'], /^wasgo: which mod\? .*\nusage: wasgo run <file\.wasm>/],
      [['run', 'a.wasm', 'b.wasm'], /^wasgo: one mod at a time .*arguments for the mod go after --\nusage: wasgo run/],
      [['run', 'examples/hello-as/hello.wasm', '--bogus'], /^wasgo: unknown option --bogus\nusage: wasgo run/],
      [['run', 'examples/hello-as/hello.wasm', '--level'], /^wasgo: --level needs a value\nusage: wasgo run/],
      [['run', 'examples/hello-as/hello.wasm', '--level', '4'], /^wasgo: --level must be an integer in \[1, 3\], got 4\nusage: wasgo run/],
      [['inspect'], /^wasgo: which file\?\nusage: wasgo inspect <file\.wasm> \[--json\]/],
      [['validate'], /^wasgo: which package\?\nusage: wasgo validate/],
      [['pack'], /^wasgo: which folder\?\nusage: wasgo pack/],
      [['keygen'], /^wasgo: where should the key go\? .*\nusage: wasgo keygen <keyfile>/],
      [['help', 'nope'], /^wasgo: no help for "nope"\nusage: wasgo help/],
    ];
    for (const [args, stderr] of cases) {
      const r = wasgo(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(stderr);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('a missing file or a folder is a file error (exit 2), not a refused mod (125)', () => {
    const dir = tempDir('wasgo-cli-');
    const cases: [string[], string][] = [
      [['run', join(dir, 'nope.wasm')], `wasgo: FileNotFound: ${join(dir, 'nope.wasm')}: no such .wasm file\n`],
      [['run', dir], `wasgo: NotAFile: ${dir} is a folder; expected a .wasm file\n`],
      [['inspect', join(dir, 'nope.wasm')], `wasgo: FileNotFound: ${join(dir, 'nope.wasm')}: no such .wasm file\n`],
      [['validate', join(dir, 'nope.ant.zip')], `wasgo: FileNotFound: ${join(dir, 'nope.ant.zip')}: no such .ant.zip package\n`],
      [['run', join(dir, 'nope.ant.zip')], `wasgo: FileNotFound: ${join(dir, 'nope.ant.zip')}: no such .ant.zip package\n`],
      [['pack', join(dir, 'nodir')], `wasgo: FileNotFound: ${join(dir, 'nodir')}: no such folder to pack\n`],
      [['pack', 'examples/ant-game/pkg', '-o', join(dir, 'no', 'x.ant.zip')], `wasgo: CannotWrite: cannot write ${join(dir, 'no', 'x.ant.zip')}: its folder does not exist\n`],
    ];
    for (const [args, stderr] of cases) {
      const r = wasgo(...args);
      expect(r.stderr).toBe(stderr);
      expect(r.status, args.join(' ')).toBe(2);
    }
  });

  it('pack --sign before keygen says to run keygen; keygen labels what it prints', () => {
    const dir = tempDir('wasgo-cli-');
    const key = join(dir, 'my.key.json');
    const out = join(dir, 'game.ant.zip');
    const before = wasgo('pack', 'examples/ant-game/pkg', '-o', out, '--sign', key);
    expect(before.stderr).toBe(`wasgo: FileNotFound: ${key}: no such signing key; make one first with: wasgo keygen ${key}\n`);
    expect(before.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    const k = wasgo('keygen', key);
    expect(k.status).toBe(0);
    const lines = k.stdout.trim().split('\n');
    expect(lines[0]).toBe(`signing key: ${key} (private, mode 0600: keep it secret and out of version control)`);
    expect(lines[1]).toMatch(/^public key: [A-Za-z0-9+/]{43}=$/);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(k.stderr).toBe(''); // not in a git work tree: no warning
    const again = wasgo('keygen', key);
    expect(again.stderr).toBe(`wasgo: FileExists: ${key} exists; keygen never overwrites a key\n`);
    expect(again.status).toBe(2);
    const after = wasgo('pack', 'examples/ant-game/pkg', '-o', out, '--sign', key);
    expect(after.status).toBe(0);
    expect(after.stdout).toContain(`signed by ${lines[1]!.slice('public key: '.length)}`);
    writeFileSync(join(dir, 'bad.key.json'), '{"nope": 1}');
    const bad = wasgo('pack', 'examples/ant-game/pkg', '-o', out, '--sign', join(dir, 'bad.key.json'));
    expect(bad.stderr).toMatch(/^wasgo: BadKeyFile: .*bad\.key\.json is not a signing key made by wasgo keygen/);
    expect(bad.status).toBe(2);
  });

  it('keygen warns when the key would be tracked by git', () => {
    const dir = tempDir('wasgo-cli-');
    expect(spawnSync('git', ['init', '-q', dir]).status).toBe(0);
    const k = wasgo('keygen', join(dir, 'dev.key.json'));
    expect(k.status).toBe(0);
    expect(k.stderr).toBe(`wasgo: warning: ${join(dir, 'dev.key.json')} is inside a git work tree and not git-ignored; add it to .gitignore (or keep keys outside the repository)\n`);
    writeFileSync(join(dir, '.gitignore'), '*.key.json\n');
    expect(wasgo('keygen', join(dir, 'other.key.json')).stderr).toBe('');
  });

  it('pack without -o writes ./<folder>.ant.zip where it is run', () => {
    const dir = tempDir('wasgo-cli-');
    mkdirSync(join(dir, 'mygame'));
    writeFileSync(join(dir, 'mygame', 'core.wasm'), readFileSync('examples/ant-game/pkg/core.wasm'));
    const r = wasgoIn(dir, 'pack', 'mygame');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^packed 1 file into mygame\.ant\.zip/);
    expect(existsSync(join(dir, 'mygame.ant.zip'))).toBe(true);
  });

  it('inspect --json and validate --json print one JSON document', () => {
    const i = JSON.parse(wasgo('inspect', 'examples/hello-c/hello.wasm', '--json').stdout);
    expect(i).toMatchObject({ module: 'hello.wasm' });
    expect(i.exports.map((e: { name: string }) => e.name)).toContain('main');
    const v = wasgo('validate', 'examples/ant-game/game.ant.zip', '--json');
    expect(v.status).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, problems: [], signature: 'absent' });
  });

  it('the default file folder (wasgo-data), packages, and key files are git-ignored', () => {
    const r = spawnSync('git', ['check-ignore', '--no-index', 'wasgo-data/hello/save.txt', 'game.ant.zip', 'key.json', 'signing.key.json', 'dev.key'], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual(['wasgo-data/hello/save.txt', 'game.ant.zip', 'key.json', 'signing.key.json', 'dev.key']);
  });

  it('example mods keep their name section, so a trap names the mod’s function', () => {
    const r = wasgo('run', 'examples/first-mod/mod.wasm', '--entry', 'spin', '--fuel', '100000');
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^wasgo: OutOfFuel: .*\[guest stack: \S*spin@0x[0-9a-f]+\]\n$/);
    const wasms = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? wasms(join(dir, e.name)) : e.name.endsWith('.wasm') ? [join(dir, e.name)] : []));
    const all = wasms('examples');
    expect(all.length).toBeGreaterThan(5);
    for (const file of all) expect(customSections(readFileSync(file)), file).toContain('name');
  });
});

/** Names of a module's custom sections. */
function customSections(bytes: Uint8Array): string[] {
  const names: string[] = [];
  let p = 8;
  const leb = (): number => {
    let v = 0, shift = 0, b: number;
    do { b = bytes[p++]!; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return v;
  };
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = leb();
    const end = p + size;
    if (id === 0) { const n = leb(); names.push(new TextDecoder().decode(bytes.subarray(p, p + n))); }
    p = end;
  }
  return names;
}

