/**
 * The typed Godot SDK's cost (issue 11, target ≤ 1.1×): the same n calls through the typed
 * bindings (bench/sdk/typed.ts) and through the low-level ABI (bench/sdk/raw.ts), both compiled
 * here with asc -O3 and run against a stub `godot` host that answers like the bridge (a Vector2
 * result in var_to_bytes), so the figure is the guest-side binding cost, not Godot's. Then the
 * size of a hello mod (bench/sdk/hello.ts) with each AssemblyScript runtime.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = 200_000;
const ROUNDS = 15;

function asc(src: string, runtime: string, dir: string): Uint8Array<ArrayBuffer> {
  const out = join(dir, `${src.replace(/\W/g, '_')}-${runtime}.wasm`);
  const r = spawnSync(process.execPath, ['node_modules/assemblyscript/bin/asc.js', src, '-o', out, '--runtime', runtime, '-O3'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`asc ${src}: ${r.stderr}`);
  return new Uint8Array(readFileSync(out));
}

/** A `godot` host stub: binds and handles are numbers, get_position answers a Vector2. */
function instantiate(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Instance {
  let memory: WebAssembly.Memory | null = null;
  const godot: Record<string, (...a: number[]) => number | void> = {
    mod_node: () => 1,
    classdb_get_method_bind: (_cp, _cn, _mp, mn) => (mn === 12 ? 1 : 2), // get_position (12 bytes) = 1, set_position = 2
    object_method_bind_call: (bind, _obj, _a, _an, out, cap) => {
      if (bind !== 1 || cap < 12) return 4;
      const dv = new DataView(memory!.buffer);
      dv.setUint32(out, 5, true); dv.setFloat32(out + 4, 1.5, true); dv.setFloat32(out + 8, 2.5, true);
      return 12;
    },
  };
  const module = new WebAssembly.Module(bytes);
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = { env: { abort: () => { throw new Error('abort'); } } };
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.kind !== 'function' || i.module === 'env') continue;
    (imports[i.module] ??= {})[i.name] = godot[i.name] ?? (() => 0);
  }
  const inst = new WebAssembly.Instance(module, imports);
  memory = inst.exports.memory as WebAssembly.Memory;
  return inst;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wasgo-bench-sdk-'));
  try {
    console.log(`\n## typed SDK: typed call vs. low-level call (${N} calls, median of ${ROUNDS}, stub host; target ≤ 1.1×)`);
    console.log(`${'call'.padEnd(36)} runtime       low-level ms  typed ms  ratio`);
    for (const runtime of ['stub', 'incremental']) {
      const raw = instantiate(asc('bench/sdk/raw.ts', runtime, dir));
      const typed = instantiate(asc('bench/sdk/typed.ts', runtime, dir));
      for (const fn of ['set_n', 'get_n', 'get_into_n']) {
        const r = raw.exports[fn] as (n: number) => number;
        const t = typed.exports[fn] as (n: number) => number;
        // Same result from both: the bench measures equal work.
        if (fn !== 'set_n' && r(10) !== t(10)) throw new Error(`bench sdk: ${fn} differs: ${r(10)} vs ${t(10)}`);
        const a: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < 3; i++) { r(N); t(N); }
        // The stub runtime never frees: get_n's results would exhaust its memory in long runs.
        const n = fn === 'get_n' && runtime === 'stub' ? N / 10 : N;
        for (let i = 0; i < ROUNDS; i++) { a.push(time(() => r(n))); b.push(time(() => t(n))); }
        const label = fn === 'set_n' ? 'set_position(Vector2)' : fn === 'get_into_n' ? 'get_position(out) (no allocation)' : `get_position() -> new Vector2${n !== N ? ` (${n} calls)` : ''}`;
        console.log(`${label.padEnd(36)} ${runtime.padEnd(12)} ${median(a).toFixed(2).padStart(12)} ${median(b).toFixed(2).padStart(9)}  ${(median(b) / median(a)).toFixed(2)}×`);
      }
    }
    console.log('\n## hello mod size per AssemblyScript runtime (bench/sdk/hello.ts, -O3, no name section)');
    for (const runtime of ['stub', 'minimal', 'incremental']) {
      console.log(`${runtime.padEnd(12)} ${String(asc('bench/sdk/hello.ts', runtime, dir).length).padStart(7)} bytes`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
