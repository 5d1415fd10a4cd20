/**
 * One abstraction over the two kinds of threads WasGo runs guests in: Node's worker_threads
 * and browsers' Web Workers. Both run the same worker bundle (ts/isolate/worker-entry.ts),
 * which build.mjs embeds as a string in every WasGo bundle (browsers get it through a Blob
 * URL, so Godot's web export needs no extra file). Also counts live workers, so tests and
 * games can check that killed runs leave nothing behind.
 */
import { WorkerError, WorkerUnavailable } from '../engine/errors';
import type { InitMessage, WorkerMessage } from './protocol';

/** Set by build.mjs (esbuild `define`) to the bundled worker code. */
declare const __WASGO_WORKER_SOURCE__: string | undefined;

export interface IsolateWorker {
  post(message: InitMessage): void;
  /** Stops the thread at once, even inside an infinite loop or Atomics.wait. Idempotent. */
  terminate(): void;
}

export interface WorkerHandlers {
  message(m: WorkerMessage): void;
  /** The worker died on its own (an uncaught error, out of memory). */
  failure(e: Error): void;
  /** The run ended before the thread was created: create none. */
  cancelled?(): boolean;
}

/** esbuild options for the worker bundle (build.mjs uses the same). */
export const WORKER_BUNDLE = { bundle: true, format: 'iife', globalName: 'WasGoWorker', platform: 'browser', target: 'es2022' } as const;

const NODE_ADAPTER = `
;(() => { const { parentPort } = require('node:worker_threads');
WasGoWorker.serve({ post: (m) => parentPort.postMessage(m), listen: (fn) => parentPort.on('message', fn) }); })();`;
const WEB_ADAPTER = `
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
export async function spawnWorker(handlers: WorkerHandlers, maxThreads = Infinity): Promise<IsolateWorker> {
  assertWorkersAvailable();
  const source = await workerSource();
  while (live >= maxThreads && !handlers.cancelled?.()) await new Promise<void>((r) => room.push(r));
  if (handlers.cancelled?.()) return NO_WORKER;
  return isNode ? spawnNode(source, handlers) : spawnWeb(source, handlers);
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

/** The worker bundle: embedded by build.mjs, or (running from the TypeScript sources) built on first use. */
function workerSource(): Promise<string> {
  if (typeof __WASGO_WORKER_SOURCE__ === 'string') return Promise.resolve(__WASGO_WORKER_SOURCE__);
  sourcePromise ??= buildFromSources();
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
