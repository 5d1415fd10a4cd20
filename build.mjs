// Builds everything from ts/: the Node library and CLI (dist/), the browser addon bundle
// (addons/wasgo/wasgo.js), the benchmark runner, and the example mods (examples/).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { buildExamples } from './examples/build-examples.mjs';

const quiet = process.argv.includes('--quiet');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const common = { bundle: true, sourcemap: false, logLevel: quiet ? 'error' : 'warning', target: 'es2022' };

// Worker mode (ts/isolate): the worker's code is bundled on its own and embedded as a string in
// every bundle below, so no extra file has to be shipped or found (browsers use a Blob URL).
// Keep these options in step with WORKER_BUNDLE in ts/isolate/worker.ts.
async function workerDefine() {
  if (!existsSync('ts/isolate/worker-entry.ts')) return {};
  const out = await esbuild.build({
    ...common, entryPoints: ['ts/isolate/worker-entry.ts'], write: false,
    format: 'iife', globalName: 'WasGoWorker', platform: 'browser',
  });
  return { __WASGO_WORKER_SOURCE__: JSON.stringify(out.outputFiles[0].text) };
}

async function buildTs() {
  const define = await workerDefine();
  await esbuild.build({
    ...common,
    define,
    entryPoints: { index: 'ts/index.ts', cli: 'ts/cli/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.js' },
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
    await esbuild.build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'dist/bench.js', platform: 'node', format: 'esm', external: ['wabt'], define,
      banner: { js: "import { createRequire as __wasgoCreateRequire } from 'node:module'; const require = __wasgoCreateRequire(import.meta.url);" } });
  }
}

if (!only || only === 'ts') await buildTs();
if (!only || only === 'examples') await buildExamples({ quiet });
