import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { noLiveWorkers } from '../../ts/isolate/worker';
import { freshEngine } from '../helpers/engine';

// examples/wasi-c/hello.c built with wasi-libc (npm run build builds the examples and the CLI).
const HELLO = 'examples/wasi-c/hello.wasm';
const wasgo = (...args: string[]) => spawnSync(process.execPath, ['bin/wasgo.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });

const HEAD = ['Hello from WASI C! (hello.wasm)'];
const TAIL = ['clock: ok', 'rand: 60 39'];

afterEach(() => noLiveWorkers());

describe('a wasi-libc C program (examples/wasi-c) through the engine', () => {
  it('prints through printf (two printf calls make one line), gets argv, exits with main’s result', async () => {
    const { engine, printed, errors } = freshEngine({ randomSeed: 1 });
    expect(await engine.run(HELLO, { args: ['a', 'b'] })).toBe(2);
    expect(printed.slice(0, 5)).toEqual([...HEAD, 'arg 1: a', 'arg 2: b', ...TAIL]);
    expect(printed[5]).toMatch(/^entropy: [0-9a-f]{8}$/);
    expect(printed).toHaveLength(6);
    expect(errors).toEqual([]);
  });

  it('exit(N) ends the run cleanly with N (proc_exit), after flushing stdio; no error is reported', async () => {
    const { engine, printed, errors } = freshEngine();
    expect(await engine.run(HELLO, { args: ['exit', '7'] })).toBe(7);
    expect(printed.at(-1)).toBe('exiting through exit()');
    expect(errors).toEqual([]);
    const i = await engine.loadMod(HELLO);
    expect(i.runMain(['exit', '0'])).toBe(0);
    expect(i.state).toBe('exited');
    expect(() => i.runMain()).toThrow(/exited with code 0/);
    i.dispose();
  });

  it('stderr goes to guest-error events', async () => {
    const { engine } = freshEngine();
    const stderr: string[] = [];
    engine.on('guest-error', (e) => stderr.push(e.text));
    expect(await engine.run(HELLO, { args: ['stderr'] })).toBe(1);
    expect(stderr).toEqual(['to stderr']);
  });

  it('has no file access, even at level 3: fopen fails (no preopened directory)', async () => {
    for (const level of [1, 3] as const) {
      const { engine, printed } = freshEngine({ level });
      expect(await engine.run(HELLO, { args: ['file'] })).toBe(0);
      expect(printed.at(-1)).toBe('fopen: Capabilities insufficient');
    }
  });

  it('random_get is the per-instance seeded generator: the same seed gives the same bytes', async () => {
    const entropy = async (seed: number) => {
      const { engine, printed } = freshEngine({ randomSeed: seed });
      await engine.run(HELLO);
      return printed.find((l) => l.startsWith('entropy:'));
    };
    expect(await entropy(5)).toBe(await entropy(5));
    expect(await entropy(5)).not.toBe(await entropy(6));
  });

  it('runs the same in worker mode: output, argv, exit codes', async () => {
    const { engine, printed, errors } = freshEngine({ randomSeed: 1 });
    // wasi-libc's _start passes a non-zero result to proc_exit, so that instance is done afterwards
    const once = await engine.loadMod(HELLO);
    expect(once.runMain(['x'])).toBe(1);
    expect(once.state).toBe('exited');
    const expected = printed.splice(0);
    const inline = await engine.loadMod(HELLO);
    expect(await inline.start(['x']).result).toBe(1);
    expect(printed.splice(0).slice(0, 4)).toEqual(expected.slice(0, 4));
    expect(await inline.start(['exit', '9']).result).toBe(9);
    expect(printed.at(-1)).toBe('exiting through exit()');
    expect(inline.state).toBe('ready'); // the worker's instance exited, not this one
    expect(errors).toEqual([]);
    inline.dispose();
  });
});

describe('wasgo run of a WASI program', () => {
  it('prints and exits with main’s result', () => {
    const r = wasgo('run', HELLO, '--seed', '3', '--', 'a', 'b');
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([...HEAD, 'arg 1: a', 'arg 2: b', ...TAIL]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(2);
  });

  it('exits with the proc_exit code, inline and with --worker', () => {
    const r = wasgo('run', HELLO, '--', 'exit', '42');
    expect(r.stdout).toMatch(/exiting through exit\(\)\n$/);
    expect(r.status).toBe(42);
    expect(wasgo('run', HELLO, '--worker', '--', 'exit', '43').status).toBe(43);
    expect(wasgo('run', HELLO).status).toBe(0);
  });

  it('--seed makes the run reproducible', () => {
    expect(wasgo('run', HELLO, '--seed', '11').stdout).toBe(wasgo('run', HELLO, '--seed', '11').stdout);
  });
});
