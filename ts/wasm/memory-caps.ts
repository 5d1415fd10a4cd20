import type { Limits } from './info';
import type { ModuleLimits } from './limits';
import { rewriteModule, type ImportedMemory } from './rewrite';

export type { ImportedMemory };

/**
 * Memory caps. A module's own memory cannot be capped through the JS API once compiled (it may
 * grow to 4 GiB), so each defined memory's maximum is rewritten in the binary: after this,
 * `memory.grow` past the cap returns -1 like any other full memory.
 *
 * Refused: an initial size above the cap (MemoryLimit: a limit the sandbox will not grant, not
 * a malformed module); shared and 64-bit memories (UnsupportedFeature, from the feature gate).
 */

export const PAGE_BYTES = 65536;
/** A 32-bit memory cannot exceed 65536 pages (4 GiB). */
export const MAX_PAGES = 65536;

export interface MemoryCapOptions {
  /** Largest maximum any memory may have, in 64 KiB pages. */
  maxPages: number;
  moduleName?: string;
}

export interface CappedModule {
  bytes: Uint8Array<ArrayBuffer>;
  /** The module's own memories, with their maximum after capping. */
  memories: Limits[];
  imported: ImportedMemory[];
  /** False when every memory already fitted: `bytes` is then a copy of the input. */
  rewritten: boolean;
}

/** Only the memory caps (no metering, no table caps, no shape limits): see rewrite.ts for the whole pass. */
export function capMemories(bytes: Uint8Array, opts: MemoryCapOptions): CappedModule {
  const moduleName = opts.moduleName ?? 'module';
  if (!Number.isInteger(opts.maxPages) || opts.maxPages < 0 || opts.maxPages > MAX_PAGES) {
    throw new RangeError(`maxPages must be an integer from 0 to ${MAX_PAGES}, got ${opts.maxPages}`);
  }
  const r = rewriteModule(bytes, { moduleName, meter: false, maxPages: opts.maxPages, limits: UNLIMITED, capTables: false, hostAccess: false });
  return { bytes: r.bytes, memories: r.memories, imported: r.importedMemories, rewritten: r.rewritten };
}

const UNLIMITED: ModuleLimits = {
  maxTables: Infinity, maxTableEntries: 0xffffffff, maxFunctions: Infinity, maxGlobals: Infinity, maxLocals: Infinity,
  maxExports: Infinity, maxImports: Infinity, maxCustomBytes: Infinity, maxBodyBytes: Infinity, maxTypes: Infinity, maxSegments: Infinity, maxLoopDepth: Infinity, maxLocalMerges: Infinity,
};
