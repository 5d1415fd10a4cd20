/**
 * The wire format between the main thread and a worker running a guest's main (see
 * docs/isolation.md). Two kinds of traffic:
 * - structured-clone messages (postMessage) to start a run and to report how it ended;
 * - a SharedArrayBuffer channel for synchronous host calls (the guest blocks in Atomics.wait).
 * Everything here is plain data and is bundled into the worker as well.
 */
import * as errors from '../engine/errors';
import { ImportRefused, ProcExit, WasGoError, type ErrorPlace } from '../engine/errors';
import type { SafetyLevel } from '../engine/settings';
import type { GuestRegion, OutBuffer, ParamKind, ResultKind, ValueOut } from '../table/host-function';
import { collectingOut, collectingRegion, collectingValue } from '../table/marshal';
import type { ModuleInfo } from '../wasm/info';

// ---- the SharedArrayBuffer channel -------------------------------------------------------

/** Int32 slots at the start of the channel buffer. */
export const H_STATE = 0; // who owns the data area: S_REQUEST (main's turn) or S_RESPONSE (worker's turn)
export const H_KIND = 1; // what the current chunk is (K_*)
export const H_LEN = 2; // bytes of the message in this chunk
export const H_TOTAL = 3; // bytes of the whole message (> H_LEN when chunked)
export const H_WORKER_WAITING = 4; // 1 while the worker sleeps in Atomics.wait (main must notify)
export const H_MAIN_WAITING = 5; // 1 while the main thread waits asynchronously (worker must wake it)
/** Float64 slots (index into a Float64Array over the header): wall-clock ms, 0 = not yet. */
export const F_BEAT = 4; // the worker's last heartbeat (every fuel refill, every host call)
export const F_STOPPED = 5; // when the guest was stopped (by the worker's own meter, the supervisor or the main thread)
export const F_USED = 6; // fuel units the worker's meter has handed out or billed so far (an upper bound of fuelUsed)
export const HEADER_BYTES = 64;

export const S_IDLE = 0;
export const S_REQUEST = 1; // the worker wrote something for the main thread
export const S_RESPONSE = 2; // the main thread wrote something for the worker
export const S_CLOSED = 3; // the run ended; nobody answers any more

/** Worker → main: a host call. Main → worker: its result. */
export const K_CALL = 1;
/** Worker → main: the guest hit an error stub or failed a check; kill the thread and report it. */
export const K_FAULT = 2;
/** Either way: "I have your chunk, send the next one". */
export const K_MORE = 3;

/** Default data area: big enough that almost every call fits in one chunk. */
export const DEFAULT_CHANNEL_BYTES = 64 * 1024;
/**
 * Most bytes one host call from a worker may move (arguments sent plus `out` capacity asked
 * for, or the answer): a bigger call is refused with ValueTooLarge, so no single call can hold
 * the main thread for long (a 60 MiB WASI random_get took it 330–410 ms).
 */
export const DEFAULT_MAX_CALL_BYTES = 1024 * 1024;

// ---- postMessage traffic -------------------------------------------------------------------

/** One host function the guest imports, as the worker must link it (implementation stays on main). */
export interface FunctionDescriptor {
  module: string;
  name: string;
  params: ParamKind[];
  result: ResultKind;
  level: SafetyLevel;
  kind: 'core' | 'wrapper';
  inlineOnly: boolean;
  /** Fuel per call, charged in the worker like inline (see HostFunctionSpec.cost). */
  cost: number;
}

/** How the main thread learns that a request is waiting when it is not spinning. */
export type WakeMode = 'waitAsync' | 'message';

export interface InitMessage {
  type: 'init';
  module: WebAssembly.Module;
  channel: SharedArrayBuffer;
  name: string;
  instance: number;
  level: SafetyLevel;
  memoryMb: number;
  info: ModuleInfo;
  functions: FunctionDescriptor[];
  entry: { name: string; form: 'no-args' | 'argc-argv' };
  argv: string[];
  /** Fuel budget for main; 0 = unmetered. */
  fuel: number;
  fuelGlobal: string;
  /** The main thread's calibration: fuel units per ns of host-call time (engine/meter.ts). */
  unitsPerNs?: number;
  /** The main thread's calibrated floor per host call, units. */
  hostFloor?: number;
  /** Wall-clock deadline for the run, epoch ms (performance.timeOrigin + now()); 0 = none. */
  deadline: number;
  timeoutMs: number;
  /** Most bytes one host call may move (DEFAULT_MAX_CALL_BYTES). */
  maxCallBytes: number;
  wake: WakeMode;
  /** How long the worker spins before sleeping in Atomics.wait, µs. */
  spinUs: number;
}

