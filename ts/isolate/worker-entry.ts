/**
 * The code that runs inside a worker (bundled on its own by build.mjs and embedded as a string
 * in every WasGo bundle). It instantiates its own instance of the shared WebAssembly.Module,
 * linked exactly like an inline instance (the same `link`, so the same bounds checks, UTF-8
 * decoding and error stubs) except that every host function forwards the decoded arguments to
 * the main thread over the channel and blocks until the answer comes back.
 */
import { HostError, InstantiateError, InternalError, ValueTooLarge, WasGoError, WorkerError, type ErrorPlace } from '../engine/errors';
import { prepareModule, rewrittenInvalid } from '../engine/prepare';
import { classify, guestFrames } from '../engine/traps';
import { allocatorOf, writeArgv } from '../guest/argv';
import { FunctionTable } from '../table/function-table';
import type { HostCallContext } from '../table/host-function';
import { bindInstance, link, type Binding } from '../table/linker';
import { FUEL_REFILL_MODULE, FUEL_REFILL_NAME, START_EXPORT, TABLE_GROW_REQUEST, WORKER_GROW_MODULE, WORKER_GROW_NAME } from '../wasm/fuel-names';
import { GuestEnd } from './channel';
import {
  F_BEAT, F_STOPPED, F_USED, HEADER_BYTES, K_CALL, K_FAULT, Reader, Writer, applyOutputs, readResult, serializeError, writeArg,
  type FunctionDescriptor, type InitMessage, type PrepareReply, type PrepareRequest, type WorkerMessage,
} from './protocol';
import { WorkerMeter, epochNow, workerPricing, type HostPricing } from './worker-meter';

/** How the worker talks to its parent (Node's parentPort or a Web Worker's self). */
export interface WorkerPort {
  post(message: WorkerMessage | PrepareReply): void;
  listen(fn: (message: InitMessage | PrepareRequest) => void): void;
}

export function serve(port: WorkerPort): void {
  let started = false;
  port.listen((m) => {
    if (m?.type === 'prepare') {
      if (!started) void prepare(m, port); // a loader worker (ts/isolate/loader.ts) never runs a guest
      return;
    }
    if (m?.type !== 'init' || started) return;
    started = true;
    run(m, port);
  });
}

/** Validates, rewrites and compiles one module for the main thread (its load cache is the main thread's). */
async function prepare(m: PrepareRequest, port: WorkerPort): Promise<void> {
  try {
    const p = prepareModule(m.bytes, { ...m.options, revalidate: false, cache: false });
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(p.bytes);
    } catch (e) {
      throw rewrittenInvalid(p.bytes, m.options.name, e);
    }
    port.post({ type: 'prepared', id: m.id, prepared: { bytes: p.bytes, info: p.info, tableEntries: p.tableEntries, metered: p.metered, frames: p.frames }, module });
  } catch (e) {
    const error = e instanceof WasGoError ? e : new InternalError(`loading ${m.options.name} in the loader worker failed: ${(e as Error)?.message ?? String(e)}`, { module: m.options.name });
    port.post({ type: 'prepare-failed', id: m.id, error: serializeError(error) });
  }
}

