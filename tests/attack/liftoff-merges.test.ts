/**
 * Attack: V8's baseline compiler (Liftoff) merges the whole local state at every branch to a label
 * and every loop header, so compiling a function costs ~locals x branches. Functions are compiled
 * lazily inside their first call, where neither fuel nor the deadline sees it, and the metered
 * body runs so few units afterwards that no refill checks the deadline at all: the call RETURNS
 * normally, seconds late. Measured (default settings, maxCallMs 250, 2-core VM, Node 20):
 *   49 000 i32 locals (under maxLocals 50 000), one loop holding 10 000 `br_if 0` (a 40 KB
 *   module): first call 2 874 ms, returned OK (68 939 units), second call 0.2 ms;
 *   49 000 locals, 1 000 br_if (4 KB): 180 ms; 49 000 locals, 256 nested empty loops (808 B):
 *   1 338 ms (raw V8 without WasGo: 350 ms; the rewriter's loop wrappers add 2 blocks + 1 loop
 *   per loop, so ~4x the merges); raw V8, 5 000 locals x 10 000 br_if: 349 ms; 1 000 x 10 000: 81 ms.
 * With lazy-compile-chain.test.ts: k such functions entered at once cost k x that in one call.
 * Also: a module with exactly 50 000 locals (the default maxLocals) is refused with InternalError
 * ("local count too large" from V8, after the rewriter added its locals), not ModuleTooLarge.
 * Fix I would make (needs real-module data first, so not done here): a shape limit on a
 * function's merge work, locals x (branch targets + loop/block/if ends) as scanned (e.g. <= 5e6,
 * ~40 ms here), checked as metered like maxBodyBytes; maxLocals at 50 000 minus the rewriter's own
 * locals. Pinned with it.fails.
 */
import { describe, expect, it } from 'vitest';
import { freshEngine } from '../helpers/engine';

function uleb(n: number): number[] {
  const o: number[] = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; o.push(b); } while (n);
  return o;
}

/** `(func (export "f") (local i32 x locals) (loop (br_if 0 (i32.const 0)) x branches))` */
export function localsAndBranches(locals: number, branches: number, salt: number): Uint8Array<ArrayBuffer> {
  const code: number[] = [1, ...uleb(locals), 0x7f, 0x41, salt & 0x3f, 0x1a, 0x03, 0x40];
  for (let i = 0; i < branches; i++) code.push(0x41, 0, 0x0d, 0);
  code.push(0x0b, 0x0b);
  const sec = [1, ...uleb(code.length), ...code];
  const head = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, ...uleb(sec.length)];
  const out = new Uint8Array(head.length + sec.length);
  out.set(head);
  out.set(sec, head.length);
  return out;
}

describe("a function's first call cannot compile for seconds", () => {
  it.fails('49 000 locals and 10 000 br_if (40 KB): the first call ends within 2x maxCallMs, or is refused at load', async () => {
    const { engine } = freshEngine();
    const bytes = localsAndBranches(49_000, 10_000, Math.floor(Math.random() * 64));
    let inst;
    try {
      inst = await engine.loadMod(bytes, { name: 'merges.wasm' });
    } catch (e) {
      console.log(`refused at load: ${(e as Error).message}`);
      return; // refused by a shape limit: the attack is closed
    }
    const t0 = performance.now();
    let outcome = 'returned';
    try { inst.call('f'); } catch (e) { outcome = (e as Error).constructor.name; }
    const ms = performance.now() - t0;
    console.log(`first call ${ms.toFixed(0)} ms (maxCallMs ${engine.settings.maxCallMs}), ${outcome}, ${inst.lastCallFuel} units`);
    expect(ms).toBeLessThan(2 * engine.settings.maxCallMs);
  }, 60_000);
});
