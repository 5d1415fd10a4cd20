import type { HostFunctionSpec } from '../table/host-function';
import type { Binding, RefusedGrow } from '../table/linker';
import { WORKER_GROW_MODULE, WORKER_GROW_NAME } from '../wasm/fuel-names';
import type { BudgetAccount, MemoryBudget } from './memory-budget';

const PAGE = 65536;

/**
 * The host side of a metered module's `memory.grow` (docs/limits.md "Committed memory"): the
 * rewriter turns the instruction into `fuel_refill(pages)` (v ≥ 0), which lands here. The grow
 * happens only if the memory's maximum (the per-instance cap) and the engine-wide budget both
 * allow it; the budget is charged first, then the memory grown through the JS API. Returns the
 * old size in pages, or -1 (what `memory.grow` returns when it cannot grow), recording why.
 */
export function growGate(
  binding: Binding, account: BudgetAccount, maxPages: number, budget: MemoryBudget,
  refused: (memory: number, askedPages: number, refusedBy: RefusedGrow['refusedBy']) => void,
): (pages: number) => number {
  return (pages: number): number => {
    const memory = binding.memory;
    if (!memory) return -1; // validation guarantees a memory; the instance may have been disposed
    const size = memory.buffer.byteLength / PAGE;
    if (pages === 0) return size;
    if (size + pages > maxPages) {
      refused(0, pages, 'cap');
      return -1;
    }
    const bytes = pages * PAGE;
    if (!account.take(bytes)) {
      refused(0, pages, { budgetBytes: budget.limit, heldBytes: budget.reservedBytes });
      return -1;
    }
    try {
      return memory.grow(pages);
    } catch {
      // The JS engine could not commit it (out of memory): as a full memory would, and credited back.
      account.give(bytes);
      refused(0, pages, 'cap');
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
 * The main-thread half of a worker main's `memory.grow`: the worker sends (pages, its memory's
 * size in pages) over the channel before growing its own copy (ts/isolate/worker-entry.ts); the
 * answer 1 means the cap and the budget allow it and the pages are now held, 0 refused (recorded
 * like an inline refusal). Passed to the worker after the module's own functions; never linked to
 * a guest import (the `__wasgo` prefix is reserved).
 */
export function workerGrowGate(
  account: BudgetAccount, maxPages: number, budget: MemoryBudget,
  refused: (memory: number, askedPages: number, refusedBy: RefusedGrow['refusedBy']) => void,
): HostFunctionSpec {
  return {
    module: WORKER_GROW_MODULE, name: WORKER_GROW_NAME, params: ['i32', 'i32'], result: 'i32', level: 1, kind: 'core',
    implementation: (_ctx, pages: number, size: number) => {
      pages >>>= 0;
      if (size + pages > maxPages) {
        refused(0, pages, 'cap');
        return 0;
      }
      if (!account.take(pages * PAGE)) {
        refused(0, pages, { budgetBytes: budget.limit, heldBytes: budget.reservedBytes });
        return 0;
      }
      return 1;
    },
  };
}
