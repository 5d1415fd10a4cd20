/**
 * The names fuel contract v2 fixes (the same constants as ts/wasm/fuel.ts FUEL_REFILL_MODULE /
 * FUEL_REFILL_NAME / FUEL_EXPORT), repeated here so the worker bundle does not pull in the rewriter.
 */
export const FUEL_REFILL_MODULE = '__wasgo';
export const FUEL_REFILL_NAME = 'fuel_refill';
