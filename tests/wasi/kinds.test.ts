import { afterEach, describe, expect, it } from 'vitest';
import { GuestMemoryError, WASI_MODULE, type GuestRegion, type HostFunctionSpec, type ValueOut } from '../../ts/index';
import { noLiveWorkers } from '../../ts/isolate/worker';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

afterEach(() => noLiveWorkers());

/** A game function using every param kind the WASI subset added. */
const STATS: HostFunctionSpec = {
  module: 'game', name: 'stats', level: 1, kind: 'core', params: ['iovecs', 'u32out', 'u64out', 'region'], result: 'i32',
  implementation: (_c, data: Uint8Array, count: ValueOut, sum: ValueOut, copy: GuestRegion) => {
    count.set(data.length);
    sum.set(data.reduce((a, b) => a + BigInt(b), 0n) << 40n);
    copy.write(data.slice().reverse());
    return copy.address;
  },
};

// iovecs at 0: (100, 3) (200, 2); results at 16 (u32), 24 (u64), reversed copy at 300
const GUEST = `(module
  (import "game" "stats" (func $stats (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\64\\00\\00\\00\\03\\00\\00\\00\\c8\\00\\00\\00\\02\\00\\00\\00")
  (data (i32.const 100) "abc")
  (data (i32.const 200) "de")
  (func $main (export "main") (result i32) (call $stats (i32.const 0) (i32.const 2) (i32.const 16) (i32.const 24) (i32.const 300)))
  (func (export "check") (result i32)
    (drop (call $main))
    (i32.add (i32.load8_u (i32.const 300))
      (i32.add (i32.mul (i32.load (i32.const 16)) (i32.const 1000))
        (i32.mul (i32.wrap_i64 (i64.shr_u (i64.load (i32.const 24)) (i64.const 40))) (i32.const 10000))))))`;

describe('param kinds iovecs, u32out, u64out, region', () => {
  it('inline: the values and the region land in guest memory', async () => {
    const { engine } = freshEngine();
    engine.register(STATS);
    const i = await engine.loadMod(await wat(GUEST));
    expect(i.runMain()).toBe(300);
    const expected = new DataView(new ArrayBuffer(16));
    expected.setUint32(0, 5, true);
    expected.setBigUint64(8, 495n << 40n, true); // "abcde" sums to 495
    expect([...i.memory!.view(16, 16)]).toEqual([...new Uint8Array(expected.buffer)]);
    expect(new TextDecoder().decode(i.memory!.view(300, 5))).toBe('edcba');
  });

  it('in a worker: the same, as the guest sees it', async () => {
    const { engine } = freshEngine();
    engine.register(STATS);
    const i = await engine.loadMod(await wat(GUEST));
    // e (101) at 300, count 5, sum >> 40 = 495
    expect(i.runMain([], { entry: 'check' })).toBe(101 + 5 * 1000 + 495 * 10_000);
    const j = await engine.loadMod(await wat(GUEST));
    expect(await j.start([], { entry: 'check' }).result).toBe(101 + 5 * 1000 + 495 * 10_000);
  });

  it('a region that does not fit fails with GuestMemoryError, inline and in a worker', async () => {
    const { engine } = freshEngine();
    engine.register(STATS);
    const bad = GUEST.replace('(i32.const 300)', '(i32.const 65534)');
    await expect((await engine.loadMod(await wat(bad))).start().result).rejects.toBeInstanceOf(GuestMemoryError);
    const i = await engine.loadMod(await wat(bad));
    expect(() => i.runMain()).toThrow(GuestMemoryError);
  });

  it('the wasm signature follows: iovecs are two i32, the result pointers one', async () => {
    const { engine } = freshEngine();
    engine.register(STATS);
    await expect(engine.loadMod(await wat('(module (import "game" "stats" (func (param i32 i32 i32 i32) (result i32))))'))).rejects.toThrow(/\(i32 i32 i32 i32 i32\) -> i32/);
  });
});

describe('the WASI subset', () => {
  it('is exactly these functions, all level 1', () => {
    const { engine } = freshEngine();
    const wasi = engine.table.all().filter((e) => e.module === WASI_MODULE);
    expect(wasi.every((e) => e.level === 1 && e.kind === 'core' && !e.inlineOnly)).toBe(true);
    expect(wasi.map((e) => e.name).sort()).toEqual([
      'args_get', 'args_sizes_get', 'clock_res_get', 'clock_time_get', 'environ_get', 'environ_sizes_get',
      'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights',
      'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread', 'fd_prestat_dir_name', 'fd_prestat_get',
      'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek', 'fd_sync', 'fd_tell', 'fd_write',
      'path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open', 'path_readlink',
      'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file',
      'poll_oneoff', 'proc_exit', 'proc_raise', 'random_get', 'sched_yield',
      'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
    ]);
  });
});
