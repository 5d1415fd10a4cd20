/**
 * One abstraction over the two kinds of threads WasGo runs guests in: Node's worker_threads
 * and browsers' Web Workers. Both run the same worker bundle (ts/isolate/worker-entry.ts),
 * which build.mjs embeds as a string in every WasGo bundle (browsers get it through a Blob
 * URL, so Godot's web export needs no extra file). Also counts live workers, so tests and
 * games can check that killed runs leave nothing behind.
 */
import { WorkerError, WorkerUnavailable } from '../engine/errors';
import type { InitMessage, WorkerMessage } from './protocol';
import { NODE_SUPERVISOR, WEB_SUPERVISOR, type FromSupervisor, type ToSupervisor } from './supervisor';

/** Set by build.mjs (esbuild `define`) to the bundled worker code. */
declare const __WASGO_WORKER_SOURCE__: string | undefined;

export interface IsolateWorker {
  post(message: InitMessage): void;
  /** Stops the thread at once, even inside an infinite loop or Atomics.wait. Idempotent. */
  terminate(): void;
  /** Owned by the supervising thread (which enforces the deadline without the main thread). */
  readonly supervised?: boolean;
}

export interface WorkerHandlers {
  message(m: WorkerMessage): void;
  /** The worker died on its own (an uncaught error, out of memory). */
  failure(e: Error): void;
  /** The run ended before the thread was created: create none. */
  cancelled?(): boolean;
  /** The supervisor stopped the worker at the deadline (wall-clock ms when it did). */
  timeout?(at: number): void;
}

export interface SpawnOptions {
  /** Wait until fewer WasGo threads than this are alive (killed ones still exiting). */
  maxThreads?: number;
  /** The run's deadline (epoch ms, 0 = none) and channel, for the supervisor. */
  deadline?: number;
  channel?: SharedArrayBuffer;
  /** Let the supervising thread own the worker (default true where nested workers work). */
  supervised?: boolean;
}

/** esbuild options for the worker bundle (build.mjs uses the same). */
export const WORKER_BUNDLE = { bundle: true, format: 'iife', globalName: 'WasGoWorker', platform: 'browser', target: 'es2022' } as const;

export const NODE_ADAPTER = `
;(() => { const { parentPort } = require('node:worker_threads');
WasGoWorker.serve({ post: (m) => parentPort.postMessage(m), listen: (fn) => parentPort.on('message', fn) }); })();`;
export const WEB_ADAPTER = `
;WasGoWorker.serve({ post: (m) => self.postMessage(m), listen: (fn) => self.addEventListener('message', (e) => fn(e.data)) });`;

let live = 0;
let idle: (() => void)[] = [];
/** Spawns waiting for a thread to exit. */
let room: (() => void)[] = [];

/** Worker threads started by WasGo that have not exited yet. */
export function liveWorkers(): number {
  return live;
}

/** Resolves once no WasGo worker is alive (terminated workers take a few ms to exit). */
export function noLiveWorkers(): Promise<void> {
  return live === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve));
}

function exited(): void {
  live--;
  const waiting = room;
  room = [];
  for (const fn of waiting) fn();
  if (live === 0) {
    const waiting = idle;
    idle = [];
    for (const fn of waiting) fn();
  }
}

type NodeWorkerThreads = typeof import('node:worker_threads');

const nodeProcess = (globalThis as unknown as { process?: NodeJS.Process }).process;
const isNode = typeof nodeProcess?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';

/**
 * Why worker mode cannot work here, or undefined when it can. Browsers only share memory
 * with workers on cross-origin isolated pages.
 */
export function workerUnavailableReason(): string | undefined {
  const noSharedMemory = typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function';
  if (!isNode && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return 'worker mode needs SharedArrayBuffer, which browsers only allow on cross-origin isolated pages: ' +
      'serve the page with the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
      '(Godot web exports: the PWA option "Ensure Cross Origin Isolation Headers" adds them through a service worker). ' +
      'Inline mode (call, runMain) still works.';
  }
  if (noSharedMemory) return 'worker mode needs SharedArrayBuffer and Atomics, which this JavaScript engine does not provide';
  if (!isNode && typeof Worker !== 'function') return 'worker mode needs Web Workers, which this page does not provide';
  return undefined;
}

/** Throws WorkerUnavailable unless worker mode can work here. */
export function assertWorkersAvailable(): void {
  const reason = workerUnavailableReason();
  if (reason) throw new WorkerUnavailable(reason);
}

const NO_WORKER: IsolateWorker = { post: () => undefined, terminate: () => undefined };

/**
 * Starts one worker running the worker bundle. With `maxThreads`, waits first until fewer WasGo
 * threads are alive: a killed thread takes a few ms to exit (and give back its memory), so
 * without the wait a game killing and restarting runs in a loop could hold more threads than
 * `maxWorkers` for a moment. Creates nothing when the run was cancelled meanwhile.
 */