/**
 * The loader: a worker that validates, rewrites and compiles modules off the main thread
 * (engine.compile with offThread, ts/isolate/loader.ts). One worker serves many requests.
 */
export interface PrepareRequest {
  type: 'prepare';
  id: number;
  bytes: Uint8Array;
  options: { name: string; memoryMb: number; meter: boolean; maxTableEntries?: number | undefined };
}

export type PrepareReply =
  | { type: 'prepared'; id: number; prepared: { bytes: Uint8Array<ArrayBuffer>; info: ModuleInfo; tableEntries: number; metered: boolean; frames?: { importedFunctions: number; definedFunctions: number } | undefined }; module: WebAssembly.Module }
  | { type: 'prepare-failed'; id: number; error: SerializedError };

export type WorkerMessage =
  | { type: 'started' }
  | { type: 'wake' }
  | { type: 'done'; result: number; fuelUsed: number }
  | { type: 'failed'; error: SerializedError; fuelUsed: number };

// ---- errors across threads -----------------------------------------------------------------

export interface SerializedError {
  code: string;
  errno: number;
  message: string;
  place: ErrorPlace;
  refused?: { importModule: string; importName: string; signature: string; levelNeeded: number | null; level: number };
  /** ProcExit's code. */
  exit?: number;
  cause?: SerializedError;
}

export function serializeError(e: WasGoError): SerializedError {
  const s: SerializedError = { code: e.code, errno: e.errno, message: e.message, place: { ...e.place } };
  if (e instanceof ImportRefused) {
    s.refused = { importModule: e.importModule, importName: e.importName, signature: e.signature, levelNeeded: e.levelNeeded, level: e.level };
  }
  if (e instanceof ProcExit) s.exit = e.exitCode;
  if (e.cause instanceof WasGoError) s.cause = serializeError(e.cause);
  return s;
}

type PlainKind = new (message: string, place?: ErrorPlace, options?: { cause?: unknown }) => WasGoError;
const KINDS = new Map<string, PlainKind>();
for (const v of Object.values(errors)) {
  if (typeof v === 'function' && v.prototype instanceof WasGoError && v !== ImportRefused && v !== ProcExit) KINDS.set(v.name, v as unknown as PlainKind);
}

/** Rebuilds the same error class on this side (unknown codes become a plain WasGoError with that code). */
export function deserializeError(s: SerializedError): WasGoError {
  const cause = s.cause ? { cause: deserializeError(s.cause) } : undefined;
  if (s.refused) {
    const r = s.refused;
    return new ImportRefused(r.importModule, r.importName, r.signature, r.levelNeeded, r.level as SafetyLevel, s.place);
  }
  if (s.exit !== undefined) return new ProcExit(s.exit, s.place);
  const C = KINDS.get(s.code);
  if (C) {
    const e = new C(s.message, s.place, cause);
    if (e.code === s.code) return e;
  }
  return new WasGoError(s.code, s.errno, s.message, s.place, cause);
}

// ---- binary encoding of calls --------------------------------------------------------------

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A growable little-endian byte writer; reused across calls. */
export class Writer {
  private buf = new ArrayBuffer(256);
  private bytes = new Uint8Array(this.buf);
  private view = new DataView(this.buf);
  length = 0;

  reset(): this {
    this.length = 0;
    return this;
  }

