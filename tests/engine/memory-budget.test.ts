/**
 * The engine-wide memory budget counts committed memory (issue 15, item 1): an instance holds
 * its memories' initial size (plus its tables) from creation, each memory.grow is charged when it
 * happens — refused with -1, as a full memory would, when it would pass totalMemoryMb — and
 * everything is credited back on disposal. The per-instance cap (memoryMb) stays the ceiling.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLimit, WasGoEngine, type WasGoInstance } from '../../ts/index';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

afterEach(() => WasGoEngine.get().shutdown());

const PAGE = 65536;
const MIB = 1024 * 1024;

/** What AssemblyScript and clang emit by default: (memory 1), no maximum; a grow loop as an allocator would. */
const smallMod = (n: number) => `(module (memory 1)
  (func (export "main") (result i32) (i32.const ${n}))
  (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages)))
  (func (export "growAll") (result i32) (local $got i32)
    (block $full (loop $l
      (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (local.set $got (i32.add (local.get $got) (i32.const 1)))
      (br $l)))
    (local.get $got))
  (func (export "growThenTrap") (if (i32.eq (memory.grow (i32.const 64)) (i32.const -1)) (then unreachable))))`;

async function loadMany(engine: WasGoEngine, n: number, text = smallMod): Promise<WasGoInstance[]> {
  const out: WasGoInstance[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await engine.instantiate(await engine.compile({ name: `mod${i}.wasm`, bytes: await wat(text(i)) })));
  }
  return out;
}