export function spawnWorker(handlers: WorkerHandlers, o: SpawnOptions = {}): IsolateWorker | Promise<IsolateWorker> {
  assertWorkersAvailable();
  const maxThreads = o.maxThreads ?? Infinity;
  // Synchronously when possible: the thread (and its supervisor's deadline) is under way even if
  // the caller blocks the main thread right after start().
  if (readySource !== undefined && live < maxThreads) return spawnNow(readySource, handlers, o);
  return (async () => {
    const source = await workerSource();
    while (live >= maxThreads && !handlers.cancelled?.()) await new Promise<void>((r) => room.push(r));
    if (handlers.cancelled?.()) return NO_WORKER;
    return spawnNow(source, handlers, o);
  })();
}

function spawnNow(source: string, handlers: WorkerHandlers, o: SpawnOptions): IsolateWorker {
  if (o.supervised !== false && !supervisionUnavailable && o.channel) return spawnSupervised(source, handlers, o.deadline ?? 0, o.channel);
  return spawnDirect(source, handlers);
}

function spawnDirect(source: string, handlers: WorkerHandlers): IsolateWorker {
  return isNode ? spawnNode(source, handlers) : spawnWeb(source, handlers);
}

// ---- the supervising thread (ts/isolate/supervisor.ts) -----------------------------------------

interface SupervisedRun {
  handlers: WorkerHandlers;
  gone: boolean;
  /** The supervisor cannot start workers here: spawn this run directly instead. */
  fallback(): void;
  exit(): void;
}

interface Supervisor {
  post(m: ToSupervisor, transfer?: Transferable[]): void;
  runs: Map<number, SupervisedRun>;
}

let supervisor: Supervisor | undefined;
/** Why runs are not supervised here (set once the supervisor said it cannot start workers). */
let supervisionUnavailable: string | undefined;
let nextRun = 1;

/** Whether worker mains are owned by a supervising thread here (after the first run has told). */
export function supervisionReason(): string | undefined {
  return supervisionUnavailable;
}

function supervisorFor(source: string): Supervisor {
  if (supervisor) return supervisor;
  const runs = new Map<number, SupervisedRun>();
  const onMessage = (m: FromSupervisor): void => {
    const r = runs.get(m.id);
    if (!r) return;
    switch (m.type) {
      case 'spawned': break;
      case 'unsupported':
        supervisionUnavailable = m.reason;
        runs.delete(m.id);
        r.fallback();
        break;
      case 'timeout': r.handlers.timeout?.(m.at); break;
      case 'error': r.handlers.failure(new WorkerError(m.message)); break;
      case 'exit': r.exit(); break;
    }
  };
  // The supervisor died: so did every worker it owned.
  const died = (why: string): void => {
    if (supervisor !== sup) return;
    supervisor = undefined;
    for (const r of [...runs.values()]) {
      r.handlers.failure(new WorkerError(`the supervising thread ${why}`));
      r.exit();
    }
  };
  let sup: Supervisor;
  if (isNode) {
    const { Worker } = nodeProcess!.getBuiltinModule('node:worker_threads') as NodeWorkerThreads;
    const w = new Worker(NODE_SUPERVISOR, { eval: true, name: 'wasgo-supervisor' });
    w.on('message', onMessage);
    w.on('error', (e: Error) => died(`failed: ${e.message}`));
    w.on('exit', () => died('exited'));
    // An idle supervisor never keeps the process alive; running mains do (their ports). After the
    // listeners: Node refs a worker's message port again when a 'message' listener is added, so
    // unref() before on('message') left every CLI run hanging once main had ended.
    w.unref();
    sup = { post: (m, t) => w.postMessage(m, t as never), runs };
  } else {
    const url = URL.createObjectURL(new Blob([WEB_SUPERVISOR], { type: 'text/javascript' }));
    const w = new Worker(url, { name: 'wasgo-supervisor' });
    w.onmessage = (e: MessageEvent) => onMessage(e.data as FromSupervisor);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      died(`failed: ${e.message}`);
    };
    sup = { post: (m, t) => w.postMessage(m, t ?? []), runs };
  }
  sup.post({ type: 'source', source });
  supervisor = sup;
  return sup;
}

