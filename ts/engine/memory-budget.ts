import { MemoryLimit } from './errors';
import { Reader } from '../wasm/bytes';
import type { Limits, ModuleInfo } from '../wasm/info';
import { limits, valType } from '../wasm/module';
import { readSections, SectionId } from '../wasm/sections';

const PAGE = 65536;
const MIB = 1024 * 1024;

/**
 * The engine-wide memory budget (`totalMemoryMb`), charged by what instances commit: a metered
 * instance holds its memories' initial size and its tables from creation, and each `memory.grow`
 * asks the budget first (the rewriter routes it to the host, docs/limits.md "Committed memory");
 * an unmetered instance, whose grows the host cannot see, holds its memories' capped maximum.
 * Everything an account holds is credited back when it is released (disposal, a worker main's end).
 */
export class MemoryBudget {
  private used = 0;
  private holders = 0;

  constructor(private readonly limitBytes: number) {}

  /** Opens an account holding `bytes` now, or throws MemoryLimit naming what is held. */
  open(bytes: number, what: string, place: { module: string; instance?: number }): BudgetAccount {
    if (this.used + bytes > this.limitBytes) {
      throw new MemoryLimit(
        `${what} would reserve ${mib(bytes)} of guest memory; ${mib(this.used)} of the ${mib(this.limitBytes)} budget (totalMemoryMb) ` +
          `is held by ${this.holders} instance(s)`,
        place,
      );
    }
    this.used += bytes;
    this.holders++;
    let held = bytes;
    let open = true;
    return {
      get held() { return held; },
      take: (more: number) => {
        if (!open || this.used + more > this.limitBytes) return false;
        this.used += more;
        held += more;
        return true;
      },
      give: (less: number) => {
        const n = Math.min(less, held);
        if (!open) return;
        this.used -= n;
        held -= n;
      },
      release: () => {
        if (!open) return;
        open = false;
        this.used -= held;
        this.holders--;
        held = 0;
      },
    };
  }

  /** Reserves `bytes` for `what`, or throws MemoryLimit; returns the release function (idempotent). */
  reserve(bytes: number, what: string, place: { module: string; instance?: number }): () => void {
    if (bytes === 0) return () => undefined;
    const account = this.open(bytes, what, place);
    return () => account.release();
  }

  get reservedBytes(): number {
    return this.used;
  }

  get limit(): number {
    return this.limitBytes;
  }
}

/** What one instance (or one worker main's copy) holds of the budget. */
export interface BudgetAccount {
  readonly held: number;
  /** Adds `bytes` if the budget has room; false (nothing taken) if not, or once released. */
  take(bytes: number): boolean;
  /** Gives back up to `bytes` (a grow that failed after all). */
  give(bytes: number): void;
  /** Gives everything back; idempotent. */
  release(): void;
}

/** What an instance commits at creation: every memory at its initial size. */
export function initialMemoryBytes(info: ModuleInfo): number {
  let pages = 0;
  for (const m of info.memories) pages += m.min;
  for (const i of info.imports) if (i.kind === 'memory') pages += i.limits.min;
  return pages * PAGE;
}

/** The most memory an instance of this module can ever hold: every memory at its capped maximum. */
export function maxMemoryBytes(info: ModuleInfo, memoryMb: number): number {
  const capPages = Math.floor((memoryMb * MIB) / PAGE);
  let pages = 0;
  for (const m of info.memories) pages += Math.min(m.max ?? capPages, capPages);
  for (const i of info.imports) if (i.kind === 'memory') pages += Math.min(i.limits.max ?? capPages, capPages);
  return pages * PAGE;
}

function mib(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MiB`;
}

/**
 * Bytes V8 holds per table entry (measured on Node 20: a funcref table defined by a module,
 * 10M entries, 28 B/entry — the table plus its dispatch table; an externref or host-created
 * table 8 B/entry).
 */
export const TABLE_ENTRY_BYTES = { funcref: 32, other: 8 } as const;

/**
 * The most memory an instance's tables can hold: every table at max(min, min(max, cap)) entries,
 * cap = `maxTableEntries`. Counted in totalMemoryMb with the memories: a table of 10M entries
 * is ~300 MB. Defined tables are read from the compiled bytes (ModuleInfo lists only imported
 * ones). Until the rewriter caps a defined table's maximum, such a table can still grow past the
 * cap (table.grow is charged by its operand, so the growth is bounded by fuel).
 */
export function maxTableBytes(bytes: Uint8Array, info: ModuleInfo, maxTableEntries: number): number {
  let total = 0;
  for (const t of tableShapes(bytes, info, maxTableEntries)) total += t.max * t.entryBytes;
  return total;
}

/** Every table in index order (imported first): initial and capped maximum entries, bytes per entry. */
export interface TableShape { min: number; max: number; entryBytes: number }

export function tableShapes(bytes: Uint8Array, info: ModuleInfo, maxTableEntries: number): TableShape[] {
  const shape = (elem: string, l: { min: number; max?: number | undefined }): TableShape => ({
    min: l.min, max: Math.max(l.min, Math.min(l.max ?? maxTableEntries, maxTableEntries)),
    entryBytes: elem === 'funcref' ? TABLE_ENTRY_BYTES.funcref : TABLE_ENTRY_BYTES.other,
  });
  const out: TableShape[] = [];
  for (const i of info.imports) if (i.kind === 'table') out.push(shape(i.elem, i.limits));
  for (const t of definedTables(bytes)) out.push(shape(t.elem, t.limits));
  return out;
}

function definedTables(bytes: Uint8Array): { elem: string; limits: Limits }[] {
  const section = readSections(bytes, 'module').find((s) => s.id === SectionId.table);
  if (!section) return [];
  const r = new Reader(bytes, 'module', section.payloadOffset, section.payloadOffset + section.payload.length);
  return r.vec((v) => ({ elem: valType(v), limits: limits(v) }));
}
