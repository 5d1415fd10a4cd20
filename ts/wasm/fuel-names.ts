/**
 * The names fuel contract v2 fixes between the rewriter (ts/wasm/rewrite.ts) and the engine
 * (ts/engine, ts/table, ts/isolate). Their own module, free of imports, so the worker bundle
 * can use them without pulling in the rewriter. docs/limits.md "Fuel".
 */

/** The counter: a mutable i32 global holding what is left of the current slice. */
export const FUEL_EXPORT = '__wasgo_fuel';
/** The refill import, `(i32) -> (i32)`, appended after the last function import. */
export const FUEL_REFILL_MODULE = '__wasgo';
export const FUEL_REFILL_NAME = 'fuel_refill';
/*
 * Grow requests (docs/limits.md "Committed memory"): `fuel_refill(v)` with v ≥ 0 (no charge
 * produces it: charges refill only below 0) is a rewritten grow.
 * - 0 ≤ v < TABLE_GROW_REQUEST: `memory.grow` of v pages of memory 0 (larger requests clamped):
 *   the host grows the memory if its maximum and the engine-wide budget allow and returns the old
 *   size, else -1.
 * - v ≥ TABLE_GROW_REQUEST: `table.grow` of table x = (v − 2^30) >> 24 by n = v & (2^24 − 1)
 *   entries: the host answers 1 (granted: the entries are held; the guest's own table.grow follows)
 *   or 0 (refused: the guest's table.grow is made to return -1).
 */
export const TABLE_GROW_REQUEST = 2 ** 30;
/** A table grow request names tables 0–63 and at most 2^24 − 1 entries (maxTableEntries ≤ 10^7). */
export const TABLE_GROW_TABLES = 64;
export const TABLE_GROW_MAX_ENTRIES = 2 ** 24 - 1;

/**
 * Host access (docs/limits.md "Host access"), added to every module the engine prepares, metered
 * or not: the module's own memory 0 is exported under this name, so the host reaches it whether
 * or not the guest exports it (guests cannot import or export `__wasgo…` names).
 */
export const MEMORY_EXPORT = '__wasgo_memory';
/**
 * The module's wasm start function, exported under this name with the start section removed: the
 * engine calls it right after instantiation, once host functions can see the instance's memory
 * and fuel counter (a start function calling the host sees what any call sees).
 */
export const START_EXPORT = '__wasgo_start';

/**
 * A worker main's grow request to the main thread (`(pages, size) -> 1 | 0`, engine/grow-gate.ts):
 * sent over the host-call channel as the last function descriptor, never importable by a guest.
 */
export const WORKER_GROW_MODULE = '__wasgo';
export const WORKER_GROW_NAME = 'memory_grow';
