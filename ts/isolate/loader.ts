/**
 * Off-main-thread loading: validate + rewrite + compile in a worker (the same embedded worker
 * bundle as worker mode, in its loader role: ts/isolate/worker-entry.ts `prepare`), so a big mod
 * does not freeze a browser game's frame while it loads. The main thread only posts the bytes and
 * receives the compiled WebAssembly.Module (structured-cloneable within one origin and in Node).
 *
 * One loader worker serves all requests and exits after IDLE_MS without work. It needs no shared
 * memory (no cross-origin isolation), is not a guest thread, and is not counted in liveWorkers().
 */
import { InternalError, WasGoError, WorkerUnavailable } from '../engine/errors';
import type { PreparedModule } from '../engine/prepare';
import { deserializeError, type PrepareReply, type PrepareRequest } from './protocol';
import { NODE_ADAPTER, WEB_ADAPTER, workerSource } from './worker';

/** A loader worker with no work for this long exits (the next load starts one again, ~10-50 ms). */
export const IDLE_MS = 5_000;

interface LoaderThread {
  post(m: PrepareRequest): void;
  /** No load pending: the thread may not keep the process alive (Node). */
  idle(): void;
  terminate(): void;
}

const nodeProcess = (globalThis as unknown as { process?: NodeJS.Process }).process;
const isNode = typeof nodeProcess?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';

let thread: LoaderThread | undefined;
/** Loads served by loader workers in this realm (tests and the bench read it). */
let served = 0;

export function offThreadLoads(): number {
  return served;
}
let nextId = 1;
const pending = new Map<number, { resolve: (r: OffThreadResult) => void; reject: (e: unknown) => void }>();
let idleTimer: ReturnType<typeof setTimeout> | undefined;

export interface OffThreadResult {
  prepared: PreparedModule;
  module: WebAssembly.Module;
}

/** True where a loader worker can run (a Worker constructor or Node's worker_threads). */
export function offThreadAvailable(): boolean {
  return isNode || typeof Worker === 'function';
}

/**
 * Whether `engine.compile` loads off the main thread by default: in browsers (the game's frame
 * runs on the main thread), for modules of at least OFF_THREAD_MIN_BYTES. Node hosts opt in per call.
 */
export function offThreadByDefault(size: number): boolean {
  return !isNode && typeof Worker === 'function' && size >= OFF_THREAD_MIN_BYTES;
}

/** Below this, starting a worker and copying the bytes costs more than loading on the spot. */
export const OFF_THREAD_MIN_BYTES = 64 * 1024;

/** Validates, rewrites and compiles `bytes` in the loader worker. */
export async function prepareOffThread(bytes: Uint8Array, options: PrepareRequest['options']): Promise<OffThreadResult> {
  if (!offThreadAvailable()) throw new WorkerUnavailable('off-thread loading needs Web Workers or Node worker_threads');
  const t = await loaderThread();
  const id = nextId++;
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  return new Promise<OffThreadResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // The bytes are copied (not transferred): the caller keeps its buffer.
    t.post({ type: 'prepare', id, bytes, options });
  });
}

async function loaderThread(): Promise<LoaderThread> {
  if (thread) return thread;
  const source = await workerSource();
  if (thread) return thread;
  thread = isNode ? spawnNode(source) : spawnWeb(source);
  return thread;
}

function onReply(m: PrepareReply): void {
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  served++;
  if (m.type === 'prepared') p.resolve({ prepared: m.prepared as PreparedModule, module: m.module });
  else p.reject(deserializeError(m.error));
  if (pending.size === 0) {
    thread?.idle();
    idleTimer = setTimeout(stop, IDLE_MS);
    (idleTimer as { unref?: () => void }).unref?.();
  }
}

function onFailure(e: unknown): void {
  const t = thread;
  thread = undefined;
  t?.terminate();
  const error = e instanceof WasGoError ? e : new InternalError(`the loader worker failed: ${(e as Error)?.message ?? String(e)}`);
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

/** Ends the loader worker now (pending loads fail). Tests and shutdown use it. */
export function stopLoader(): void {
  if (pending.size) onFailure(new InternalError('the loader worker was stopped'));
  stop();
}

function stop(): void {
  idleTimer = undefined;
  if (pending.size) return;
  const t = thread;
  thread = undefined;
  t?.terminate();
}

function spawnNode(source: string): LoaderThread {
  const { Worker } = nodeProcess!.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads');
  const w = new Worker(source + NODE_ADAPTER, { eval: true, name: 'wasgo-loader' });
  let stopped = false;
  w.on('message', (m: PrepareReply) => onReply(m));
  w.on('error', (e: Error) => onFailure(e));
  w.on('exit', () => {
    if (!stopped && thread) onFailure(new InternalError('the loader worker exited'));
  });
  w.unref(); // an idle loader never keeps Node alive
  return {
    post: (m) => {
      w.ref(); // a pending load does
      w.postMessage(m);
    },
    idle: () => w.unref(),
    terminate: () => {
      stopped = true;
      void w.terminate();
    },
  };
}

let blobUrl: string | undefined;

function spawnWeb(source: string): LoaderThread {
  blobUrl ??= URL.createObjectURL(new Blob([source + WEB_ADAPTER], { type: 'text/javascript' }));
  const w = new Worker(blobUrl, { name: 'wasgo-loader' });
  w.onmessage = (e: MessageEvent) => onReply(e.data as PrepareReply);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    onFailure(new InternalError(`the loader worker failed: ${e.message}`));
  };
  return { post: (m) => w.postMessage(m), idle: () => undefined, terminate: () => w.terminate() };
}
