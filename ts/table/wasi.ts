/**
 * A WASI preview1 subset (`wasi_snapshot_preview1`) at level 1, so that ordinary C programs
 * (wasi-libc: printf, puts, clock, rand, exit) and Rust's wasm32-wasip1 std run as mods.
 * Harmless by construction: stdout and stderr become the engine's `print` / `guest-error`
 * events, the clocks and the per-instance random generator are what level 1 already has, and
 * there is no file, directory or socket at all (no preopened directories, so every path and
 * file descriptor other than 0, 1, 2 is EBADF), at every level. Every pointer goes through the
 * linker's param kinds (bounds-checked, metered, the same in worker mode). See docs/abi.md.
 */
import { ProcExit } from '../engine/errors';
import type { GuestRegion, HostCallContext, HostFunctionSpec, OutBuffer, ParamKind, ResultKind, ValueOut } from './host-function';

export const WASI_MODULE = 'wasi_snapshot_preview1';

/** The errno values used here (WASI preview1 numbering). */
export const WASI_ERRNO = {
  SUCCESS: 0,
  BADF: 8,
  INVAL: 28,
  NOTSOCK: 57,
  NOTSUP: 58,
  SPIPE: 70,
} as const;

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME = 2;
const CLOCK_THREAD_CPUTIME = 3;
const FILETYPE_CHARACTER_DEVICE = 2;
const RIGHTS_FD_READ = 1n << 1n;
const RIGHTS_FD_WRITE = 1n << 6n;

/** Longest line a guest can print through stdout/stderr; longer text is split into lines of this many bytes. */
export const MAX_LINE_BYTES = 16 * 1024;

/** What the WASI functions need from the engine, per instance. */
export interface WasiServices {
  /** argv of the instance: its mod name, then the arguments given to runMain/start. */
  args(ctx: HostCallContext): readonly string[];
  /** Bytes the guest wrote to stdout (1) or stderr (2). */
  write(ctx: HostCallContext, fd: 1 | 2, data: Uint8Array): void;
  random(ctx: HostCallContext): { nextU32(): number };
}

const encoder = new TextEncoder();
const now = (): number => (globalThis.performance ?? Date).now();
const isConsole = (fd: number): boolean => fd >= 0 && fd <= 2;
/** Any file operation: the console cannot do it, and no other descriptor exists. */
const noFile = (fd: number): number => (isConsole(fd) ? WASI_ERRNO.NOTSUP : WASI_ERRNO.BADF);
/** Positioned I/O: the console is a character device, so it does not seek. */
const noSeek = (fd: number): number => (isConsole(fd) ? WASI_ERRNO.SPIPE : WASI_ERRNO.BADF);

type Raw = 'i32' | 'i64';

