// What a run in the real engine needs before it starts, shared by the e2e runner
// (tests/godot/run.mjs) and the demo (scripts/demo.mjs): an up-to-date addons/wasgo/wasgo.js,
// the example mods, and the TypeScript side (tests/godot/lib/*.ts) loaded into Node.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Rebuilds addons/wasgo/wasgo.js when it is missing or older than anything in ts/. Returns false
 * when there is no wasgo.js afterwards; a failed rebuild with an older copy left warns and
 * returns true (the stale copy is used).
 */
export function ensureAddonBuilt({ root, log }) {
  const wasgoJs = join(root, 'addons/wasgo/wasgo.js');
  if (existsSync(wasgoJs) && statSync(wasgoJs).mtimeMs >= newestMtime(join(root, 'ts'))) return true;
  log('building addons/wasgo/wasgo.js (node build.mjs --only=ts --quiet)');
  const r = spawnSync(process.execPath, ['build.mjs', '--only=ts', '--quiet'], { cwd: root, stdio: 'inherit' });
  if (r.status === 0) return true;
  if (!existsSync(wasgoJs)) {
    log('build failed and there is no addons/wasgo/wasgo.js');
    return false;
  }
  log('warning: build failed; using the existing (stale) addons/wasgo/wasgo.js');
  return true;
}

/** Builds the example mods that are missing or stale (examples/build-examples.mjs); warns on failure. */
export async function buildExampleMods({ root, log }) {
  const { buildExamples } = await import(pathToFileURL(join(root, 'examples/build-examples.mjs')).href);
  try {
    await buildExamples({ quiet: true });
  } catch (e) {
    log(`warning: building the example mods failed: ${e?.message ?? e}`);
  }
}

/**
 * Bundles a TypeScript entry (e.g. tests/godot/lib/harness.ts) with esbuild next to
 * node_modules (so playwright-core resolves), imports it and deletes the bundle.
 */
export async function importTs(root, entry) {
  const cacheDir = join(root, 'node_modules/.cache/wasgo-e2e');
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, `${entry.replace(/\W+/g, '-')}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node',
    format: 'esm', target: 'node20', external: ['playwright-core', 'esbuild'], logLevel: 'error',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}
