/**
 * Lifecycle step 7: the guest's main runs in its own thread so that it can be killed and its
 * errors reported. `startMain` spawns a worker, hands it the compiled module (shared, not
 * recompiled) and serves its host calls on this thread until main returns, fails, is killed
 * or times out.
 */
import { Killed, ProcExit, Timeout, ValueTooLarge, WasGoError, WorkerError, HostError, type ErrorPlace } from '../engine/errors';
import type { SafetyLevel } from '../engine/settings';
import { encodeResult, qualifiedName } from '../table/marshal';
import type { HostCallContext, HostFunctionSpec } from '../table/host-function';
import type { ModuleInfo } from '../wasm/info';
import { HostEnd, hasWaitAsync } from './channel';
import {
  DEFAULT_CHANNEL_BYTES, DEFAULT_MAX_CALL_BYTES, F_BEAT, F_STOPPED, F_USED, HEADER_BYTES, K_CALL, K_FAULT, Reader, Writer, deserializeError, readArg,
  writeOutputs, writeResult, type FunctionDescriptor, type SerializedError, type WakeMode, type WorkerMessage,
} from './protocol';
import { acquireSlot } from './slots';
import { assertWorkersAvailable, spawnWorker, type IsolateWorker } from './worker';
import { epochNow } from './worker-meter';

/** Channel tuning; the defaults are the fastest robust choice measured (docs/isolation.md). */
export interface ChannelOptions {
  /** Size of the data area; bigger messages are chunked. Default 64 KiB. */
  bytes?: number;
  /** How an idle main thread learns of a request. Default 'waitAsync' where available, else 'message'. */
  wake?: WakeMode;
  /** Main thread: keep spinning this long after an answer for the guest's next call, µs. Default 50; 0 = never spin. */
  mainSpinUs?: number;
  /** Worker: spin this long for an answer before sleeping in Atomics.wait, µs. Default 200. */
  workerSpinUs?: number;
  /**
   * Main thread: longest stretch of back-to-back serving before yielding to the event loop, ms,
   * shared by all worker mains of the realm (the first run's value holds while it serves). Default 4.
   */
  sliceMs?: number;
  /** Most bytes one host call may move (arguments + `out` capacity, or the answer). Default 1 MiB. */
  maxCallBytes?: number;
  /**
   * Let the realm's supervising thread own the worker, so the deadline holds even while the main
   * thread is blocked (docs/isolation.md). Default true; false spawns from the main thread.
   */
  supervised?: boolean;
}

export interface StartOptions {
  /** Entry point export; default main, _start, __main_argc_argv (like runMain). */
  entry?: string;
  /** Wall-clock limit in ms, counted from start(); 0 = none. Default: the engine's mainTimeoutMs. */
  timeoutMs?: number;
  /**
   * Fuel budget for main (metered modules: the worker's own meter, see docs/isolation.md).
   * Default: the engine's fuelPerMain (1e10). 0 = unmetered: then only timeoutMs and kill() bound it.
   */
  fuel?: number;
  channel?: ChannelOptions;
}

/**
 * - `starting`: the worker is being spawned and instantiated;
 * - `running`: main is running;
 * - `finished`: main returned (result resolved);
 * - `failed`: it trapped, faulted, was killed or timed out (result rejected with the WasGoError).
 */
export type MainRunState = 'starting' | 'running' | 'finished' | 'failed';

/** A main() running in a worker. */
export interface MainRun {
  /** main's i32 result (0 for void); rejects with a classified WasGoError. */
  readonly result: Promise<number>;
  readonly state: MainRunState;
  /** Why the run failed, once it has. */
  readonly error: WasGoError | undefined;
  /** Fuel main used (metered modules), once it ended on its own. */
  readonly fuelUsed: number;
  /** Ends the run now (worker.terminate) with `Killed`; a no-op once it has ended. */
  kill(): void;
  /**
   * What the worker side recorded, in wall-clock ms (performance.timeOrigin + now(), 0 = never):
   * the guest's last heartbeat (every fuel refill and host call) and when it was stopped (by the
   * worker's own meter, the supervising watchdog, or the main thread's terminate), and whether a
   * supervising thread owned the worker.
   */
  readonly watchdog: WatchdogView;
}

export interface WatchdogView {
  lastBeat: number;
  stoppedAt: number;
  supervised: boolean;
}

/** What startMain needs from an instance. */
export interface RunTarget {
  instance: number;
  name: string;
  level: SafetyLevel;
  module: WebAssembly.Module;
  info: ModuleInfo;
  entry: { name: string; form: 'no-args' | 'argc-argv' };
  /** argv[0] is the mod's name. */
  argv: string[];
  /** The host functions the module's imports resolve to (any level; the worker links like the engine). */
  functions: readonly Readonly<HostFunctionSpec>[];
  memoryMb: number;
  fuel: number;
  fuelGlobal: string;
  /** Units per ns of host-call time (the engine's calibration). */
  unitsPerNs?: number;
  hostFloor?: number;
  timeoutMs: number;
  /** The engine's cap on concurrent worker mains (default 16). */
  maxWorkers?: number;
  /** Called once when the run ends. */
  end(error: WasGoError | undefined, fuelUsed: number): void;
  /** Rewrites the error a run ends with (e.g. MemoryLimit after a refused grow), before anyone sees it. */
  explain?(error: WasGoError): WasGoError;
}

