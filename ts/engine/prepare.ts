import { capMemories, PAGE_BYTES } from '../wasm/memory-caps';
import { instrumentFuel } from '../wasm/fuel';

export interface PrepareOptions {
  name: string;
  memoryMb: number;
  /** Budget per call; 0 = unmetered, and the module is then not instrumented at all. */
  fuelPerCall: number;
  /**
   * Cap on every defined table's size (settings.maxTableEntries), for the v2 rewriter to apply to
   * declared maximums (the engine already counts tables at this cap in totalMemoryMb).
   */
  maxTableEntries?: number;
}

/**
 * Rewrites a module for the sandbox before it is compiled (ts/wasm): every defined memory's
 * maximum becomes min(declared, cap) — the JS API cannot cap a module's own memory later —
 * and, unless fuel is off, a fuel counter is charged at loop headers and calls.
 * Throws MemoryLimit (initial size over the cap, shared or 64-bit memory), LinkError (reserved
 * names) or CompileError (malformed binary, with its offset).
 */
export function prepareModule(bytes: Uint8Array, o: PrepareOptions): Uint8Array<ArrayBuffer> {
  const maxPages = Math.floor((o.memoryMb * 1024 * 1024) / PAGE_BYTES);
  const capped = capMemories(bytes, { maxPages, moduleName: o.name }).bytes;
  if (o.fuelPerCall <= 0) return capped;
  return instrumentFuel(capped, { moduleName: o.name, initialFuel: BigInt(o.fuelPerCall) });
}
