import { MemoryLimit } from './errors';
import type { ModuleInfo } from '../wasm/info';

const PAGE = 65536;
const MIB = 1024 * 1024;

/**
 * The engine-wide memory budget. Each instance's memories may grow to their (capped) maximum
 * without asking anyone, so the budget is charged that maximum up front, when the instance is
 * created (and again for a worker main's own copy), and credited back when it goes away.
 * Without it a package loading 64 modules could reserve 64 × memoryMb.
 */
export class MemoryBudget {
  private used = 0;
  private holders = 0;

  constructor(private readonly limitBytes: number) {}

  /** Reserves `bytes` for `what`, or throws MemoryLimit; returns the release function (idempotent). */
  reserve(bytes: number, what: string, place: { module: string; instance?: number }): () => void {
    if (bytes === 0) return () => undefined;
    if (this.used + bytes > this.limitBytes) {
      throw new MemoryLimit(
        `${what} would reserve ${mib(bytes)} of guest memory; ${mib(this.used)} of the ${mib(this.limitBytes)} budget (totalMemoryMb) ` +
          `is held by ${this.holders} instance(s)`,
        place,
      );
    }
    this.used += bytes;
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.holders--;
    };
  }

  get reservedBytes(): number {
    return this.used;
  }
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
