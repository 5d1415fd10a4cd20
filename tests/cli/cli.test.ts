import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wat } from '../helpers/wat';

// The CLI and the examples are built by `npm run build` (npm test runs it first).
const wasgo = (...args: string[]) => spawnSync(process.execPath, ['bin/wasgo.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });

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
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-cli-'));
    const denied = wasgo('run', 'examples/hello-c/hello.wasm', '--level', '2', '--file-dir', dir, '--', 'save');
    expect(denied.stdout).toContain('save: declined');
    expect(existsSync(join(dir, 'hello', 'save.txt'))).toBe(false);
    const allowed = wasgo('run', 'examples/hello-c/hello.wasm', '--level', '2', '--allow-writes', '--file-dir', dir, '--', 'save');
    expect(allowed.stdout).toContain('save: written');
    expect(readFileSync(join(dir, 'hello', 'save.txt'), 'utf8')).toBe('saved by hello-c');
  });

  it('reports traps with the guest stack; --verbose adds the JS stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-cli-'));
    const file = join(dir, 'trap.wasm');
    writeFileSync(file, await wat('(module (func $inner unreachable) (func (export "main") call $inner))'));
    const r = wasgo('run', file);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^wasgo: Unreachable: unreachable \(module trap\.wasm, export main, instance 1\) \[guest stack: inner@0x[0-9a-f]+ <- func1@0x[0-9a-f]+\]\n$/);
    expect(wasgo('run', file, '--verbose').stderr).toMatch(/\n\s+at /);
  });

  it('reports garbage input and usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-cli-'));
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
});