function spawnSupervised(source: string, handlers: WorkerHandlers, deadline: number, channel: SharedArrayBuffer): IsolateWorker {
  const sup = supervisorFor(source);
  const id = nextRun++;
  const { port1, port2 } = new MessageChannel();
  live++;
  let direct: IsolateWorker | undefined;
  let init: InitMessage | undefined;
  let ended = false;
  const close = (): void => port1.close();
  if (isNode) {
    const p = port1 as unknown as import('node:worker_threads').MessagePort;
    p.on('message', (m: WorkerMessage) => handlers.message(m));
    p.on('messageerror', (e: Error) => handlers.failure(e));
  } else {
    port1.onmessage = (e: MessageEvent) => handlers.message(e.data as WorkerMessage);
    port1.onmessageerror = () => handlers.failure(new WorkerError('a message from the worker could not be read'));
  }
  const run: SupervisedRun = {
    handlers,
    gone: false,
    exit: () => {
      if (run.gone) return;
      run.gone = true;
      sup.runs.delete(id);
      close();
      exited();
      handlers.failure(new WorkerError('the worker thread exited'));
    },
    fallback: () => {
      run.gone = true;
      close();
      if (ended) {
        exited();
        return;
      }
      live--; // the direct worker counts itself
      direct = spawnDirect(source, handlers);
      if (init) direct.post(init);
    },
  };
  sup.runs.set(id, run);
  try {
    sup.post({ type: 'spawn', id, port: port2, channel, deadline }, [port2 as unknown as Transferable]);
  } catch (e) {
    run.exit(); // nothing was spawned: give the thread count back
    throw e;
  }
  return {
    get supervised() {
      return direct === undefined;
    },
    post: (m) => {
      init = m;
      if (direct) direct.post(m);
      else port1.postMessage(m);
    },
    terminate: () => {
      if (ended) return;
      ended = true;
      if (direct) direct.terminate();
      else if (!run.gone) sup.post({ type: 'kill', id });
    },
  };
}

function spawnNode(source: string, handlers: WorkerHandlers): IsolateWorker {
  const { Worker } = nodeProcess!.getBuiltinModule('node:worker_threads') as NodeWorkerThreads;
  const w = new Worker(source + NODE_ADAPTER, { eval: true, name: 'wasgo-main' });
  live++;
  let gone = false;
  w.on('message', (m: WorkerMessage) => handlers.message(m));
  w.on('error', (e: Error) => handlers.failure(e));
  w.on('messageerror', (e: Error) => handlers.failure(e));
  w.on('exit', () => {
    if (!gone) {
      gone = true;
      exited();
    }
    handlers.failure(new WorkerError('the worker thread exited'));
  });
  return {
    post: (m) => w.postMessage(m),
    terminate: () => void w.terminate(),
  };
}

let blobUrl: string | undefined;

function spawnWeb(source: string, handlers: WorkerHandlers): IsolateWorker {
  blobUrl ??= URL.createObjectURL(new Blob([source + WEB_ADAPTER], { type: 'text/javascript' }));
  const w = new Worker(blobUrl, { name: 'wasgo-main' });
  live++;
  let gone = false;
  w.onmessage = (e: MessageEvent) => handlers.message(e.data as WorkerMessage);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    handlers.failure(new WorkerError(`the worker failed: ${e.message}`));
  };
  w.onmessageerror = () => handlers.failure(new WorkerError('a message from the worker could not be read'));
  return {
    post: (m) => w.postMessage(m),
    // Web Workers have no exit event; terminate() is immediate.
    terminate: () => {
      if (gone) return;
      gone = true;
      w.terminate();
      exited();
    },
  };
}

let sourcePromise: Promise<string> | undefined;
/** The worker bundle once known (embedded, or built from the sources). */
let readySource: string | undefined = typeof __WASGO_WORKER_SOURCE__ === 'string' ? __WASGO_WORKER_SOURCE__ : undefined;

/** The worker bundle: embedded by build.mjs, or (running from the TypeScript sources) built on first use. */
export function workerSource(): Promise<string> {
  if (readySource !== undefined) return Promise.resolve(readySource);
  sourcePromise ??= buildFromSources().then((s) => (readySource = s));
  return sourcePromise;
}

async function buildFromSources(): Promise<string> {
  if (!isNode) throw new WorkerUnavailable('this build of WasGo has no embedded worker bundle; build it with build.mjs');
  const { existsSync } = nodeProcess!.getBuiltinModule('node:fs') as typeof import('node:fs');
  const { join } = nodeProcess!.getBuiltinModule('node:path') as typeof import('node:path');
  const { createRequire } = nodeProcess!.getBuiltinModule('node:module') as typeof import('node:module');
  const entry = join(nodeProcess!.cwd(), 'ts', 'isolate', 'worker-entry.ts');
  if (!existsSync(entry)) {
    throw new WorkerUnavailable(`this build of WasGo has no embedded worker bundle and ${entry} does not exist; use the bundles built by build.mjs`);
  }
  const esbuild = createRequire(entry)('esbuild') as typeof import('esbuild');
  const out = await esbuild.build({ ...WORKER_BUNDLE, entryPoints: [entry], write: false, logLevel: 'error' });
  return out.outputFiles[0]!.text;
}
