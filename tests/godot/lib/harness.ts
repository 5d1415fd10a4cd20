// End-to-end harness: packs each test project, serves the Godot 4.6 web engine on loopback and
// runs the projects one after another in one headless Chromium page, echoing the engine's output
// and collecting the `WASGO_TEST PASS|FAIL|DONE` markers the GDScript tests print.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { writePck } from './pck';
import { assembleProject, listProjects, type ProjectSource } from './project';
import { engineDir as findEngine, launchBrowser, openPage, pageHtml, serveGame, type Browser } from './web';

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

const PAGE = pageHtml({ title: 'WasGo e2e' });

const MARKER = /^WASGO_TEST (PASS|FAIL|DONE) ?(.*)$/;
const BANNER = /^Godot Engine v4\.6\b/;
// A test script that does not compile never reaches quit(): end the project at once.
const SCRIPT_BROKEN = /^SCRIPT ERROR: (Parse|Compile) Error|^ERROR: Failed to load script/;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function packName(project: string): string {
  return `wasgo-${project}.pck`;
}

export async function runHarness(opts: HarnessOptions): Promise<ProjectReport[]> {
  const { root, log } = opts;
  const engineDir = findEngine(root);
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

  const server = await serveGame({ engineDir, packs, page: PAGE });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let browser: Browser | null = null;
  const reports: ProjectReport[] = [];
  try {
    const launched = Date.now();
    browser = await launchBrowser({ chromiumPath: opts.chromiumPath });
    const { context } = browser;
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
    await browser?.close();
    server.close();
  }
  return reports;
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

  const fail = (key: string, detail: string): void => {
    results.push({ name: `${name}/${key}`, ok: false, detail });
  };
  if (end === 'timeout') fail('timeout', `no quit() within ${timeoutMs} ms`);
  else if (end === 'broken') fail('script-error', 'a script failed to compile (see the (stderr) lines above)');
  else if (end === 'crash') fail('crash', 'the page crashed');
  else {
    // An engine error (a trap, a failed start) fails the project even after DONE.
    if (end.error) fail('start', end.error);
    if (markers === 0) fail('no-tests', `the project reported no WASGO_TEST markers (exit code ${end.code})`);
    else if (end.code !== 0 && !results.some((r) => !r.ok)) fail('exit-code', `exit code ${end.code} without a FAIL marker`);
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
  return { project: name, results, exitCode, firstPrintMs, totalMs };
}
