/**
 * Many mods at once (issue 15, docs/limits.md "Committed memory"): 1,000 copies of the
 * AssemblyScript example (`examples/hello-as`, `(memory 1)` without a maximum, as AS emits it)
 * loaded side by side at the default settings, each compiled on its own and its main called —
 * against V8 alone in the same run (the unrewritten bytes, `new WebAssembly.Module` + `Instance`
 * with no-op imports). Prints time and RSS for both, and what the budget holds.
 */
import { readFileSync } from 'node:fs';
import { WasGoEngine, type WasGoInstance } from '../ts/index';

const N = 1000;
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
/** Virtual address space (Linux only): V8 reserves guard regions around every wasm memory. */
const vsz = (): number => {
  try {
    return Number(/VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
};
const rss = (): number => {
  gc();
  return process.memoryUsage().rss;
};

export async function run(): Promise<void> {
  const bytes = new Uint8Array(readFileSync('examples/hello-as/hello.wasm'));
  console.log(`\nmany-mods: ${N} × examples/hello-as (${bytes.length} bytes, memory 1, no maximum), default settings${(globalThis as { gc?: unknown }).gc ? '' : ' (run node with --expose-gc for steadier RSS)'}`);

  // Baseline: V8 alone.
  const vBase = vsz();
  let r0 = rss();
  let t0 = performance.now();
  const plain: WebAssembly.Instance[] = [];
  for (let i = 0; i < N; i++) {
    const m = new WebAssembly.Module(bytes);
    const inst = new WebAssembly.Instance(m, { env: { abort: () => undefined }, wasgo: { print: () => undefined } });
    (inst.exports.main as () => unknown)();
    plain.push(inst);
  }
  const v8Ms = performance.now() - t0;
  const v8Rss = rss() - r0;
  const v8Virtual = vsz() - vBase;
  plain.length = 0;

  // WasGo: load (rewrite, compile, link, instantiate) and call main, all kept alive.
  const engine = WasGoEngine.get().init({});
  engine.on('print', () => undefined);
  r0 = rss();
  const v0 = vsz();
  t0 = performance.now();
  const mods: WasGoInstance[] = [];
  for (let i = 0; i < N; i++) {
    const inst = await engine.instantiate(await engine.compile({ name: `mod${i}.wasm`, bytes }));
    inst.call('main');
    mods.push(inst);
  }
  const wasgoMs = performance.now() - t0;
  const wasgoRss = rss() - r0;
  const held = engine.memoryCommitted;
  const virtual = vsz() - v0;
  for (const m of mods) m.dispose();
  const after = engine.memoryCommitted;
  mods.length = 0;

  // The same, one compiled module instantiated N times (what is per instance, not per compile).
  const compiled = await engine.compile({ name: 'mod.wasm', bytes });
  r0 = rss();
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const inst = await engine.instantiate(compiled);
    inst.call('main');
    mods.push(inst);
  }
  const instMs = performance.now() - t0;
  const instRss = rss() - r0;
  for (const m of mods) m.dispose();
  engine.shutdown();

  console.log(`  V8 alone:  ${v8Ms.toFixed(0)} ms (${(v8Ms / N).toFixed(2)} ms per mod), RSS +${mb(v8Rss)} (${(v8Rss / N / 1024).toFixed(0)} KB per mod)`);
  console.log(`  WasGo:     ${wasgoMs.toFixed(0)} ms (${(wasgoMs / N).toFixed(2)} ms per mod), RSS +${mb(wasgoRss)} (${(wasgoRss / N / 1024).toFixed(0)} KB per mod)`);
  console.log(`  WasGo, one compile, ${N} instances: ${instMs.toFixed(0)} ms (${(instMs / N).toFixed(2)} ms per instance), RSS +${mb(instRss)}`);
  console.log(`  ratio WasGo / V8: time ${(wasgoMs / v8Ms).toFixed(2)}×, RSS ${(wasgoRss / Math.max(1, v8Rss)).toFixed(2)}×`);
  // V8 keeps the address space of freed memories for reuse: the WasGo figure is only meaningful when the baseline's was not reused.
  if (v8Virtual) console.log(`  virtual address space: V8 alone +${(v8Virtual / 2 ** 40).toFixed(2)} TiB, then WasGo +${(virtual / 2 ** 40).toFixed(2)} TiB more (guard regions per memory; x86-64 user space is 128 TiB)`);
  console.log(`  budget held with ${N} mods: ${mb(held)} of 1024 MB (the old charge, 64 MiB each, stopped at 16 mods); after dispose: ${after} bytes`);
}
