/**
 * What the sandbox rewrites cost at load time: compile + instantiate of the same module
 * as built vs. after memory caps and fuel metering, measured in one run (medians).
 */
import { readFileSync } from 'node:fs';
import { prepareModule } from '../ts/engine/prepare';

const ROUNDS = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const i of WebAssembly.Module.imports(module)) {
    const v = i.kind === 'function' ? () => 0 : i.kind === 'memory' ? new WebAssembly.Memory({ initial: 1 }) : undefined;
    if (v) (imports[i.module] ??= {})[i.name] = v;
  }
  return imports;
}

export async function run(files = ['examples/hello-as/hello.wasm', 'examples/hello-c/hello.wasm', 'node_modules/playwright-core/lib/webp_codec.wasm']): Promise<void> {
  console.log('\n## compile + instantiate: as built vs. rewritten (caps + fuel)');
  console.log(`${'module'.padEnd(50)}    bytes   plain ms  rewrite ms  rewritten ms  ratio`);
  for (const file of files.filter((f) => f.endsWith('.wasm'))) {
    const bytes = new Uint8Array(readFileSync(file));
    const plain: number[] = [];
    const rewrite: number[] = [];
    const full: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      plain.push(await time(async () => { const m = await WebAssembly.compile(bytes); await WebAssembly.instantiate(m, stubImports(m)); }));
      let prepared: unknown;
      rewrite.push(await time(async () => { prepared = prepareModule(bytes, { name: file, memoryMb: 64, meter: true, revalidate: false }); }));
      full.push(await time(async () => {
        const p = prepareModule(bytes, { name: file, memoryMb: 64, meter: true, revalidate: false });
        const m = await WebAssembly.compile(p.bytes);
        await WebAssembly.instantiate(m, stubImports(m));
      }));
      void prepared;
    }
    const [p, w, f] = [median(plain), median(rewrite), median(full)];
    console.log(`${file.padEnd(50)} ${String(bytes.length).padStart(8)} ${p.toFixed(3).padStart(10)} ${w.toFixed(3).padStart(11)} ${f.toFixed(3).padStart(13)} ${(f / p).toFixed(2).padStart(6)}`);
  }
}