function run(init: InitMessage, port: WorkerPort): void {
  const place: ErrorPlace = { module: init.name, instance: init.instance };
  const times = new Float64Array(init.channel, 0, HEADER_BYTES / 8);
  // Contract v2: a metered module imports __wasgo.fuel_refill; it is bound to this thread's meter.
  // (`info` is the guest's own view and does not list it: ask the compiled module.)
  const metered = WebAssembly.Module.imports(init.module).some(isRefill);
  const meter = new WorkerMeter(metered ? init.fuel : 0, init.deadline, init.timeoutMs, (now, used) => {
    times[F_BEAT] = now;
    times[F_USED] = used;
  });
  const channel = new GuestEnd(init.channel, init.spinUs, init.wake === 'message' ? () => port.post({ type: 'wake' }) : () => undefined,
    init.deadline, () => meter.timedOut());
  const pricing = workerPricing(init);
  let counter: WebAssembly.Global | undefined;
  /** Units used: handed out and billed, minus what is left of the guest's current slice. */
  const fuelUsed = (): number => (counter ? meter.settle(Number(counter.value)) : 0);

  // An error stub was called or a check failed: tell the main thread, which kills this thread.
  // The meter's own errors (OutOfFuel, Timeout) need no help: they unwind main, which reports them.
  const fault = (error: WasGoError): WasGoError => {
    if (error === meter.exhausted) return error;
    const frames = guestFrames(new Error());
    error.at(frames.length ? { ...place, guestStack: frames } : place);
    channel.transact(K_FAULT, new TextEncoder().encode(JSON.stringify(serializeError(error))));
    throw error; // not reached: the main thread never answers a fault
  };

  try {
    const table = new FunctionTable();
    let askGrow: ((pages: number, size: number) => unknown) | undefined;
    init.functions.forEach((f, index) => {
      const implementation = forwarder(f, index, channel, meter, pricing, init.maxCallBytes);
      if (f.module === WORKER_GROW_MODULE && f.name === WORKER_GROW_NAME) askGrow = (pages, size) => implementation(undefined as never, pages, size);
      else table.register({ ...f, implementation });
    });
    const binding: Binding = {};
    // The refill is linked here, to the worker's meter, not by the linker: the linker's refill
    // and host-call billing belong to the engine's FuelPort on the main thread; in the worker the
    // forwarders bill host calls.
    const linked = link(init.info, {
      table, level: init.level, moduleName: init.name, instanceId: init.instance, memoryMb: init.memoryMb,
      strictImports: false, binding, fault, currentFault: () => meter.exhausted,
    });
    // fuel_refill(v ≥ 0) is a rewritten memory.grow (docs/limits.md "Committed memory"): the main
    // thread's budget is asked first, then this thread's copy grows.
    const grow = (pages: number): number => {
      meter.charge(pricing.floor, 'memory.grow'); // a hand-written refill loop cannot spin for free
      if (pages >= TABLE_GROW_REQUEST) return askGrow?.(pages, 0) === 1 ? 1 : 0; // table: the guest's table.grow follows
      const memory = binding.memory;
      if (!memory) return -1;
      const size = memory.buffer.byteLength / 65536;
      if (pages === 0) return size;
      if (!askGrow || askGrow(pages, size) !== 1) return -1;
      try {
        return memory.grow(pages);
      } catch {
        return -1; // held until the run ends (the thread's memory goes with it)
      }
    };
    if (metered) (linked.imports[FUEL_REFILL_MODULE] ??= {})[FUEL_REFILL_NAME] = (v: number) => (v >= 0 ? grow(v) : meter.refill(v));
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(init.module, linked.imports);
    } catch (e) {
      // Running out of fuel or time in the start function is that, not a failed instantiation.
      if (meter.exhausted) throw meter.exhausted;
      const c = classify(e, place);
      throw new InstantiateError(`cannot instantiate ${init.name}: ${c.describe()}`, place, { cause: c });
    }
    const exports = instance.exports;
    const f = exports[init.fuelGlobal];
    if (metered && f instanceof WebAssembly.Global) {
      const global = f;
      counter = global;
      meter.counter = () => Number(global.value);
    }
    bindInstance(binding, exports, linked.memory, init.name);
    binding.fuel = undefined; // host calls are billed to the meter by the forwarders, not to the counter (a slice)
    port.post({ type: 'started' });

    const main = exports[init.entry.name] as (...a: number[]) => unknown;
    let result: unknown;
    try {
      // The deferred wasm start function (this is a fresh instance), then a WASI reactor's
      // `_initialize`, as the engine does for inline instances.
      const start = exports[START_EXPORT];
      if (typeof start === 'function') (start as () => void)();
      const initialize = exports._initialize;
      if (typeof initialize === 'function' && initialize.length === 0) (initialize as () => void)();
      const args = init.entry.form === 'argc-argv' ? writeArgv(init.argv, binding.guest?.memory, allocatorOf(exports), (f, n) => Number((exports[f] as (n: number) => unknown)(n)), init.name) : [];
      result = main(...args);
      // A guest that caught the meter's error and returned is still out of fuel / time.
      if (meter.exhausted) throw meter.exhausted;
    } catch (e) {
      times[F_STOPPED] = epochNow();
      throw classify(meter.exhausted ?? e, { ...place, export: init.entry.name });
    }
    times[F_STOPPED] = epochNow();
    port.post({ type: 'done', result: result === undefined ? 0 : Number(result) | 0, fuelUsed: fuelUsed() });
  } catch (e) {
    const error = e instanceof WasGoError ? e.at(place) : new WorkerError(`worker failed: ${(e as Error)?.message ?? String(e)}`, place);
    port.post({ type: 'failed', error: serializeError(error), fuelUsed: fuelUsed() });
  }
}

function isRefill(i: { module: string; name: string; kind: string }): boolean {
  return i.kind === 'function' && i.module === FUEL_REFILL_MODULE && i.name === FUEL_REFILL_NAME;
}

/**
 * The worker-side implementation of one host function: check the deadline and bill the call
 * (floor + declared cost + bytes) before anything is sent, refuse a call moving more than
 * `maxCallBytes`, ship the decoded arguments, wait, bill the main-thread time the answer
 * reports (ns, priced with the main thread's calibration), apply the answer.
 */
function forwarder(f: FunctionDescriptor, index: number, channel: GuestEnd, meter: WorkerMeter, pricing: HostPricing, maxCallBytes: number) {
  const fn = `${f.module}.${f.name}`;
  if (f.inlineOnly) {
    return (): never => {
      throw new HostError(`${fn} needs direct access to the guest, so it cannot be called from a mod running in worker mode`);
    };
  }
  const w = new Writer();
  return (_ctx: HostCallContext, ...args: unknown[]) => {
    w.reset();
    w.u32(index);
    let moves = 0; // payload bytes sent, plus the `out` capacity asked for
    for (let i = 0; i < f.params.length; i++) {
      const k = f.params[i]!;
      const before = w.length;
      writeArg(w, k, args[i]);
      if (k === 'out') moves += (args[i] as { capacity: number }).capacity;
      else if (k === 'string' || k === 'asstring' || k === 'bytes' || k === 'iovecs') moves += w.length - before - 4;
    }
    if (moves > maxCallBytes) {
      throw new ValueTooLarge(`${fn} would move ${moves} bytes in one call from a worker; at most ${maxCallBytes} (${maxCallBytes / 1048576} MiB): split it into smaller calls`);
    }
    meter.charge(pricing.floor + f.cost + moves, fn);
    const r = new Reader(channel.transact(K_CALL, w.data));
    meter.charge(Math.ceil(r.f64() * pricing.unitsPerNs), fn); // the main thread's time for this call (ns)
    const result = readResult(r, f.result);
    applyOutputs(r, f.params, args);
    return result;
  };
}

