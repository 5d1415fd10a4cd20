// Compiles the example mods with real toolchains: AssemblyScript (asc) and clang --target=wasm32.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

function run(cmd, args, quiet) {
  execFileSync(cmd, args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', cwd: join(here, '..') });
}

function newer(src, out) {
  return !existsSync(out) || statSync(src).mtimeMs > statSync(out).mtimeMs;
}

/** Each examples/<name>/build.json: { "steps": [ { "tool": "asc"|"clang", "src": "...", "out": "...", "args": [...] } ] } */
export async function buildExamples({ quiet = false } = {}) {
  const { readFileSync } = await import('node:fs');
  for (const dir of readdirSync(here)) {
    const spec = join(here, dir, 'build.json');
    if (!existsSync(spec)) continue;
    const { steps } = JSON.parse(readFileSync(spec, 'utf8'));
    for (const step of steps) {
      const src = join('examples', dir, step.src);
      const out = join('examples', dir, step.out);
      if (!newer(join(here, '..', src), join(here, '..', out))) continue;
      if (step.tool === 'asc') {
        run('node', ['node_modules/assemblyscript/bin/asc.js', src, '-o', out, '--runtime', 'stub', '-O3', ...(step.args ?? [])], quiet);
      } else if (step.tool === 'clang') {
        run('clang', ['--target=wasm32', '-nostdlib', '-O2', '-Wl,--no-entry', '-o', out, src, ...(step.args ?? [])], quiet);
      } else {
        throw new Error(`examples/${dir}/build.json: unknown tool ${step.tool}`);
      }
      if (!quiet) console.log(`built ${out}`);
    }
  }
}
