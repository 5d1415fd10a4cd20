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
 * - in a module with a `try`, two more, not exported: a frame counter and a wasm-throw flag, so
 *   every catch handler pays for the frames it unwound and for a caught JS exception (rewrite.ts, Meter.depth);
 * - every memory.grow becomes `fuel_refill(pages)` (v ≥ 0: a grow request the host answers with
 *   the old size or -1, after charging the engine's memory budget);
 * - charges `F = F - c; if (F < 0) F = fuel_refill(F)` at the entry of every straight-line region
 *   (ts/wasm/rewrite.ts), and run-time charges before bulk memory/table ops, memory.grow and
 *   table.grow from their length operand.
 *
 * The rewriting itself lives in rewrite.ts; this module keeps the names both sides share.
 */

export { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from './fuel-names';

export interface FuelOptions {
  moduleName?: string;
  limits?: Partial<ModuleLimits>;
  /** See RewriteOptions.countFrames (default true). */
  countFrames?: boolean;
}

/** Meters a module (no memory cap beyond the format's; host access as the engine's): a convenience over rewriteModule for tests and tools. */
export function instrumentFuel(bytes: Uint8Array, opts: FuelOptions = {}): Uint8Array<ArrayBuffer> {
  return rewriteModule(bytes, {
    moduleName: opts.moduleName ?? 'module', meter: true, maxPages: MAX_PAGES,
    limits: { ...DEFAULT_LIMITS, maxTableEntries: 10_000_000, ...opts.limits }, countFrames: opts.countFrames,
  }).bytes;
}
