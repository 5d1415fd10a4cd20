// The demo (npm run demo): packs the repository's own Godot project (project.godot, demo/, the
// mods in mods/, the addon) and serves it with the Godot 4.6 web engine; with --headless-check it
// boots it in headless Chromium instead, writes a screenshot and judges what the mods did.
// Serving and booting are the e2e harness's (tests/godot/lib/web.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { writePck, type PackFile } from '../../tests/godot/lib/pck';
import { classCache, collectDir } from '../../tests/godot/lib/project';
import { engineDir, launchBrowser, openPage, pageHtml, serveGame } from '../../tests/godot/lib/web';
import { complete, judge, parseMarker, type Check, type DemoEvent } from './judge';

const PACK = 'wasgo-demo.pck';
/** The mods demo/demo.gd loads (built from examples/demo by build.mjs). */
const MODS = ['bouncer', 'scoreboard', 'snoop', 'runaway'];

/** The demo project's files: project.godot, demo/, mods/*.wasm, addons/wasgo/ (with wasgo.js). */
export function demoFiles(root: string): PackFile[] {
  for (const need of ['addons/wasgo/wasgo.js', ...MODS.map((m) => `mods/${m}.wasm`)]) {
    if (!existsSync(join(root, need))) throw new Error(`${need} is missing: run npm run build`);
  }
  const files: PackFile[] = [
    { path: 'project.godot', data: new Uint8Array(readFileSync(join(root, 'project.godot'))) },
    ...collectDir(join(root, 'demo'), 'demo'),
    ...MODS.map((m) => ({ path: `mods/${m}.wasm`, data: new Uint8Array(readFileSync(join(root, `mods/${m}.wasm`))) })),
    ...collectDir(join(root, 'addons/wasgo'), 'addons/wasgo'),
  ];
  return [...files, classCache(files)];
}

async function serveDemo(root: string, host: string, port: number): Promise<Server> {
  const packs = new Map([[PACK, writePck(demoFiles(root))]]);
  const page = pageHtml({ title: 'WasGo demo', fill: true, autostart: { pack: PACK, args: [] } });
  try {
    return await serveGame({ engineDir: engineDir(root), packs, page, host, port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use (choose another with --port=N)`);
    throw e;
  }
}

/** Serves the demo until the process is stopped; returns the URL. */
export async function serve(opts: { root: string; host: string; port: number }): Promise<string> {
  const server = await serveDemo(opts.root, opts.host, opts.port);
  return `http://${opts.host}:${(server.address() as AddressInfo).port}/`;
}

export interface CheckOptions {
  root: string;
  chromiumPath: string;
  timeoutMs: number;
  /** Where the screenshot is written (default docs/demo.png); null = not written (it is still taken and judged). */
  screenshot: string | null;
  /** Echo every engine line (default: demo markers, errors and the verdict only). */
  verbose: boolean;
  log: (line: string) => void;
}

export interface CheckReport {
  checks: Check[];
  events: DemoEvent[];
  ms: number;
}

/**
 * What the screenshot shows, roughly: its size, how many distinct colours (each channel
 * quantized to 16 levels) and the share of the most common one. A page where WebGL failed is
 * one flat colour. Decoded by the page itself (createImageBitmap), so no PNG decoder is needed.
 */
async function imageStats(page: Page, png: Uint8Array): Promise<{ width: number; height: number; colors: number; dominant: number }> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const counts = new Map<number, number>();
    for (let i = 0; i < data.length; i += 4) {
      const key = ((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const pixels = data.length / 4;
    return { width: bitmap.width, height: bitmap.height, colors: counts.size, dominant: Math.max(...counts.values()) / pixels };
  }, Buffer.from(png).toString('base64'));
}

/** Boots the demo in headless Chromium (rendering), waits for the mods, screenshots, judges. */
export async function headlessCheck(opts: CheckOptions): Promise<CheckReport> {
  const { log } = opts;
  const t0 = Date.now();
  const server = await serveDemo(opts.root, '127.0.0.1', 0);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const events: DemoEvent[] = [];
  const browser = await launchBrowser({ chromiumPath: opts.chromiumPath, render: true }).catch((e: unknown) => {
    server.close();
    throw e;
  });
  try {
    let settle: () => void = () => undefined;
    const finished = new Promise<void>((r) => (settle = r));
    await browser.context.exposeFunction('__wasgoOut', (stream: string, text: string) => {
      for (const line of text.split('\n')) {
        const e = parseMarker(line);
        if (e) events.push(e);
        if (opts.verbose || e || stream === 'err') log(`[godot:demo] ${stream === 'err' ? '(stderr) ' : ''}${line}`);
      }
      if (complete(events)) settle();
    });
    const page = await openPage(browser.context, url, log);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      finished.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), opts.timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) log(`the scene did not report everything within ${opts.timeoutMs} ms`);
    // Two more frames so the panel shows the last state the markers describe.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const png = await page.screenshot({ type: 'png' });
    const stats = await imageStats(page, png);
    events.push({ event: 'screenshot', ...stats });
    log(`screenshot: ${stats.width}x${stats.height}, ${stats.colors} colours, the most common ${(stats.dominant * 100).toFixed(0)}% of pixels`);
    if (opts.screenshot) {
      mkdirSync(dirname(opts.screenshot), { recursive: true });
      writeFileSync(opts.screenshot, png);
      log(`screenshot written to ${opts.screenshot}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return { checks: judge(events), events, ms: Date.now() - t0 };
}
