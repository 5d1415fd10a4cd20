import { DEFAULT_LIMITS, type ModuleLimits } from './limits';
import { MAX_PAGES } from './memory-caps';
import { rewriteModule } from './rewrite';

/**
 * Fuel metering by binary rewriting: fuel contract v2 (see CONTRACT.md and docs/limits.md).
 *
 * A metered module gets:
 * - an import `__wasgo`.`fuel_refill` of type (i32) -> (i32), after the last function import
 *   (defined functions' indices shift by +1; the rewriter remaps every reference);
 * - a mutable i32 global, initial value 0, appended to the globals, exported as `__wasgo_fuel`;
 * - when the code has a memory.grow, one more, exported as `__wasgo_grow_refused` (GROW_REFUSED_EXPORT);
 * - charges `F = F - c; if (F < 0) F = fuel_refill(F)` at the entry of every straight-line region
 *   (ts/wasm/rewrite.ts), and run-time charges before bulk memory/table ops, memory.grow and
 *   table.grow from their length operand.
 *
 * The rewriting itself lives in rewrite.ts; this module keeps the names both sides share.
 */

export const FUEL_EXPORT = '__wasgo_fuel';
export const FUEL_REFILL_MODULE = '__wasgo';
export const FUEL_REFILL_NAME = 'fuel_refill';
/**
 * Added when some body has a `memory.grow`: a second mutable i32 global (initial 0, index
 * `__wasgo_fuel`'s + 1, exported under this name after it). Every `memory.grow`
 * that returns -1 stores the page count it asked for (unsigned) there. The engine reads it after
 * a call (and resets it to 0) to report MemoryLimit with the cap and the size asked.
 */
export const GROW_REFUSED_EXPORT = '__wasgo_grow_refused';

export interface FuelOptions {
  moduleName?: string;
  limits?: Partial<ModuleLimits>;
}

/** Meters a module (no memory cap beyond the format's): a convenience over rewriteModule for tests and tools. */
export function instrumentFuel(bytes: Uint8Array, opts: FuelOptions = {}): Uint8Array<ArrayBuffer> {
  return rewriteModule(bytes, {
    moduleName: opts.moduleName ?? 'module', meter: true, maxPages: MAX_PAGES,
    limits: { ...DEFAULT_LIMITS, maxTableEntries: 10_000_000, ...opts.limits },
  }).bytes;
}
