import { commitPages } from './commit-pages';
import type { HostFunctionSpec } from '../table/host-function';
import type { Binding, RefusedGrow } from '../table/linker';
import { TABLE_GROW_MAX_ENTRIES, TABLE_GROW_REQUEST, WORKER_GROW_MODULE, WORKER_GROW_NAME } from '../wasm/fuel-names';
import type { BudgetAccount, MemoryBudget, TableShape } from './memory-budget';

const PAGE = 65536;

type Refused = (memory: number, askedPages: number, refusedBy: RefusedGrow['refusedBy']) => void;

/**
 * Decides the grow requests of one copy of an instance's memories and tables (the inline instance,
 * or a worker main's copy) against the memory's maximum (the per-instance cap), each table's
 * capped maximum and the engine-wide budget (docs/limits.md "Committed memory"). A granted grow is
 * charged to the copy's budget account before anything grows. Table sizes are tracked here: a
 * table grows only through a granted request (the JS API never grows a guest's table).
 */
export class GrowGate {
  private readonly tableSizes: number[];

  constructor(
    private readonly account: BudgetAccount, private readonly budget: MemoryBudget, private readonly maxPages: number,
    private readonly tables: readonly TableShape[], private readonly refused: Refused,
  ) {
    this.tableSizes = tables.map((t) => t.min);
  }

  /** A memory grow of `pages` from `sizePages`: true when granted (the pages are now held). */
  memory(pages: number, sizePages: number): boolean {
    if (sizePages + pages > this.maxPages) {
      this.refused(0, pages, 'cap');
      return false;
    }
    if (!this.account.take(pages * PAGE)) {
      this.refused(0, pages, { budgetBytes: this.budget.limit, heldBytes: this.budget.reservedBytes });
      return false;
    }
    return true;
  }

  /** The pages of a granted grow the JS engine could not commit after all. */
  giveBack(pages: number): void {
    this.account.give(pages * PAGE);
  }

  /** A table grow request (v ≥ TABLE_GROW_REQUEST): 1 granted (the entries are now held), 0 refused. */
  table(v: number): number {
    const x = Math.floor((v - TABLE_GROW_REQUEST) / (TABLE_GROW_MAX_ENTRIES + 1));
    const n = (v - TABLE_GROW_REQUEST) % (TABLE_GROW_MAX_ENTRIES + 1);
    const t = this.tables[x];
    if (!t || this.tableSizes[x]! + n > t.max) return 0; // the table.grow returns -1 as for any full table
    if (n && !this.account.take(n * t.entryBytes)) return 0;
    this.tableSizes[x]! += n;
    return 1;
  }
}

/**
 * The inline instance's side of a metered module's rewritten grows (`fuel_refill(v ≥ 0)`):
 * memory requests grow memory 0 (reached through `__wasgo_memory`) through the JS API once granted
 * and return the old size or -1, as `memory.grow` does; table requests return the gate's 1 or 0.
 */
export function growGate(binding: Binding, gate: GrowGate): (v: number) => number {
  return (v: number): number => {
    if (v >= TABLE_GROW_REQUEST) return gate.table(v);
    const memory = binding.memory;
    if (!memory) return -1; // validation guarantees a memory; the instance may have been disposed
    const size = memory.buffer.byteLength / PAGE;
    if (v === 0) return size;
    if (!gate.memory(v, size)) return -1;
    try {
      const old = memory.grow(v);
      commitPages(memory.buffer, old * PAGE);
      return old;
    } catch {
      // The JS engine could not commit it (out of memory): as a full memory would, and credited back.
      gate.giveBack(v);
      return -1;
    }
  };
}

/** A worker main's copy of the memories: its budget account and the host call its grows ask. */
export interface WorkerMemory {
  release(): void;
  gate: HostFunctionSpec;
}

/**
 * The main-thread half of a worker main's grows: the worker sends (v, its memory's size in pages)
 * over the channel (ts/isolate/worker-entry.ts); the answer is 1 (granted: held now) or 0. For a
 * memory request the worker then grows its own copy. Passed to the worker after the module's own
 * functions; never linked to a guest import (the `__wasgo` prefix is reserved).
 */
export function workerGrowGate(gate: GrowGate): HostFunctionSpec {
  return {
    module: WORKER_GROW_MODULE, name: WORKER_GROW_NAME, params: ['i32', 'i32'], result: 'i32', level: 1, kind: 'core',
    implementation: (_ctx, v: number, size: number) => {
      v >>>= 0;
      if (v >= TABLE_GROW_REQUEST) return gate.table(v);
      return gate.memory(v, size >>> 0) ? 1 : 0;
    },
  };
}