/** Starts main in a worker. Throws WorkerUnavailable synchronously when worker mode cannot work here. */
export function startMain(target: RunTarget, channel: ChannelOptions = {}): MainRun {
  assertWorkersAvailable();
  const release = acquireSlot(target.maxWorkers ?? 16, { module: target.name, export: target.entry.name, instance: target.instance });
  try {
    return new WorkerRun(target, channel, release);
  } catch (e) {
    release();
    throw e;
  }
}

class WorkerRun implements MainRun {
  readonly result: Promise<number>;
  state: MainRunState = 'starting';
  error: WasGoError | undefined;
  fuelUsed = 0;
  private worker: IsolateWorker | undefined;
  private readonly host: HostEnd;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly place: ErrorPlace;
  private readonly ctx: HostCallContext;
  private readonly writer = new Writer();
  private readonly times: Float64Array;
  private readonly maxCallBytes: number;
  private settle!: { resolve(v: number): void; reject(e: WasGoError): void };

  constructor(private readonly t: RunTarget, o: ChannelOptions, private readonly releaseSlot: () => void) {
    this.place = { module: t.name, export: t.entry.name, instance: t.instance };
    this.ctx = { instanceId: t.instance, mod: t.name, level: t.level, guest: undefined };
    this.result = new Promise<number>((resolve, reject) => (this.settle = { resolve, reject }));
    this.result.catch(() => undefined); // failures also reach the engine's 'error' event; never an unhandled rejection
    const wake: WakeMode = o.wake ?? (hasWaitAsync ? 'waitAsync' : 'message');
    const buffer = new SharedArrayBuffer(HEADER_BYTES + Math.max(64, o.bytes ?? DEFAULT_CHANNEL_BYTES));
    this.times = new Float64Array(buffer, 0, HEADER_BYTES / 8);
    this.maxCallBytes = o.maxCallBytes ?? DEFAULT_MAX_CALL_BYTES;
    const deadline = t.timeoutMs > 0 ? epochNow() + t.timeoutMs : 0;
    this.host = new HostEnd(buffer, (kind, message) => this.request(kind, message), {
      wake, spinUs: o.mainSpinUs ?? 50, sliceMs: o.sliceMs ?? 4,
    });
    this.host.start();
    if (t.timeoutMs > 0) {
      this.timer = setTimeout(() => this.stop(new Timeout(`main did not finish within ${t.timeoutMs} ms`, this.place)), t.timeoutMs);
    }
    const functions: FunctionDescriptor[] = t.functions.map((f) => ({
      module: f.module, name: f.name, params: [...f.params], result: f.result, level: f.level, kind: f.kind, inlineOnly: f.inlineOnly === true, cost: f.cost ?? 0,
    }));
    const spawned = (worker: IsolateWorker): void => {
      this.worker = worker;
      if (this.state === 'finished' || this.state === 'failed') {
        worker.terminate();
        return;
      }
      worker.post({
        type: 'init', module: t.module, channel: buffer, name: t.name, instance: t.instance, level: t.level,
        memoryMb: t.memoryMb, info: t.info, functions, entry: t.entry, argv: t.argv, fuel: t.fuel, fuelGlobal: t.fuelGlobal,
        ...(t.unitsPerNs !== undefined ? { unitsPerNs: t.unitsPerNs } : {}), ...(t.hostFloor !== undefined ? { hostFloor: t.hostFloor } : {}),
        deadline, timeoutMs: t.timeoutMs, maxCallBytes: this.maxCallBytes, wake, spinUs: o.workerSpinUs ?? 200,
      });
    };
    const cannot = (e: unknown): void => {
      this.stop(e instanceof WasGoError ? e.at(this.place) : new WorkerError(`cannot start a worker: ${(e as Error)?.message ?? String(e)}`, this.place, { cause: e }));
    };
    try {
      const w = spawnWorker({
        cancelled: () => this.state === 'finished' || this.state === 'failed',
        message: (m) => this.message(m),
        failure: (e) => this.stop(e instanceof WasGoError ? e.at(this.place) : new WorkerError(`the worker failed: ${e.message}`, this.place, { cause: e })),
        timeout: () => this.stop(new Timeout(`main did not finish within ${t.timeoutMs} ms`, this.place)),
      }, { maxThreads: t.maxWorkers ?? 16, deadline, channel: buffer, supervised: o.supervised });
      // Usually synchronous: the worker (and the supervisor's deadline) are under way before start() returns.
      if (w instanceof Promise) w.then(spawned, cannot);
      else spawned(w);
    } catch (e) {
      queueMicrotask(() => cannot(e)); // the caller gets its MainRun first, then the failure
    }
  }

