#!/usr/bin/env node
// Generates the typed Godot SDK for mods, one entry per safety level (docs/sdk.md):
//
//   node scripts/gen-godot-sdk.mjs [--from=dump.json] [--out=DIR] [--additions=FILE]   (npm run gen:sdk)
//
// Inputs: the method signatures of the SDK's classes (scripts/godot-sdk/signatures.json, taken
// from the ClassDB dump of the real engine: `node scripts/gen-godot-policy.mjs --save=dump.json`,
// then --from=dump.json here refreshes the file) and the safety policy itself
// (ts/godot/policy.ts: ClassDB data + rules), whose decision functions decide, per level, what
// each entry exposes. Output (deterministic; tests/sdk checks it is up to date):
//   sdk/assemblyscript/godot/level1.ts, level2.ts, level3.ts   (AssemblyScript)
//   sdk/c/godot/level1.h, level2.h, level3.h                     (C)
//   docs/sdk-api/level1.md, level2.md, level3.md                 (reference)
// --out=DIR writes the same tree under DIR instead of the repository (the up-to-date test).
// --additions=FILE (JSON PolicyAdditions of a game: { methods: { "Class.method": 1 }, ... }) makes
// bindings for that game's policy; use it with --out (the repository's files are the default policy's).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateAll, sdkClasses } from './godot-sdk/generate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const SIGS = join(root, 'scripts/godot-sdk/signatures.json');

async function loadPolicy() {
  const cacheDir = join(root, 'node_modules/.cache/wasgo-sdk');
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, `policy-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `export * from './ts/godot/policy'; export * from './ts/godot/policy/rules';`,
      resolveDir: root, loader: 'ts',
    },
    outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

const policy = await loadPolicy();

if (opt('from')) {
  // Keep the signatures of the SDK's classes only: all of ClassDB's would be ~2.8 MB.
  const dump = JSON.parse(readFileSync(opt('from'), 'utf8'));
  const names = sdkClasses(policy).filter((c) => dump.classes[c]);
  const lines = names.map((c) => {
    const k = dump.classes[c];
    const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((n) => [n, o[n]]));
    return `${JSON.stringify(c)}: ${JSON.stringify({ methods: sorted(k.signatures ?? {}), signals: sorted(k.signal_args ?? {}) })}`;
  });
  mkdirSync(dirname(SIGS), { recursive: true });
  writeFileSync(SIGS, `{"engine": ${JSON.stringify(dump.engine)}, "classes": {\n${lines.join(',\n')}\n}}\n`);
  process.stdout.write(`${SIGS}: ${names.length} classes\n`);
}

const sigs = JSON.parse(readFileSync(SIGS, 'utf8'));
const additions = opt('additions') ? JSON.parse(readFileSync(opt('additions'), 'utf8')) : null;
if (additions && !opt('out')) throw new Error('--additions needs --out: the repository keeps the default policy\'s bindings');
const files = generateAll(policy, sigs, additions);
const outRoot = opt('out') ? resolve(opt('out')) : root;
let bytes = 0;
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(outRoot, path)), { recursive: true });
  writeFileSync(join(outRoot, path), text);
  bytes += text.length;
}
process.stdout.write(`typed SDK: ${Object.keys(files).length} files, ${(bytes / 1024).toFixed(0)} KiB under ${outRoot}\n`);