  private room(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.byteLength) return;
    let size = this.buf.byteLength * 2;
    while (size < need) size *= 2;
    const next = new ArrayBuffer(size);
    new Uint8Array(next).set(this.bytes.subarray(0, this.length));
    this.buf = next;
    this.bytes = new Uint8Array(next);
    this.view = new DataView(next);
  }

  u8(v: number): void {
    this.room(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  i64(v: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.length, BigInt.asIntN(64, v), true);
    this.length += 8;
  }

  bytesWithLength(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  string(s: string): void {
    // UTF-8 is at most 3 bytes per UTF-16 unit.
    this.room(4 + s.length * 3);
    const at = this.length + 4;
    const { written } = encoder.encodeInto(s, this.bytes.subarray(at));
    this.view.setUint32(this.length, written, true);
    this.length = at + written;
  }

  /** The written bytes (a view, valid until the next write). */
  get data(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

export class Reader {
  private readonly view: DataView;
  at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(): number {
    return this.view.getUint8(this.at++);
  }

  u32(): number {
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  f64(): number {
    const v = this.view.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }

  i64(): bigint {
    const v = this.view.getBigInt64(this.at, true);
    this.at += 8;
    return v;
  }

  bytesWithLength(): Uint8Array {
    const n = this.u32();
    const b = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return b;
  }

  string(): string {
    const n = this.u32();
    const s = decoder.decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
}

/** Writes one argument of a host call (as the worker decoded it) for the main thread. */
export function writeArg(w: Writer, kind: ParamKind, v: unknown): void {
  switch (kind) {
    case 'i32': case 'f32': case 'f64': w.f64(v as number); break;
    case 'i64': w.i64(v as bigint); break;
    case 'string': case 'asstring': w.string(v as string); break;
    case 'bytes': case 'iovecs': w.bytesWithLength(v as Uint8Array); break;
    case 'out': w.u32((v as { capacity: number }).capacity); break;
    case 'u32out': case 'u64out': break; // checked by the worker; the value comes back in the answer
    case 'region': w.u32((v as GuestRegion).address); break;
  }
}

/** What the main thread hands the implementation for an output parameter (filled there, applied in the worker). */
export type HostSideArg = number | bigint | string | Uint8Array | CollectingOut | CollectingValue | CollectingRegion;
type CollectingOut = ReturnType<typeof collectingOut>;
type CollectingValue = ReturnType<typeof collectingValue>;
type CollectingRegion = ReturnType<typeof collectingRegion>;

/** Reads one argument on the main thread: values as themselves, output parameters as collecting buffers. */
export function readArg(r: Reader, kind: ParamKind): HostSideArg {
  switch (kind) {
    case 'i32': case 'f32': case 'f64': return r.f64();
    case 'i64': return r.i64();
    case 'string': case 'asstring': return r.string();
    case 'bytes': case 'iovecs': return r.bytesWithLength();
    case 'out': return collectingOut(r.u32());
    case 'u32out': case 'u64out': return collectingValue();
    case 'region': return collectingRegion(r.u32());
  }
}

/** Main thread, after the call: what the implementation wrote through each output parameter. */
export function writeOutputs(w: Writer, kinds: readonly ParamKind[], args: readonly HostSideArg[]): void {
  kinds.forEach((k, i) => {
    const a = args[i];
    switch (k) {
      case 'out': w.bytesWithLength((a as CollectingOut).data); break;
      case 'u32out': case 'u64out': {
        const v = (a as CollectingValue).value;
        w.u8(v === undefined ? 0 : 1);
        if (v !== undefined) w.i64(BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v))));
        break;
      }
      case 'region': {
        const d = (a as CollectingRegion).data;
        w.u8(d ? 1 : 0);
        if (d) w.bytesWithLength(d);
        break;
      }
      default: break;
    }
  });
}

/** Worker, with the answer: applies the outputs to the guest-side objects the linker made (bounds-checked there). */
export function applyOutputs(r: Reader, kinds: readonly ParamKind[], args: readonly unknown[]): void {
  kinds.forEach((k, i) => {
    switch (k) {
      case 'out': {
        const data = r.bytesWithLength();
        if (data.length) (args[i] as OutBuffer).write(data);
        break;
      }
      case 'u32out': case 'u64out':
        if (r.u8()) {
          const v = r.i64();
          (args[i] as ValueOut).set(k === 'u32out' ? Number(BigInt.asUintN(32, v)) : v);
        }
        break;
      case 'region':
        if (r.u8()) (args[i] as GuestRegion).write(r.bytesWithLength());
        break;
      default: break;
    }
  });
}

export function writeResult(w: Writer, kind: ResultKind, v: number | bigint | undefined): void {
  if (kind === 'void') return;
  if (kind === 'i64') w.i64(v as bigint);
  else w.f64(v as number);
}

export function readResult(r: Reader, kind: ResultKind): number | bigint | undefined {
  if (kind === 'void') return undefined;
  return kind === 'i64' ? r.i64() : r.f64();
}
