// Worker mode in a real browser (Chromium through playwright-core): the self-contained browser
// bundle starts its worker from a Blob URL on a cross-origin isolated page, and refuses with
// WorkerUnavailable (inline mode still working) on a page without COOP/COEP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { WORKER_BUNDLE } from '../../ts/isolate/worker';
import { wat } from '../helpers/wat';
import { straightLeaf } from '../../bench/load';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

async function browserBundle(): Promise<string> {
  const worker = await esbuild.build({ ...WORKER_BUNDLE, entryPoints: ['ts/isolate/worker-entry.ts'], write: false, logLevel: 'error' });
  const out = await esbuild.build({
    entryPoints: ['ts/browser.ts'], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
    define: { __WASGO_WORKER_SOURCE__: JSON.stringify(worker.outputFiles[0]!.text) },
  });
  return out.outputFiles[0]!.text;
}

describe.skipIf(!CHROMIUM)('worker mode in a browser', () => {
  let server: Server;
  let browser: Browser;
  let base = '';
  let mod: number[] = [];
  let loop: number[] = [];
  let leaf: number[] = [];

  beforeAll(async () => {
    const js = await browserBundle();
    mod = [...await wat(`(module
      (import "wasgo" "print" (func $print (param i32 i32)))
      (import "game" "later" (func $later (param i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hi from a web worker")
      (func (export "main") (result i32) (call $print (i32.const 16) (i32.const 20)) (call $later (i32.const 21))))`)];
    loop = [...await wat('(module (func (export "main") (loop $l (br $l))))')];
    leaf = [...straightLeaf(300_000).bytes];
    server = createServer((req, res) => {
      const isolated = req.url?.startsWith('/isolated') ?? false;
      const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
      if (req.url?.endsWith('wasgo.js')) {
        res.writeHead(200, { ...headers, 'content-type': 'text/javascript' });
        res.end(js);
      } else {
        res.writeHead(200, { ...headers, 'content-type': 'text/html' });
        res.end('<!doctype html><script src="wasgo.js"></script>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  // Runs in the page: inline main, then main in a worker (or the error start() throws).
  const scenario = async (bytes: number[]) => {
    const W = (globalThis as any).WasGo;
    const engine = W.WasGoEngine.get().init({});
    const printed: string[] = [];
    engine.on('print', (e: { text: string }) => printed.push(e.text));
    engine.register({ module: 'game', name: 'later', params: ['i32'], result: 'i32', level: 1, kind: 'core',
      implementation: (_c: unknown, x: number) => new Promise((r) => setTimeout(() => r(x * 2), 10)) });
    engine.register({ module: 'game', name: 'now', params: ['i32'], result: 'i32', level: 1, kind: 'core', implementation: (_c: unknown, x: number) => x });
    const inst = await engine.loadMod(new Uint8Array(bytes), { name: 'web.wasm' });
    let inline: string;
    try { inline = String(inst.runMain()); } catch (e) { inline = (e as { code: string }).code; }
    let worker: unknown;
    let supervised = false;
    try {
      const inst2 = await engine.loadMod(new Uint8Array(bytes), { name: 'web.wasm' });
      const run = inst2.start();
      worker = await run.result;
      supervised = run.watchdog.supervised;
    } catch (e) {
      worker = { code: (e as { code: string }).code, message: (e as Error).message };
    }
    await Promise.race([W.noLiveWorkers(), new Promise((r) => setTimeout(r, 2000))]);
    return { isolated: (globalThis as any).crossOriginIsolated, inline, worker, printed, live: W.liveWorkers(), supervised };
  };

  // Runs in the page: an unmetered endless main with a 100 ms timeout while the page's main thread busy-waits 1 s.
  const blocked = async (bytes: number[]) => {
    const W = (globalThis as any).WasGo;
    const engine = W.WasGoEngine.get().init({ fuelPerCall: 0, fuelPerMain: 0 });
    const inst = await engine.loadMod(new Uint8Array(bytes), { name: 'loop.wasm' });
    const epoch = () => performance.timeOrigin + performance.now();
    const started = epoch();
    const run = inst.start([], { timeoutMs: 100 });
    const end = performance.now() + 1000;
    while (performance.now() < end) { /* the game is busy */ }
    const error = await run.result.then(() => 'finished', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    return { error, supervised: run.watchdog.supervised, stoppedAfter: run.watchdog.stoppedAt - started };
  };

  it('runs main in a Web Worker on a cross-origin isolated page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/isolated/`);
    const r = await page.evaluate(scenario, mod);
    await page.close();
    expect(r.isolated).toBe(true);
    expect(r.inline).toBe('HostError'); // the async host function cannot be awaited inline
    expect(r.worker).toBe(42);
    expect(r.printed).toEqual(['hi from a web worker', 'hi from a web worker']);
    expect(r.live).toBe(0);
    expect(r.supervised).toBe(true); // a nested worker owned by the supervising thread
  });

  it('the supervisor stops a runaway main at its 100 ms deadline while the page is blocked', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/isolated/`);
    await page.evaluate(scenario, mod); // warm: the supervisor is up
    const r = await page.evaluate(blocked, loop);
    await page.close();
    expect(r.error).toBe('Timeout: main did not finish within 100 ms');
    expect(r.supervised).toBe(true);
    expect(r.stoppedAfter).toBeGreaterThanOrEqual(95);
    expect(r.stoppedAfter).toBeLessThan(400);
  });

  it('loads a big mod off the main thread (a loader worker, no COOP/COEP needed) and from the load cache the second time', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/plain/`);
    const r = await page.evaluate(async (bytes: number[]) => {
      const W = (globalThis as any).WasGo;
      const engine = W.WasGoEngine.get().init({});
      const u = new Uint8Array(bytes);
      const before = W.offThreadLoads();
      const inst = await engine.loadMod(u, { name: 'leaf.wasm' });
      inst.call('loop', [2]);
      const served = W.offThreadLoads() - before;
      const again = await engine.loadMod(u, { name: 'leaf.wasm' });
      again.call('loop', [1]);
      return { served, servedAgain: W.offThreadLoads() - before, metered: inst.metered, fuel: inst.lastCallFuel, fuel2: again.lastCallFuel };
    }, leaf);
    await page.close();
    expect(r.served).toBe(1); // validated, rewritten and compiled in the loader worker
    expect(r.servedAgain).toBe(1); // the second load came from the load cache: no rewrite anywhere
    expect(r.metered).toBe(true);
    expect(r.fuel).toBeGreaterThan(2 * 100_000); // the leaf is charged (~170k instructions per call)
    expect(r.fuel2).toBeGreaterThan(100_000);
  });

  it('says worker mode needs COOP/COEP on a page that is not cross-origin isolated', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/plain/`);
    const r = await page.evaluate(scenario, mod);
    await page.close();
    expect(r.isolated).toBe(false);
    expect(r.inline).toBe('HostError');
    expect(r.worker).toMatchObject({ code: 'WorkerUnavailable' });
    expect((r.worker as { message: string }).message).toMatch(/Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    expect((r.worker as { message: string }).message).toMatch(/Inline mode .* still works/);
  });
});