describe('committed memory', () => {
  it('1,000 small mods (memory 1, no maximum) load side by side at the default settings; dispose releases', async () => {
    const { engine } = freshEngine();
    const text = await wat(smallMod(7));
    const mods: WasGoInstance[] = [];
    for (let i = 0; i < 1000; i++) mods.push(await engine.instantiate(await engine.compile({ name: `mod${i}.wasm`, bytes: text })));
    expect(engine.memoryCommitted).toBe(1000 * PAGE); // 64 KiB each, not 64 MiB each
    for (const m of mods) expect(m.call('main')).toBe(7);
    expect(mods[999]!.call('grow', [3])).toBe(1); // old size
    expect(engine.memoryCommitted).toBe(1003 * PAGE);
    for (const m of mods) m.dispose();
    expect(engine.memoryCommitted).toBe(0);
  }, 120_000);

  it('memory.grow keeps its results: old size on success, the size for 0 pages, -1 past the cap', async () => {
    const { engine } = freshEngine({ memoryMb: 1 }); // 16 pages
    const [m] = await loadMany(engine, 1);
    expect(m!.call('grow', [0])).toBe(1);
    expect(m!.call('grow', [2])).toBe(1);
    expect(m!.call('grow', [0])).toBe(3);
    expect(m!.call('grow', [14])).toBe(-1); // 17 > 16: the cap, nothing charged
    expect(m!.call('grow', [-1], { fuel: 2e9 })).toBe(-1); // 2^32 - 1 pages (priced at the 2^30 maximum charge)
    expect(m!.call('grow', [13])).toBe(3);
    expect(m!.memory!.size).toBe(16 * PAGE);
    expect(engine.memoryCommitted).toBe(16 * PAGE);
    expect(m!.refusedGrows.last).toMatchObject({ askedPages: 0x3fffffff, refusedBy: 'cap' }); // requests are clamped to 2^30 - 1 pages
  });

  it('a grow storm across many mods stops at the budget: every grow past it returns -1, the engine keeps serving', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 16 });
    const mods = await loadMany(engine, 20); // 20 × 8 MiB of demand against 16 MiB
    let gained = 0;
    for (const m of mods) gained += m.call('growAll') as number;
    expect(gained + 20).toBe(16 * MIB / PAGE); // the budget is used exactly, never passed
    expect(engine.memoryCommitted).toBe(16 * MIB);
    let sizes = 0;
    for (const m of mods) sizes += m.memory!.size;
    expect(sizes).toBe(16 * MIB);
    expect(mods[19]!.refusedGrows.last).toMatchObject({ askedPages: 1, refusedBy: { budgetBytes: 16 * MIB, heldBytes: 16 * MIB } });
    // Serving: every mod still answers; a new instance is refused cleanly; disposal makes room.
    for (const m of mods) expect(m.call('main')).toBe(mods.indexOf(m));
    const refused = await loadMany(engine, 1).catch((e) => e);
    expect(refused).toBeInstanceOf(MemoryLimit);
    mods[0]!.dispose();
    const [late] = await loadMany(engine, 1);
    expect(late!.call('grow', [1])).toBe(1);
  }, 60_000);

  it('a call that fails after the budget refused a grow is MemoryLimit naming totalMemoryMb', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 4 });
    const [a, b] = await loadMany(engine, 2);
    expect(a!.call('grow', [60])).toBe(1); // 61 pages of 64
    let err: unknown;
    try { b!.call('growThenTrap'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MemoryLimit);
    expect((err as Error).message).toMatch(/memory\.grow asked for 64 more pages .* the engine's memory budget refused it \(totalMemoryMb: 3\.88 MiB of 4 MiB held/);
  });

  it('a grow from a wasm start function is charged too; an initial size over the budget is refused before instantiation', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 2 });
    const i = await engine.instantiate(await engine.compile({ name: 's.wasm', bytes: await wat('(module (memory 1) (func $s (drop (memory.grow (i32.const 15)))) (start $s))') }));
    expect(i.memory!.size).toBe(16 * PAGE);
    expect(engine.memoryCommitted).toBe(16 * PAGE);
    await expect(engine.loadMod(await wat('(module (memory 17))'))).rejects.toBeInstanceOf(MemoryLimit);
    i.dispose();
    expect(engine.memoryCommitted).toBe(0);
  });

  it('an imported memory (created by the host) is charged the same way: its initial size, then each grow', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 1 });
    const i = await engine.loadMod(await wat('(module (import "env" "memory" (memory 2)) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))'));
    expect(engine.memoryCommitted).toBe(2 * PAGE);
    expect(i.call('grow', [10])).toBe(2);
    expect(i.call('grow', [5])).toBe(-1); // 17 pages > 1 MiB
    expect(i.memory!.size).toBe(12 * PAGE);
    expect(engine.memoryCommitted).toBe(12 * PAGE);
  });

  it('an unmetered module (fuelPerCall and fuelPerMain 0), whose grows the host cannot see, holds its capped maximum', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 20, fuelPerCall: 0, fuelPerMain: 0 });
    const mods = await loadMany(engine, 2);
    expect(engine.memoryCommitted).toBe(16 * MIB);
    await expect(loadMany(engine, 1)).rejects.toBeInstanceOf(MemoryLimit);
    mods[0]!.dispose();
    expect(engine.memoryCommitted).toBe(8 * MIB);
  });
});

