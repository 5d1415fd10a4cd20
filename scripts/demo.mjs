#!/usr/bin/env node
// WasGo's demo: the repository's Godot project (demo/main.tscn), four mods side by side.
//
//   npm run demo                         build what is missing, serve on http://127.0.0.1:8080
//   npm run demo -- --headless-check     boot it in headless Chromium, write docs/demo.png,
//                                        exit 0 only if every mod did what it should
//   options: --port=N --host=ADDR --timeout=SECONDS --chromium=PATH --verbose
//            --screenshot=PATH (default docs/demo.png) | --no-screenshot (taken and judged, not written)
//
// The fastest look without a browser: npm run demo:cli (wasgo run at level 1, then level 2).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExampleMods, ensureAddonBuilt, importTs } from '../tests/godot/lib/prepare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const known = ['headless-check', 'port', 'host', 'timeout', 'chromium', 'screenshot', 'no-screenshot', 'verbose', 'help'];
const flag = (name) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const value = (name) => flag(name)?.split('=').slice(1).join('=') || null;
const bad = argv.filter((a) => !known.some((k) => a === `--${k}` || a.startsWith(`--${k}=`)));
const usage = 'usage: npm run demo [-- --headless-check] [--port=8080] [--host=127.0.0.1] [--timeout=30] [--chromium=/usr/bin/chromium] [--screenshot=docs/demo.png | --no-screenshot] [--verbose]';
if (bad.length || flag('help')) {
  if (bad.length) console.error(`demo: unknown argument ${bad.join(' ')}`);
  console.log(usage);
  process.exit(bad.length ? 2 : 0);
}
const log = (line) => process.stdout.write(line + '\n');

if (!ensureAddonBuilt({ root, log })) process.exit(1);
await buildExampleMods({ root, log });
const demo = await importTs(root, 'scripts/demo/demo.ts');

if (flag('headless-check')) {
  let report;
  try {
    report = await demo.headlessCheck({
      root,
      chromiumPath: value('chromium') ?? process.env.CHROMIUM ?? '/usr/bin/chromium',
      timeoutMs: Number(value('timeout') ?? 30) * 1000,
      screenshot: flag('no-screenshot') ? null : resolve(value('screenshot') ?? join(root, 'docs/demo.png')),
      verbose: Boolean(flag('verbose')),
      log,
    });
  } catch (e) {
    log(`demo: headless check could not run: ${e?.message ?? e}`);
    log('(it needs Debian chromium: apt-get install chromium; or --chromium=PATH)');
    process.exit(1);
  }
  const failed = report.checks.filter((c) => !c.ok);
  for (const c of report.checks) log(`${c.ok ? '✓' : '✗'} ${c.name}${c.ok ? '' : `: ${c.detail}`}`);
  log(`demo headless check: ${report.checks.length - failed.length} passed, ${failed.length} failed (${(report.ms / 1000).toFixed(1)} s)`);
  process.exit(failed.length ? 1 : 0);
}

const port = Number(value('port') ?? 8080);
const host = value('host') ?? '127.0.0.1';
try {
  const url = await demo.serve({ root, host, port });
  log('');
  log(`WasGo demo: open ${url} in a browser (Chrome, Firefox, Edge).`);
  log('Served with COOP/COEP, so mods can run main() in killable workers. Ctrl-C to stop.');
} catch (e) {
  log(`demo: ${e?.message ?? e}`);
  process.exit(1);
}
