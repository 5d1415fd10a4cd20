/**
 * Attack: a granted memory.grow now commits its pages (ts/engine/commit-pages.ts: the kernel's
 * page faults moved from first touch into the grow), but the grow's price was set before that
 * (2^19 + 2^16 units per 64 KiB page, "~4 µs per page"). Measured on main (default settings,
 * 2-core VM, Node 20, fresh instance, best of 5): one `memory.grow 1024` (64 MiB) took 65 ms for
 * 67.6 M units = 0.97 ns/unit, 17.8x a plain loop's 0.054 (31x in a busier run); grow 256: 17.2x; grow 16: 11.8x. A
 * storm of grow-by-1 pages stays at ~1.5x (the 2^19 per call dominates).
 * Bounded: once per page per instance (memoryMb per instance, totalMemoryMb in all), and the
 * deadline is checked at the next refill; so not a hang at the defaults, but with a large
 * memoryMb one grow is one long host operation (~1 ms per MiB here) that fuel prices ~18x low.
 * Fix I would make: price a granted page at its commit cost (~2^20 units, ~55 µs at a plain
 * unit), which also makes fuelPerCall (1e8) refuse a single grow over ~6 MiB in one call: a
 * pricing decision for the owners of issue 15, so pinned with it.fails here.
 */
import { describe, expect, it } from 'vitest';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

const PLAIN = `(module (func (export "f") (param $n i32) (result i32) (local $s i32)
  (loop $l (local.set $s (i32.add (local.get $s) (local.get $n)))
    (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
  (local.get $s)))`;
const GROW = `(module (memory 0) (func (export "f") (param $n i32) (result i32) (memory.grow (local.get $n))))`;

async function nsPerUnit(src: string, n: number): Promise<number> {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const { engine } = freshEngine();
    const inst = await engine.loadMod(await wat(src));
    const t0 = performance.now();
    inst.call('f', [n]);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / inst.lastCallFuel);
    inst.dispose();
  }
  return best;
}

describe('a granted grow is priced at what committing it costs', () => {
  it.fails('one memory.grow of 64 MiB runs within 3x a plain loop per unit', async () => {
    const plain = await nsPerUnit(PLAIN, 5_000_000);
    const grow = await nsPerUnit(GROW, 1024);
    console.log(`plain ${plain.toFixed(3)} ns/unit; memory.grow 1024 ${grow.toFixed(3)} ns/unit = ${(grow / plain).toFixed(1)}x`);
    expect(grow / plain).toBeLessThan(3);
  }, 60_000);
});