/** The WASI functions, all level 1. */
export function wasiFunctions(services: WasiServices): HostFunctionSpec[] {
  const specs: HostFunctionSpec[] = [];
  const add = (name: string, params: readonly ParamKind[], implementation: (ctx: HostCallContext, ...a: never[]) => number | void, doc: string, result: ResultKind = 'i32', cost = 0) =>
    specs.push({ module: WASI_MODULE, name, level: 1, kind: 'core', params, result, implementation, doc, ...(cost ? { cost } : {}) });
  /** A function that touches no pointer: only its errno matters (the raw pointers are never read). */
  const refuse = (name: string, params: readonly Raw[], errno: (fd: number) => number, doc: string, fdAt = 0) =>
    add(name, params, (_ctx: HostCallContext, ...a: never[]) => errno(a[fdAt] as number), doc);

  // ---- arguments and environment -------------------------------------------------------
  add('args_sizes_get', ['u32out', 'u32out'], (ctx: HostCallContext, argc: ValueOut, size: ValueOut) => {
    const argv = services.args(ctx);
    argc.set(argv.length);
    size.set(argv.reduce((n, a) => n + encoder.encode(a).length + 1, 0));
    return WASI_ERRNO.SUCCESS;
  }, 'argv count and size: the mod name plus the arguments given to runMain/start');
  add('args_get', ['region', 'region'], (ctx: HostCallContext, argv: GuestRegion, buf: GuestRegion) => {
    const args = services.args(ctx);
    const strings = args.map((a) => encoder.encode(`${a}\0`));
    const table = new DataView(new ArrayBuffer(4 * args.length));
    const data = new Uint8Array(strings.reduce((n, s) => n + s.length, 0));
    let at = 0;
    strings.forEach((s, i) => {
      table.setUint32(4 * i, (buf.address + at) >>> 0, true);
      data.set(s, at);
      at += s.length;
    });
    buf.write(data);
    argv.write(new Uint8Array(table.buffer));
    return WASI_ERRNO.SUCCESS;
  }, 'argv pointers and NUL-terminated strings');
  add('environ_sizes_get', ['u32out', 'u32out'], (_ctx: HostCallContext, count: ValueOut, size: ValueOut) => {
    count.set(0);
    size.set(0);
    return WASI_ERRNO.SUCCESS;
  }, 'the environment is empty');
  add('environ_get', ['region', 'region'], () => WASI_ERRNO.SUCCESS, 'the environment is empty: writes nothing');

  // ---- clocks and randomness -----------------------------------------------------------
  add('clock_res_get', ['i32', 'u64out'], (_ctx: HostCallContext, id: number, res: ValueOut) => {
    if (id === CLOCK_REALTIME) res.set(1_000_000n);
    else if (id === CLOCK_MONOTONIC || id === CLOCK_PROCESS_CPUTIME || id === CLOCK_THREAD_CPUTIME) res.set(1_000n);
    else return WASI_ERRNO.INVAL;
    return WASI_ERRNO.SUCCESS;
  }, 'realtime: 1 ms; monotonic (and process/thread time, which are the monotonic clock): 1 µs');
  add('clock_time_get', ['i32', 'i64', 'u64out'], (_ctx: HostCallContext, id: number, _precision: bigint, time: ValueOut) => {
    if (id === CLOCK_REALTIME) time.set(BigInt(Date.now()) * 1_000_000n);
    else if (id === CLOCK_MONOTONIC || id === CLOCK_PROCESS_CPUTIME || id === CLOCK_THREAD_CPUTIME) time.set(BigInt(Math.floor(now() * 1e6)));
    else return WASI_ERRNO.INVAL;
    return WASI_ERRNO.SUCCESS;
  }, 'nanoseconds: realtime (wall clock) or monotonic (process/thread CPU time read the monotonic clock)');
  add('random_get', ['out'], (ctx: HostCallContext, out: OutBuffer) => {
    const r = services.random(ctx);
    const bytes = new Uint8Array(out.capacity);
    const words = new DataView(bytes.buffer);
    let i = 0;
    for (; i + 4 <= bytes.length; i += 4) words.setUint32(i, r.nextU32(), true);
    if (i < bytes.length) {
      const last = r.nextU32();
      for (let k = 0; i < bytes.length; i++, k++) bytes[i] = (last >>> (8 * k)) & 0xff;
    }
    out.write(bytes);
    return WASI_ERRNO.SUCCESS;
  }, "bytes from the instance's seeded generator (randomSeed makes runs reproducible)");

  // ---- the console: fds 0, 1, 2 --------------------------------------------------------
  add('fd_write', ['i32', 'iovecs', 'u32out'], (ctx: HostCallContext, fd: number, data: Uint8Array, written: ValueOut) => {
    if (fd !== 1 && fd !== 2) return WASI_ERRNO.BADF;
    services.write(ctx, fd, data);
    written.set(data.length);
    return WASI_ERRNO.SUCCESS;
  }, 'stdout → print events, stderr → guest-error events, line by line; any other fd: EBADF', 'i32', 1000); // like wasgo.print
  add('fd_read', ['i32', 'i32', 'i32', 'u32out'], (_ctx: HostCallContext, fd: number, _iovs: number, _n: number, read: ValueOut) => {
    if (fd !== 0) return WASI_ERRNO.BADF;
    read.set(0);
    return WASI_ERRNO.SUCCESS;
  }, 'stdin is empty (end of file at once); any other fd: EBADF');
  add('fd_fdstat_get', ['i32', 'region'], (_ctx: HostCallContext, fd: number, stat: GuestRegion) => {
    if (!isConsole(fd)) return WASI_ERRNO.BADF;
    const b = new DataView(new ArrayBuffer(24));
    b.setUint8(0, FILETYPE_CHARACTER_DEVICE);
    b.setBigUint64(8, fd === 0 ? RIGHTS_FD_READ : RIGHTS_FD_WRITE, true);
    stat.write(new Uint8Array(b.buffer));
    return WASI_ERRNO.SUCCESS;
  }, 'fds 0-2 are character devices (so libc treats them as a terminal); any other fd: EBADF');
  refuse('fd_close', ['i32'], noFile, 'the console cannot be closed (ENOTSUP); any other fd: EBADF');
  refuse('fd_seek', ['i32', 'i64', 'i32', 'i32'], noSeek, 'the console does not seek (ESPIPE); any other fd: EBADF');
  refuse('fd_tell', ['i32', 'i32'], noSeek, 'ESPIPE on the console; any other fd: EBADF');
  refuse('fd_pread', ['i32', 'i32', 'i32', 'i64', 'i32'], noSeek, 'ESPIPE on the console; any other fd: EBADF');
  refuse('fd_pwrite', ['i32', 'i32', 'i32', 'i64', 'i32'], noSeek, 'ESPIPE on the console; any other fd: EBADF');
  refuse('fd_fdstat_set_flags', ['i32', 'i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_fdstat_set_rights', ['i32', 'i64', 'i64'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_sync', ['i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_datasync', ['i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_advise', ['i32', 'i64', 'i64', 'i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_allocate', ['i32', 'i64', 'i64'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_filestat_get', ['i32', 'i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_filestat_set_size', ['i32', 'i64'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_filestat_set_times', ['i32', 'i64', 'i64', 'i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_readdir', ['i32', 'i32', 'i32', 'i64', 'i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');
  refuse('fd_renumber', ['i32', 'i32'], noFile, 'ENOTSUP on the console; any other fd: EBADF');

  // ---- no files: no preopened directory, so libc finds nothing to open --------------------
  const badf = () => WASI_ERRNO.BADF;
  refuse('fd_prestat_get', ['i32', 'i32'], badf, 'EBADF: there are no preopened directories');
  refuse('fd_prestat_dir_name', ['i32', 'i32', 'i32'], badf, 'EBADF: there are no preopened directories');
  refuse('path_open', ['i32', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32', 'i32'], badf, 'EBADF: no directory is open, so nothing can be opened (at every level)');
  refuse('path_create_directory', ['i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_filestat_get', ['i32', 'i32', 'i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_filestat_set_times', ['i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_link', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_readlink', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_remove_directory', ['i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_rename', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_symlink', ['i32', 'i32', 'i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');
  refuse('path_unlink_file', ['i32', 'i32', 'i32'], badf, 'EBADF: no directory is open');

  // ---- no sockets ----------------------------------------------------------------------
  const noSocket = (fd: number) => (isConsole(fd) ? WASI_ERRNO.NOTSOCK : WASI_ERRNO.BADF);
  refuse('sock_accept', ['i32', 'i32', 'i32'], noSocket, 'no sockets: ENOTSOCK on the console, else EBADF');
  refuse('sock_recv', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], noSocket, 'no sockets: ENOTSOCK on the console, else EBADF');
  refuse('sock_send', ['i32', 'i32', 'i32', 'i32', 'i32'], noSocket, 'no sockets: ENOTSOCK on the console, else EBADF');
  refuse('sock_shutdown', ['i32', 'i32'], noSocket, 'no sockets: ENOTSOCK on the console, else EBADF');

  // ---- process ---------------------------------------------------------------------------
  add('proc_exit', ['i32'], (_ctx: HostCallContext, code: number) => {
    throw new ProcExit(code | 0);
  }, 'ends the call cleanly with this exit code (runMain/start return it; `wasgo run` exits with it)', 'void');
  add('proc_raise', ['i32'], () => WASI_ERRNO.NOTSUP, 'ENOTSUP: no signals');
  add('sched_yield', [], () => WASI_ERRNO.SUCCESS, 'returns at once');
  add('poll_oneoff', ['i32', 'i32', 'i32', 'i32'], () => WASI_ERRNO.NOTSUP, 'ENOTSUP: no sleeping or waiting on descriptors');
  return specs;
}

const decoder = new TextDecoder('utf-8');

/**
 * Line buffering for one output stream of one instance: text is emitted a line at a time
 * (without its `\n`, and without a `\r` before it), so `printf("a"); printf("b\n")` is one line.
 * A line longer than `maxBytes` is emitted in pieces of at most that many bytes, cut between
 * UTF-8 characters. Invalid UTF-8 becomes U+FFFD.
 */
export class LineBuffer {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly emit: (line: string) => void, private readonly maxBytes = MAX_LINE_BYTES) {}

  write(data: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      const end = nl < 0 ? data.length : nl;
      this.push(data.subarray(start, end));
      if (nl < 0) return;
      this.emitPending(true);
      start = nl + 1;
    }
  }

  /** Emits whatever is pending as a line (main returned, the instance is going away). */
  flush(): void {
    if (this.pendingBytes > 0) this.emitPending(true);
  }

  private push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, this.maxBytes - this.pendingBytes);
      this.pending.push(bytes.slice(at, at + n));
      this.pendingBytes += n;
      at += n;
      if (this.pendingBytes >= this.maxBytes) this.emitPending(false);
    }
  }

  private emitPending(lineEnd: boolean): void {
    let all = concat(this.pending, this.pendingBytes);
    let rest = new Uint8Array(0);
    if (!lineEnd) {
      // Cut before an incomplete UTF-8 character at the end; it goes on the next piece.
      const cut = utf8Boundary(all);
      rest = all.slice(cut);
      all = all.subarray(0, cut);
    } else if (all.length && all[all.length - 1] === 0x0d) {
      all = all.subarray(0, all.length - 1);
    }
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    this.emit(decoder.decode(all));
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The length of the longest prefix that does not end inside a UTF-8 character (at most 3 bytes shorter). */
function utf8Boundary(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? b.length - back : b.length;
  }
  return b.length;
}
