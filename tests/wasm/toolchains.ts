/** Builds test modules with the toolchains mod authors use: wabt (WAT), AssemblyScript, clang. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ALL_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true, simd: true,
  threads: true, multi_value: true, tail_call: true, bulk_memory: true, reference_types: true,
  extended_const: true, relaxed_simd: true, multi_memory: true, memory64: true,
};

const loadWabt = () => import('wabt').then((m) => m.default());
let wabtP: ReturnType<typeof loadWabt> | undefined;

export async function wat(text: string, opts: { names?: boolean } = {}): Promise<Uint8Array<ArrayBuffer>> {
  wabtP ??= loadWabt();
  const mod = (await wabtP).parseWat('test.wat', text, ALL_FEATURES);
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: opts.names ?? false }).buffer);
  } finally {
    mod.destroy();
  }
}

export async function asc(source: string, options: Record<string, unknown> = {}): Promise<Uint8Array<ArrayBuffer>> {
  const { default: compiler } = await import('assemblyscript/asc');
  const out = await compiler.compileString(source, { optimizeLevel: 3, runtime: 'stub', ...options });
  if (out.error || !out.binary) throw new Error(`asc failed: ${out.error?.message}\n${out.stderr.toString()}`);
  return new Uint8Array(out.binary);
}

/** Why clang cannot be used here, or undefined when it can. */
export function clangMissing(): string | undefined {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch (e) {
    return `clang is not installed or not on PATH (${(e as Error).message})`;
  }
}

export function clang(source: string, flags: string[] = ['-O2']): Uint8Array<ArrayBuffer> {
  const dir = mkdtempSync(join(tmpdir(), 'wasgo-clang-'));
  try {
    writeFileSync(join(dir, 'm.c'), source);
    execFileSync('clang', ['--target=wasm32', '-nostdlib', '-Wl,--no-entry', ...flags, '-o', join(dir, 'm.wasm'), join(dir, 'm.c')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
