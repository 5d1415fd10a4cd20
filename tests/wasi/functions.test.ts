import { afterEach, describe, expect, it } from 'vitest';
import { GuestMemoryError, InstanceFailed, OutOfFuel, ProcExit, WASI_ERRNO, type WasGoInstance } from '../../ts/index';
import { noLiveWorkers } from '../../ts/isolate/worker';
import { MAX_LINE_BYTES } from '../../ts/table/wasi';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const W = 'wasi_snapshot_preview1';

/**
 * A module importing the WASI functions the tests use. `write(fd, ptr, len)` builds a
 * one-iovec array at 0 and nwritten at 8, and returns the errno; data goes at 1024+.
 */
const MOD = (body: string, extra = '') => `(module
  (import "${W}" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "${W}" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "${W}" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "${W}" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "${W}" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "${W}" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "${W}" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "${W}" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "${W}" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "${W}" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "${W}" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "${W}" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "${W}" "sched_yield" (func $sched_yield (result i32)))
  (import "${W}" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "ab\\nc\\r\\nd\\c3\\a9\\ff")
  (func $write (export "write") (param $fd i32) (param $p i32) (param $n i32) (result i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "raw_write") (param $fd i32) (param $iovs i32) (param $n i32) (param $out i32) (result i32)
    (call $fd_write (local.get $fd) (local.get $iovs) (local.get $n) (local.get $out)))
  (func (export "fill") (param $p i32) (param $n i32) (param $b i32) (memory.fill (local.get $p) (local.get $b) (local.get $n)))
  (func (export "exit") (param $c i32) (call $proc_exit (local.get $c)))
  ${extra}
  (func (export "main") (result i32) ${body}))`;

async function load(body: string, extra = '', settings: Parameters<typeof freshEngine>[0] = {}) {
  const env = freshEngine(settings);
  const stderr: string[] = [];
  env.engine.on('guest-error', (e) => stderr.push(e.text));
  const i = await env.engine.loadMod(await wat(MOD(body, extra), { exceptions: true }), { name: 'w.wasm' });
  return { ...env, stderr, i };
}

const u32 = (i: WasGoInstance, at: number) => new DataView(i.memory!.view(at, 4).slice().buffer).getUint32(0, true);
const u64 = (i: WasGoInstance, at: number) => new DataView(i.memory!.view(at, 8).slice().buffer).getBigUint64(0, true);

afterEach(() => noLiveWorkers());

