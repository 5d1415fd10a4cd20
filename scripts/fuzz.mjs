// `npm run fuzz -- --seeds N`: bundles tests/conformance/fuzz-cli.ts with esbuild and runs it.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'wasgo-fuzz-cli-'));
const out = join(dir, 'fuzz-cli.mjs');
await esbuild.build({
  entryPoints: ['tests/conformance/fuzz-cli.ts'], outfile: out, bundle: true, platform: 'node', format: 'esm',
  target: 'es2022', logLevel: 'error', external: ['wabt'],
  // The bundle lives in a temp dir: keep paths relative to the repository.
  define: { 'import.meta.url': JSON.stringify(new URL('../tests/conformance/fuzz-cli.ts', import.meta.url).href) },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
