// Compiles the example mods with real toolchains: AssemblyScript (asc), clang --target=wasm32 and
// clang --target=wasm32-wasi with wasi-libc.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

function run(cmd, args, quiet) {
  execFileSync(cmd, args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', cwd: join(here, '..') });
}

/** Newest modification time under a file or folder. */
function mtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, mtime(join(path, name))), st.mtimeMs);
}

function newer(srcs, out) {
  return !existsSync(out) || srcs.some((src) => mtime(src) > statSync(out).mtimeMs);
}

/**
 * Each examples/<name>/build.json: { "steps": [ { "tool": "asc"|"clang"|"wasi-clang"|"pack", "src": "...", "out": "...",
 * "args": [...], "deps": [...] } ] }. "pack" zips the folder `src` into the ANT.zip `out` with
 * `wasgo pack` (so the TypeScript build must come first). `deps` are extra inputs (headers).
 */
export async function buildExamples({ quiet = false } = {}) {
  const { readFileSync } = await import('node:fs');
  for (const dir of readdirSync(here)) {
    const spec = join(here, dir, 'build.json');
    if (!existsSync(spec)) continue;
    const { steps } = JSON.parse(readFileSync(spec, 'utf8'));
    for (const step of steps) {
      const src = join('examples', dir, step.src);
      const out = join('examples', dir, step.out);
      const inputs = [src, ...(step.deps ?? []).map((d) => join('examples', dir, d))].map((p) => join(here, '..', p));
      if (!newer(inputs, join(here, '..', out))) continue;
      mkdirSync(dirname(join(here, '..', out)), { recursive: true });
      if (step.tool === 'asc') {
        run('node', ['node_modules/assemblyscript/bin/asc.js', src, '-o', out, '--runtime', 'stub', '-O3', ...(step.args ?? [])], quiet);
      } else if (step.tool === 'clang') {
        run('clang', ['--target=wasm32', '-nostdlib', '-O2', '-Wl,--no-entry', '-o', out, src, ...(step.args ?? [])], quiet);
      } else if (step.tool === 'wasi-clang') {
        // Ordinary C with wasi-libc (Debian: apt-get install wasi-libc; its headers and libraries sit in
        // clang's default multiarch paths, while wasi-sdk style installs use /usr/share/wasi-sysroot).
        const sysroot = existsSync('/usr/share/wasi-sysroot') ? ['--sysroot=/usr/share/wasi-sysroot'] : [];
        run('clang', ['--target=wasm32-wasi', ...sysroot, '-Os', '-Wl,--strip-all', '-o', out, src, ...(step.args ?? [])], quiet);
      } else if (step.tool === 'pack') {
        run('node', ['bin/wasgo.mjs', 'pack', src, '-o', out, ...(step.args ?? [])], quiet);
      } else {
        throw new Error(`examples/${dir}/build.json: unknown tool ${step.tool}`);
      }
      if (!quiet) console.log(`built ${out}`);
    }
  }
}