describe('WASI console: fd_write', () => {
  it('is line-buffered per instance: "a" then "b\\n" is one line; the rest is flushed when main returns', async () => {
    const { i, printed } = await load(`
      (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 1)))
      (drop (call $write (i32.const 1) (i32.const 1025) (i32.const 2)))
      (drop (call $write (i32.const 1) (i32.const 1027) (i32.const 3)))
      (call $write (i32.const 1) (i32.const 1030) (i32.const 1))`);
    expect(i.runMain()).toBe(0);
    expect(printed).toEqual(['ab', 'c', 'd']); // "\\r\\n" ends a line like "\\n"
    expect(u32(i, 8)).toBe(1);
  });

  it('reports how much it wrote; stderr goes to guest-error; each stream and instance has its own buffer', async () => {
    const { i, engine, printed, stderr } = await load('(i32.const 0)');
    const j = await engine.loadMod(await wat(MOD('(i32.const 0)')), { name: 'other.wasm' });
    expect(i.call('write', [1, 1024, 1])).toBe(0);
    expect(i.call('write', [2, 1024, 2])).toBe(0);
    expect(j.call('write', [1, 1025, 1])).toBe(0);
    expect(u32(i, 8)).toBe(2);
    expect(printed).toEqual([]);
    i.call('write', [1, 1025, 2]);
    j.call('write', [1, 1026, 1]);
    expect(printed).toEqual(['ab', 'b']);
    i.call('write', [2, 1026, 1]);
    expect(stderr).toEqual(['ab']);
    i.call('write', [1, 1024, 1]);
    i.dispose(); // pending text is flushed when the instance goes away
    expect(printed).toEqual(['ab', 'b', 'a']);
  });

  it('gathers several iovecs into one write', async () => {
    const { i, printed } = await load('(i32.const 0)');
    // iovecs at 64: "ab" (1024, 2), "" (0, 0), "\\n" (1026, 1)
    const v = new DataView(new ArrayBuffer(24));
    [[1024, 2], [0, 0], [1026, 1]].forEach(([p, n], k) => { v.setUint32(8 * k, p!, true); v.setUint32(8 * k + 4, n!, true); });
    i.memory!.write(64, new Uint8Array(v.buffer));
    expect(i.call('raw_write', [1, 64, 3, 16])).toBe(0);
    expect(u32(i, 16)).toBe(3);
    expect(printed).toEqual(['ab']);
  });

  it('decodes UTF-8 across writes; invalid bytes become U+FFFD', async () => {
    const { i, printed } = await load('(i32.const 0)');
    i.call('write', [1, 1031, 1]); // first byte of é
    i.call('write', [1, 1032, 2]); // second byte of é, then 0xff
    i.call('write', [1, 1026, 1]);
    expect(printed).toEqual(['é\uFFFD']);
  });

  it(`caps a line at ${MAX_LINE_BYTES} bytes: longer text is split, never lost`, async () => {
    const { i, printed } = await load('(i32.const 0)');
    const n = 2 * MAX_LINE_BYTES + 10;
    i.call('fill', [4096, n, 0x78]);
    i.call('write', [1, 4096, n]);
    expect(printed.map((l) => l.length)).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES]);
    i.call('write', [1, 1026, 1]);
    expect(printed.map((l) => l.length)).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES, 10]);
  });

  it('any fd other than 1 and 2 is EBADF, and nothing is printed', async () => {
    const { i, printed, errors } = await load('(i32.const 0)');
    i.memory!.write(8, new Uint8Array([0xaa, 0xaa, 0xaa, 0xaa]));
    for (const fd of [0, 3, 100, -1]) expect(i.call('write', [fd, 1024, 3])).toBe(WASI_ERRNO.BADF);
    expect(u32(i, 8)).toBe(0xaaaaaaaa); // nwritten untouched
    i.dispose();
    expect(printed).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('WASI bounds checks', () => {
  const bad: [string, number[]][] = [
    ['a buffer outside memory', [1, 0, 1, 16]],
    ['the iovec array outside memory', [1, 65532, 1, 16]],
    ['nwritten outside memory', [1, 64, 1, 65533]],
    ['more than 1024 iovecs', [1, 0, 1025, 16]],
  ];
  for (const [what, args] of bad) {
    it(`${what} fails the call with GuestMemoryError before anything is printed`, async () => {
      const { i, printed } = await load('(i32.const 0)');
      // iovec at 0 points past the end when "a buffer outside memory"; a good one at 64
      const v = new DataView(new ArrayBuffer(16));
      v.setUint32(0, 65530, true); v.setUint32(4, 100, true);
      v.setUint32(8, 1024, true); v.setUint32(12, 3, true);
      i.memory!.write(0, new Uint8Array(v.buffer, 0, 8));
      i.memory!.write(64, new Uint8Array(v.buffer, 8, 8));
      expect(() => i.call('raw_write', args)).toThrow(GuestMemoryError);
      expect(i.state).toBe('failed');
      i.dispose();
      expect(printed).toEqual([]);
    });
  }

  it('args_get into memory that cannot hold argv fails with GuestMemoryError', async () => {
    const { i } = await load('(call $args_get (i32.const 65534) (i32.const 2048))');
    expect(() => i.runMain(['x'])).toThrow(GuestMemoryError);
  });
});

describe('WASI: the other functions', () => {
  it('args: argv[0] is the mod name, then runMain’s arguments; the environment is empty', async () => {
    const { i } = await load(`
      (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
      (drop (call $environ_sizes_get (i32.const 24) (i32.const 28)))
      (call $args_get (i32.const 256) (i32.const 512))`);
    i.memory!.write(24, new Uint8Array(8).fill(0xff));
    expect(i.runMain(['héllo', ''])).toBe(0);
    expect([u32(i, 16), u32(i, 20), u32(i, 24), u32(i, 28)]).toEqual([3, 15, 0, 0]);
    expect([u32(i, 256), u32(i, 260), u32(i, 264), u32(i, 268)]).toEqual([512, 519, 526, 0]); // "w.wasm\\0", "héllo\\0": 7 bytes each
    expect(new TextDecoder().decode(i.memory!.view(512, 15))).toBe('w.wasm\0héllo\0\0');
  });

  it('no file access at any level: path_open and fd_prestat_get are EBADF, the console does not seek or close', async () => {
    const { i } = await load(`(i32.const 0)`, `
      (func (export "errnos") (result i64)
        (i64.or (i64.or
          (i64.extend_i32_u (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 2) (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 16)))
          (i64.shl (i64.extend_i32_u (call $fd_prestat_get (i32.const 3) (i32.const 16))) (i64.const 8)))
        (i64.or (i64.or
          (i64.shl (i64.extend_i32_u (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 16))) (i64.const 16))
          (i64.shl (i64.extend_i32_u (call $fd_close (i32.const 1))) (i64.const 24)))
          (i64.or
            (i64.shl (i64.extend_i32_u (call $fd_close (i32.const 5))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))) (i64.const 40))))))`,
    { level: 3 });
    const e = i.call('errnos') as bigint;
    const bytes = [0, 8, 16, 24, 32, 40].map((s) => Number((e >> BigInt(s)) & 0xffn));
    expect(bytes).toEqual([WASI_ERRNO.BADF, WASI_ERRNO.BADF, WASI_ERRNO.SPIPE, WASI_ERRNO.NOTSUP, WASI_ERRNO.BADF, WASI_ERRNO.NOTSUP]);
  });

  it('stdin is empty; fds 0-2 are character devices, others EBADF; sched_yield succeeds', async () => {
    const { i } = await load(`(i32.const 0)`, `
      (func (export "read0") (result i32) (call $fd_read (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 16)))
      (func (export "read1") (result i32) (call $fd_read (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 16)))
      (func (export "stat") (param i32) (result i32) (call $fd_fdstat_get (local.get 0) (i32.const 64)))
      (func (export "yield") (result i32) (call $sched_yield))`);
    i.memory!.write(16, new Uint8Array([9, 9, 9, 9]));
    expect(i.call('read0')).toBe(0);
    expect(u32(i, 16)).toBe(0);
    expect(i.call('read1')).toBe(WASI_ERRNO.BADF);
    expect(i.call('stat', [1])).toBe(0);
    expect(i.memory!.view(64, 1)[0]).toBe(2); // character device
    expect(u64(i, 72)).toBe(1n << 6n); // FD_WRITE, no seek: libc sees a terminal
    expect(i.call('stat', [3])).toBe(WASI_ERRNO.BADF);
    expect(i.call('yield')).toBe(0);
  });

  it('clocks: realtime and monotonic in ns, process/thread time read the monotonic clock, unknown ids EINVAL', async () => {
    const { i } = await load(`(i32.const 0)`, `
      (func (export "time") (param i32) (result i32) (call $clock_time_get (local.get 0) (i64.const 1) (i32.const 16)))
      (func (export "res") (param i32) (result i32) (call $clock_res_get (local.get 0) (i32.const 24)))`);
    expect(i.call('time', [0])).toBe(0);
    expect(Number(u64(i, 16) / 1_000_000n)).toBeGreaterThan(Date.now() - 5_000);
    const mono: bigint[] = [];
    for (const id of [1, 2, 3, 1]) {
      expect(i.call('time', [id])).toBe(0);
      mono.push(u64(i, 16));
    }
    expect([...mono].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(mono);
    expect(i.call('time', [4])).toBe(WASI_ERRNO.INVAL);
    expect(i.call('res', [0])).toBe(0);
    expect(u64(i, 24)).toBe(1_000_000n);
    expect(i.call('res', [1])).toBe(0);
    expect(i.call('res', [7])).toBe(WASI_ERRNO.INVAL);
  });

  it('random_get fills the buffer from the seeded per-instance generator', async () => {
    const bytes = async (seed: number) => {
      const { i } = await load('(call $random_get (i32.const 100) (i32.const 7))', '', { randomSeed: seed });
      expect(i.runMain()).toBe(0);
      return [...i.memory!.view(100, 8)];
    };
    const a = await bytes(1);
    expect(a).toEqual(await bytes(1));
    expect(a).not.toEqual(await bytes(2));
    expect(a[7]).toBe(0); // exactly 7 bytes written
  });
});

describe('WASI proc_exit', () => {
  it('runMain returns the code; the instance is exited, not failed, and no error is reported', async () => {
    const { i, errors, printed } = await load(`
      (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 1)))
      (call $proc_exit (i32.const 3))
      (i32.const 99)`);
    expect(i.runMain()).toBe(3);
    expect(printed).toEqual(['a']); // flushed
    expect(i.state).toBe('exited');
    expect(errors).toEqual([]);
    expect(() => i.call('main')).toThrow(InstanceFailed);
  });

  it('call() of an export that exits throws ProcExit with the code', async () => {
    const { i } = await load('(i32.const 0)');
    let e: unknown;
    try { i.call('exit', [-1]); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(ProcExit);
    expect((e as ProcExit).exitCode).toBe(-1);
  });

  it('a guest cannot catch it with exception handling', async () => {
    const { i } = await load(`(try (result i32) (do (call $proc_exit (i32.const 4)) (i32.const 0)) (catch_all (i32.const 42)))`);
    expect(i.runMain()).toBe(4);
  });
});

describe('WASI reactors: _initialize', () => {
  it('runs once after instantiation, before main; a failing _initialize fails instantiation', async () => {
    const { i } = await load('(i32.load (i32.const 200))', `
      (func (export "_initialize") (i32.store (i32.const 200) (i32.add (i32.load (i32.const 200)) (i32.const 5))))`);
    expect(i.runMain()).toBe(5);
    expect(i.runMain()).toBe(5);
    const { engine } = freshEngine();
    await expect(engine.loadMod(await wat(MOD('(i32.const 0)', '(func (export "_initialize") unreachable)')))).rejects.toThrow(/_initialize failed: Unreachable/);
  });
});

describe('WASI metering: host calls are charged by the bytes they move', () => {
  it('fd_write costs 1 000 per call (like print) plus one fuel per byte written', async () => {
    const { i } = await load('(i32.const 0)', '', { fuelPerCall: 10_000_000 });
    expect(i.metered).toBe(true);
    i.call('fill', [4096, 60_000, 0x41]);
    i.call('write', [1, 4096, 10]);
    const small = i.lastCallFuel;
    expect(small).toBeGreaterThanOrEqual(1000 + 8 + 10); // the call's cost (like print), the iovec, the bytes
    i.call('write', [1, 4096, 60_000]);
    expect(i.lastCallFuel - small).toBeGreaterThanOrEqual(60_000 - 10);
    expect(() => i.call('write', [1, 4096, 60_000], { fuel: 1000 })).toThrow(OutOfFuel);
  });
});

describe('WASI in worker mode (same linker and marshalling)', () => {
  it('console, argv, errnos and proc_exit work as inline', async () => {
    const { i, printed, errors } = await load(`
      (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 1)))
      (drop (call $write (i32.const 1) (i32.const 1025) (i32.const 2)))
      (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
      (drop (call $args_get (i32.const 256) (i32.const 512)))
      (drop (call $write (i32.const 1) (i32.const 516) (i32.const 4)))
      (drop (call $write (i32.const 1) (i32.const 1026) (i32.const 1)))
      (if (i32.ne (call $write (i32.const 7) (i32.const 1024) (i32.const 1)) (i32.const 8)) (then unreachable))
      (drop (call $random_get (i32.const 100) (i32.const 7)))
      (call $proc_exit (i32.add (i32.load (i32.const 16)) (i32.load (i32.const 8))))
      (i32.const 0)`, '', { randomSeed: 1 });
    expect(await i.start(['arg']).result).toBe(2 + 1); // argc 2, last nwritten 1
    expect(printed).toEqual(['ab', 'sm\0a']); // argv strings "w.wasm\\0arg\\0" from 512: bytes 516..519
    expect(errors).toEqual([]);
  });

  it('a bad iovec is a GuestMemoryError in the worker too', async () => {
    const { i } = await load('(call $write (i32.const 1) (i32.const 65535) (i32.const 2))');
    await expect(i.start().result).rejects.toBeInstanceOf(GuestMemoryError);
  });

  it('_initialize runs in the worker before main', async () => {
    const { i } = await load('(i32.load (i32.const 200))', `
      (func (export "_initialize") (i32.store (i32.const 200) (i32.add (i32.load (i32.const 200)) (i32.const 5))))`);
    expect(await i.start().result).toBe(5);
  });
});
