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
/**
 * Added when some body has a `memory.grow`: a second mutable i32 global (initial 0, index
 * `__wasgo_fuel`'s + 1, exported under this name after it). Every `memory.grow` that returns -1
 * stores the page count it asked for (unsigned) there. The engine reads it after a call (and
 * resets it to 0) to report MemoryLimit with the cap and the size asked.
 */
export const GROW_REFUSED_EXPORT = '__wasgo_grow_refused';

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
