// Compiles the example mods with real toolchains: AssemblyScript (asc), clang --target=wasm32 and
// clang --target=wasm32-wasi with wasi-libc. The C toolchain is optional: when clang, wasm-ld,
// wasi-libc or clang's wasm32 runtime library is missing, the C examples are skipped with one
// line naming the Debian package to install, and everything else is still built.
//
// Every example keeps its "name" section, so a trap's guest stack reads `update@0x…`, not
// `func15@0x…`: asc gets --debug (names only; the code is the same), and clang runs without
// node_modules/.bin on PATH — clang runs any `wasm-opt` it finds there after linking, and
// binaryen's wasm-opt drops the name section.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = new URL('.', import.meta.url).pathname;

/** PATH without node_modules/.bin (see above). */
const cleanPath = (process.env.PATH ?? '').split(delimiter).filter((d) => !/node_modules[\\/]\.bin$/.test(d)).join(delimiter);
const clangEnv = { ...process.env, PATH: cleanPath };

function run(cmd, args, quiet, env = process.env) {
  execFileSync(cmd, args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', cwd: join(here, '..'), env });
}

const WASI_SYSROOT = existsSync('/usr/share/wasi-sysroot') ? ['--sysroot=/usr/share/wasi-sysroot'] : [];
const CLANG_ARGS = { clang: ['--target=wasm32', '-nostdlib', '-O2', '-Wl,--no-entry'], 'wasi-clang': ['--target=wasm32-wasi', ...WASI_SYSROOT, '-Os'] };
const PROBES = {
  clang: 'int f(int x) { return x + 1; }\n',
  'wasi-clang': '#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char **argv) { printf("%d\\n", argc); return rand() & 1; }\n',
};

/**
 * Can this machine build `tool` ('clang' or 'wasi-clang')? Compiles a tiny program once;
 * returns null when it works, or the one line to print when it does not.
 */
const probed = new Map();
export function missingToolchain(tool) {
  if (probed.has(tool)) return probed.get(tool);
  const dir = mkdtempSync(join(tmpdir(), 'wasgo-probe-'));
  let reason = null;
  try {
    writeFileSync(join(dir, 'p.c'), PROBES[tool]);
    const args = [...CLANG_ARGS[tool], ...(tool === 'clang' ? ['-Wl,--export=f'] : []), '-o', join(dir, 'p.wasm'), join(dir, 'p.c')];
    const r = spawnSync('clang', args, { encoding: 'utf8', env: clangEnv });
    if (r.error) reason = 'clang is not installed (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)';
    else if (r.status !== 0) {
      const err = `${r.stderr}`;
      const version = clangMajor();
      if (/libclang_rt\.builtins-wasm32/.test(err)) reason = `clang's wasm32 runtime library is missing (Debian: apt-get install libclang-rt-${version}-dev-wasm32)`;
      else if (/Executable "wasm-ld" doesn't exist|unable to execute command|wasm-ld: (command )?not found/i.test(err)) reason = 'wasm-ld is not installed (Debian: apt-get install lld)';
      else if (/stdio\.h|-lc\b|crt1|wasi-sysroot|wasm32-wasi/.test(err)) reason = 'wasi-libc is missing (Debian: apt-get install wasi-libc)';
      else reason = `clang cannot build for wasm32: ${err.trim().split('\n')[0]} (Debian: apt-get install clang lld wasi-libc libclang-rt-${version}-dev-wasm32)`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  probed.set(tool, reason);
  return reason;
}

function clangMajor() {
  const r = spawnSync('clang', ['--version'], { encoding: 'utf8', env: clangEnv });
  return /version (\d+)/.exec(r.stdout ?? '')?.[1] ?? '<N>';
}

/** Newest modification time under a file or folder. */
function mtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, mtime(join(path, name))), st.mtimeMs);
}

/** This script is an input of every output: changing how examples are built rebuilds them. */
const SELF = fileURLToPath(import.meta.url);

function newer(srcs, out) {
  return !existsSync(out) || [...srcs, SELF].some((src) => mtime(src) > statSync(out).mtimeMs);
}

/**
 * Each examples/<name>/build.json: { "steps": [ { "tool": "asc"|"clang"|"wasi-clang"|"pack", "src": "...", "out": "...",
 * "args": [...], "deps": [...] } ] }. "pack" zips the folder `src` into the ANT.zip `out` with
 * `wasgo pack` (so the TypeScript build must come first). `deps` are extra inputs (headers).
 */
export async function buildExamples({ quiet = false } = {}) {
  const { readFileSync } = await import('node:fs');
  const skipped = [];
  for (const dir of readdirSync(here).sort()) {
    const spec = join(here, dir, 'build.json');
    if (!existsSync(spec)) continue;
    const { steps } = JSON.parse(readFileSync(spec, 'utf8'));
    const stale = (step) => newer([join('examples', dir, step.src), ...(step.deps ?? []).map((d) => join('examples', dir, d))].map((p) => join(here, '..', p)), join(here, '..', 'examples', dir, step.out));
    if (!steps.some(stale)) continue;
    // An example whose C toolchain is missing is skipped as a whole (its "pack" step needs the C outputs).
    const missing = steps.map((s) => (s.tool === 'clang' || s.tool === 'wasi-clang' ? missingToolchain(s.tool) : null)).find((m) => m);
    if (missing) {
      skipped.push({ example: `examples/${dir}`, reason: missing });
      continue;
    }
    for (const step of steps) {
      const src = join('examples', dir, step.src);
      const out = join('examples', dir, step.out);
      const inputs = [src, ...(step.deps ?? []).map((d) => join('examples', dir, d))].map((p) => join(here, '..', p));
      if (!newer(inputs, join(here, '..', out))) continue;
      mkdirSync(dirname(join(here, '..', out)), { recursive: true });
      if (step.tool === 'asc') {
        run('node', ['node_modules/assemblyscript/bin/asc.js', src, '-o', out, '--runtime', 'stub', '-O3', '--debug', ...(step.args ?? [])], quiet);
      } else if (step.tool === 'clang' || step.tool === 'wasi-clang') {
        // wasi-clang: ordinary C with wasi-libc (Debian: wasi-libc, whose headers and libraries sit in
        // clang's default multiarch paths, while wasi-sdk style installs use /usr/share/wasi-sysroot).
        // --strip-debug drops DWARF but keeps the name section.
        run('clang', [...CLANG_ARGS[step.tool], '-Wl,--strip-debug', '-o', out, src, ...(step.args ?? [])], quiet, clangEnv);
      } else if (step.tool === 'pack') {
        run('node', ['bin/wasgo.mjs', 'pack', src, '-o', out, ...(step.args ?? [])], quiet);
      } else {
        throw new Error(`examples/${dir}/build.json: unknown tool ${step.tool}`);
      }
      if (!quiet) console.log(`built ${out}`);
    }
  }
  // One line naming what to install; the build itself succeeds.
  if (skipped.length) {
    const which = skipped.map((s) => s.example).join(', ');
    console.warn(`wasgo build: skipped the C example${skipped.length > 1 ? 's' : ''} ${which}: ${[...new Set(skipped.map((s) => s.reason))].join('; ')}`);
  }
  return { skipped };
}