describe('committed memory: tables', () => {
  const TABLE_MOD = `(module (table $t 1 funcref) (elem declare func $seven)
    (func $seven (result i32) (i32.const 7))
    (func (export "grow") (param $n i32) (result i32) (table.grow $t (ref.func $seven) (local.get $n)))
    (func (export "size") (result i32) (table.size $t))
    (func (export "callLast") (result i32) (call_indirect (result i32) (i32.sub (table.size $t) (i32.const 1)))))`;

  it('a table without a maximum holds its initial entries, not maxTableEntries; table.grow is charged when it happens', async () => {
    const { engine } = freshEngine();
    const i = await engine.loadMod(await wat(TABLE_MOD));
    expect(engine.memoryCommitted).toBe(32); // 1 funcref entry (the old charge: 100 000 entries, 3.2 MB)
    expect(i.call('grow', [9])).toBe(1); // old size
    expect(i.call('size')).toBe(10);
    expect(i.call('callLast')).toBe(7); // the init value was written: the grow really happened
    expect(engine.memoryCommitted).toBe(10 * 32);
    expect(i.call('grow', [100_000])).toBe(-1); // past maxTableEntries: as a full table, nothing changes
    expect(i.call('size')).toBe(10);
    i.dispose();
    expect(engine.memoryCommitted).toBe(0);
  });

  it('a table.grow storm stops at the budget: -1, nothing grown, the engine keeps serving', async () => {
    const { engine } = freshEngine({ totalMemoryMb: 1, maxTableEntries: 1_000_000 });
    const mods = await loadMany(engine, 4, () => TABLE_MOD);
    let granted = 0;
    for (const m of mods) {
      for (let k = 0; k < 100; k++) if ((m.call('grow', [1000]) as number) >= 0) granted++;
    }
    expect(granted).toBe(Math.floor((MIB - 4 * 32) / 32_000)); // 1 MiB of 32-byte entries, 1000 at a time
    expect(engine.memoryCommitted).toBeLessThanOrEqual(MIB);
    let entries = 0;
    for (const m of mods) entries += m.call('size') as number;
    expect(entries).toBe(4 + granted * 1000);
    for (const m of mods) if ((m.call('size') as number) > 1) expect(m.call('callLast')).toBe(7); // entry 0 is null
    mods[0]!.dispose();
    expect(await loadMany(engine, 1, () => TABLE_MOD)).toHaveLength(1);
  });
});

describe('committed memory: worker mains count the same way', () => {
  it('a worker main holds its copy at its initial size, its grows ask the budget (-1 past it), all given back when it ends', async () => {
    const { engine } = freshEngine({ memoryMb: 8, totalMemoryMb: 4 });
    const text = `(module (memory 1)
      (func (export "main") (result i32) (local $got i32)
        (block $full (loop $l
          (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
          (local.set $got (i32.add (local.get $got) (i32.const 1)))
          (br $l)))
        (local.get $got)))`;
    const inst = await engine.loadMod(await wat(text));
    expect(engine.memoryCommitted).toBe(PAGE);
    const inline = inst.call('main') as number; // the inline instance takes all but what it holds
    expect(inline).toBe(63); // 4 MiB = 64 pages: 63 more than the one it holds
    expect(engine.memoryCommitted).toBe(4 * MIB);
    inst.dispose();
    const w = await engine.loadMod(await wat(text)); // holds 1 page
    const other = await engine.loadMod(await wat(smallMod(1)));
    expect(other.call('grow', [31])).toBe(1); // 32 pages held by another mod, 1 by w
    const run = w.start([], { timeoutMs: 10_000 });
    expect(await run.result).toBe(64 - 32 - 1 - 1); // its copy started at 1 page, then grew to what was left
    expect(engine.memoryCommitted).toBe(33 * PAGE); // the copy was given back
    expect(w.refusedGrows.last).toMatchObject({ askedPages: 1, refusedBy: { budgetBytes: 4 * MIB } });
  }, 30_000);

  it('a worker main that fails after a refused grow ends with MemoryLimit (the cap or the budget), not the trap it caused', async () => {
    const { engine } = freshEngine({ memoryMb: 2 });
    const inst = await engine.loadMod(await wat(`(module (memory 1)
      (func (export "main") (result i32) (if (i32.eq (memory.grow (i32.const 40)) (i32.const -1)) (then unreachable)) (i32.const 0)))`));
    const err = await inst.start([], { timeoutMs: 10_000 }).result.catch((e) => e);
    expect(err).toBeInstanceOf(MemoryLimit);
    expect((err as Error).message).toMatch(/capped at 32 pages \(2 MiB\); memory\.grow asked for 40 more pages/);
    expect(engine.memoryCommitted).toBe(PAGE);
  }, 30_000);
});
