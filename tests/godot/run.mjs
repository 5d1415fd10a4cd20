#!/usr/bin/env node
// End-to-end tests in a real Godot 4.6 engine (web export template from npm, headless Chromium).
//
//   node tests/godot/run.mjs [project ...] [--timeout=SECONDS] [--quiet] [--keep[=DIR]]
//                            [--no-build] [--chromium=PATH] [--list]
//
// Each folder in tests/godot/projects/ with a project.godot is a test project. The runner packs
// it (plus tests/godot/common as res://wasgo_test/ and addons/wasgo as res://addons/wasgo/) into
// a .pck, boots it with --headless, echoes every engine line as "[godot:<project>] ...", and
// collects "WASGO_TEST PASS <name>" / "WASGO_TEST FAIL <name>: <reason>" markers. It ends with
// the line "N passed, N failed" and exits non-zero if anything failed or nothing ran.
// See docs/godot.md.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExampleMods, ensureAddonBuilt, importTs } from './lib/prepare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const value = (name) => flag(name)?.split('=').slice(1).join('=') || null;
const known = ['timeout', 'quiet', 'keep', 'no-build', 'chromium', 'list', 'help'];
const bad = argv.filter((a) => a.startsWith('--') && !known.some((k) => a === `--${k}` || a.startsWith(`--${k}=`)));
if (bad.length || flag('help')) {
  console.log('usage: node tests/godot/run.mjs [project ...] [--timeout=SECONDS] [--quiet] [--keep[=DIR]] [--no-build] [--chromium=PATH] [--list]');
  process.exit(bad.length ? 2 : 0);
}
const log = (line) => process.stdout.write(line + '\n');

if (flag('list')) {
  for (const n of readdirSync(join(root, 'tests/godot/projects')).sort()) {
    if (existsSync(join(root, 'tests/godot/projects', n, 'project.godot'))) log(n);
  }
  process.exit(0);
}

// 1. An up-to-date addons/wasgo/wasgo.js, and the example mods some projects pack
//    (wasgo_test.json "files"); both incremental.
if (!flag('no-build')) {
  if (!ensureAddonBuilt({ root, log })) {
    log('0 passed, 1 failed');
    process.exit(1);
  }
  await buildExampleMods({ root, log });
}

// 2. The TypeScript harness.
const { runHarness } = await importTs(root, 'tests/godot/lib/harness.ts');

// 3. Run.
const keep = flag('keep');
const t0 = Date.now();
let reports;
try {
  reports = await runHarness({
    root,
    only: argv.filter((a) => !a.startsWith('--')),
    timeoutMs: Number(value('timeout') ?? 60) * 1000,
    quiet: Boolean(flag('quiet')),
    keepDir: keep ? value('keep') ?? join(tmpdir(), 'wasgo-e2e-packs') : null,
    chromiumPath: value('chromium') ?? process.env.CHROMIUM ?? '/usr/bin/chromium',
    log,
  });
} catch (e) {
  log(`e2e harness error: ${e?.stack ?? e}`);
  log('0 passed, 1 failed');
  process.exit(1);
}
const results = reports.flatMap((r) => r.results);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
const failures = results.filter((r) => !r.ok);
if (failures.length) {
  log('');
  log('failures:');
  for (const r of failures) log(`  ${r.name}${r.detail ? ': ' + r.detail : ''}`);
}
log(`(${reports.length} projects in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
