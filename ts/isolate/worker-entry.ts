/**
 * The code that runs inside a worker (bundled on its own by build.mjs and embedded as a string
 * in every WasGo bundle). It instantiates its own instance of the shared WebAssembly.Module,
 * linked exactly like an inline instance (the same `link`, so the same bounds checks, UTF-8
 * decoding and error stubs) except that every host function forwards the decoded arguments to
 * the main thread over the channel and blocks until the answer comes back.
 */
import { HostError, InstantiateError, WasGoError, WorkerError, type ErrorPlace } from '../engine/errors';
import { FuelPort, Metering } from '../engine/meter';
import { classify, guestFrames } from '../engine/traps';
import { allocatorOf, writeArgv } from '../guest/argv';
import { FunctionTable } from '../table/function-table';
import type { HostCallContext } from '../table/host-function';
import { bindInstance, link, type Binding } from '../table/linker';
import { GuestEnd } from './channel';
import {
  K_CALL, K_FAULT, Reader, Writer, applyOutputs, readResult, serializeError, writeArg,
  type FunctionDescriptor, type InitMessage, type WorkerMessage,
} from './protocol';

/** How the worker talks to its parent (Node's parentPort or a Web Worker's self). */
export interface WorkerPort {
  post(message: WorkerMessage): void;
  listen(fn: (message: InitMessage) => void): void;
}

export function serve(port: WorkerPort): void {
  let started = false;
  port.listen((m) => {
    if (m?.type !== 'init' || started) return;
    started = true;
    run(m, port);
  });
}

function run(init: InitMessage, port: WorkerPort): void {
  const place: ErrorPlace = { module: init.name, instance: init.instance };
  const channel = new GuestEnd(init.channel, init.spinUs, init.wake === 'message' ? () => port.post({ type: 'wake' }) : () => undefined);
  // One meter for the whole run (_initialize, argv allocation, main), in this thread: the worker's
  // own refill and host-call charges draw on it. The wall clock is the main thread's timer for now.
  const metering = new Metering(() => 0);
  if (init.unitsPerNs) metering.unitsPerNs = init.unitsPerNs;
  if (init.hostFloor) metering.hostFloor = init.hostFloor;
  metering.priceTime = false;
  const meter = metering.create(init.fuel);
  metering.current = meter;
  const fuelPort = new FuelPort(metering);
  const fuelUsed = (): number => meter.reported;

  // An error stub was called or a check failed: tell the main thread, which kills this thread.
  const fault = (error: WasGoError): never => {
    const frames = guestFrames(new Error());
    error.at(frames.length ? { ...place, guestStack: frames } : place);
    channel.transact(K_FAULT, new TextEncoder().encode(JSON.stringify(serializeError(error))));
    throw error; // not reached: the main thread never answers a fault
  };

  try {
    const table = new FunctionTable();
    init.functions.forEach((f, index) => table.register({ ...f, implementation: forwarder(f, index, channel) }));
    const binding: Binding = {};
    const linked = link(init.info, {
      table, level: init.level, moduleName: init.name, instanceId: init.instance, memoryMb: init.memoryMb,
      strictImports: false, binding, fault, currentFault: () => undefined, fuel: fuelPort,
    });
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(init.module, linked.imports);
    } catch (e) {
      const c = classify(e, place);
      throw new InstantiateError(`cannot instantiate ${init.name}: ${c.describe()}`, place, { cause: c });
    }
    const exports = instance.exports;
    const f = exports[init.fuelGlobal];
    fuelPort.attach(f instanceof WebAssembly.Global ? f : undefined, meter);
    bindInstance(binding, exports, linked.memory, init.name);
    port.post({ type: 'started' });

    const main = exports[init.entry.name] as (...a: number[]) => unknown;
    let result: unknown;
    try {
      // WASI reactors: `_initialize` first, as the engine does for inline instances.
      const metered = <T>(fn: () => T): T => {
        fuelPort.enter(meter);
        try {
          return fn();
        } finally {
          fuelPort.leave(meter);
        }
      };
      const initialize = exports._initialize;
      if (typeof initialize === 'function' && initialize.length === 0) metered(() => (initialize as () => void)());
      const args = init.entry.form === 'argc-argv' ? writeArgv(init.argv, binding.guest?.memory, allocatorOf(exports), (f, n) => Number(metered(() => (exports[f] as (n: number) => unknown)(n))), init.name) : [];
      result = metered(() => main(...args));
      if (meter.exhausted) throw meter.exhausted;
    } catch (e) {
      throw classify(meter.exhausted ?? e, { ...place, export: init.entry.name });
    }
    port.post({ type: 'done', result: result === undefined ? 0 : Number(result) | 0, fuelUsed: fuelUsed() });
  } catch (e) {
    const error = e instanceof WasGoError ? e.at(place) : new WorkerError(`worker failed: ${(e as Error)?.message ?? String(e)}`, place);
    port.post({ type: 'failed', error: serializeError(error), fuelUsed: fuelUsed() });
  }
}

/** The worker-side implementation of one host function: ship the decoded arguments, wait, apply the answer. */
function forwarder(f: FunctionDescriptor, index: number, channel: GuestEnd) {
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
    for (let i = 0; i < f.params.length; i++) writeArg(w, f.params[i]!, args[i]);
    const r = new Reader(channel.transact(K_CALL, w.data));
    const result = readResult(r, f.result);
    applyOutputs(r, f.params, args);
    return result;
  };
}