  kill(): void {
    this.stop(new Killed('main was killed', this.place));
  }

  get watchdog(): WatchdogView {
    return { lastBeat: this.times[F_BEAT]!, stoppedAt: this.times[F_STOPPED]!, supervised: this.worker?.supervised === true };
  }

  private message(m: WorkerMessage): void {
    switch (m.type) {
      case 'wake': this.host.wake(); break;
      case 'started': if (this.state === 'starting') this.state = 'running'; break;
      case 'done': this.end(undefined, m.result, m.fuelUsed); break;
      case 'failed': this.end(this.rebuild(m.error), 0, m.fuelUsed); break;
    }
  }

  /** Ends the run with an error (kill, timeout, fault, host error): fuel as the worker's meter last published it. */
  private stop(error: WasGoError): void {
    this.end(error, 0, this.times[F_USED]!);
  }

  private end(error: WasGoError | undefined, result: number, fuelUsed: number): void {
    if (this.state === 'finished' || this.state === 'failed') return;
    if (error && this.t.explain) error = this.t.explain(error);
    this.state = error ? 'failed' : 'finished';
    this.error = error;
    this.fuelUsed = fuelUsed;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.host.close();
    if (this.worker) {
      if (!this.times[F_STOPPED]) this.times[F_STOPPED] = epochNow();
      this.worker.terminate();
    }
    this.releaseSlot();
    try {
      this.t.end(error, fuelUsed);
    } finally {
      if (error) this.settle.reject(error);
      else this.settle.resolve(result);
    }
  }

  private rebuild(s: SerializedError): WasGoError {
    return deserializeError(s).at(this.place);
  }

  /** A complete request from the worker: a host call (answered now or later) or a fault. */
  private request(kind: number, message: Uint8Array): Uint8Array | Promise<Uint8Array | undefined> | undefined {
    const t0 = performance.now();
    if (kind === K_FAULT) {
      this.stop(this.rebuild(JSON.parse(new TextDecoder().decode(message)) as SerializedError));
      return undefined;
    }
    if (kind !== K_CALL) {
      this.stop(new WorkerError(`unknown request kind ${kind} on the channel`, this.place));
      return undefined;
    }
    const r = new Reader(message);
    const spec = this.t.functions[r.u32()];
    if (!spec) {
      this.stop(new WorkerError('the worker called a host function that does not exist', this.place));
      return undefined;
    }
    const fn = qualifiedName(spec);
    if (message.length > this.maxCallBytes + 64) {
      // The worker checks this before sending; this is the main thread's own guard.
      this.stop(new ValueTooLarge(`${fn} would move ${message.length} bytes in one call from a worker; at most ${this.maxCallBytes}`, this.place));
      return undefined;
    }
    const args = spec.params.map((k) => readArg(r, k));
    /**
     * The answer: the main-thread time this call took, ns (the worker's meter prices it with this
     * thread's calibration, so it bills a flood of slow calls), the result, the outputs.
     */
    const answer = (v: unknown, since: number): Uint8Array | undefined => {
      const w = this.writer.reset();
      w.f64(0);
      writeResult(w, spec.result, encodeResult(spec.result, v as never, fn));
      writeOutputs(w, spec.params, args);
      if (w.length > this.maxCallBytes + 64) {
        this.stop(new ValueTooLarge(`${fn} answered with ${w.length} bytes; a host call from a worker may move at most ${this.maxCallBytes}`, this.place));
        return undefined;
      }
      const out = w.data.slice();
      new DataView(out.buffer).setFloat64(0, Math.max(0, (performance.now() - since) * 1e6), true);
      return out;
    };
    const impl = spec.implementation as (ctx: HostCallContext, ...a: unknown[]) => unknown;
    try {
      const v = impl(this.ctx, ...args);
      if (!(v instanceof Promise)) return answer(v, t0);
      // Asynchronous: the time until the promise settles is not main-thread work; what runs now is.
      const syncPart = performance.now() - t0;
      return v.then((x) => answer(x, performance.now() - syncPart), (e: unknown) => {
        this.stop(this.hostError(e, fn));
        return undefined;
      });
    } catch (e) {
      // WASI proc_exit: main ends cleanly with that code (the worker is stopped mid-call).
      if (e instanceof ProcExit) this.end(undefined, e.exitCode, 0);
      else this.stop(this.hostError(e, fn));
      return undefined;
    }
  }

  private hostError(e: unknown, fn: string): WasGoError {
    if (e instanceof WasGoError) return e.at(this.place);
    return new HostError(`${fn} failed: ${(e as Error)?.message ?? String(e)}`, this.place, { cause: e });
  }
}
