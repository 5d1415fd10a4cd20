import { ModuleTooLarge } from '../engine/errors';

/**
 * Shape limits of a module, checked before anything is rewritten or compiled (a module over
 * one is refused with ModuleTooLarge naming the limit, the value and the cap). They bound what
 * loading and instantiating can cost the host, whatever the module's code does.
 */
export interface ModuleLimits {
  /** Tables, imported and defined. */
  maxTables: number;
  /** Entries per table: a declared minimum above it is refused, a maximum above it lowered to it. */
  maxTableEntries: number;
  /** Functions, imported and defined. */
  maxFunctions: number;
  /** Globals, imported and defined. */
  maxGlobals: number;
  /** Locals per function (parameters included). */
  maxLocals: number;
  maxExports: number;
  maxImports: number;
  /** Bytes of all custom sections together (the name section included). */
  maxCustomBytes: number;
  /**
   * Bytes of one function body, as written and as metered. V8 compiles a body lazily inside its
   * first call, out of reach of fuel and deadline: at 1 MiB that first call compiled the worst
   * shape in 45-55 ms here (docs/limits.md).
   */
  maxBodyBytes: number;
  /** Function types in the type section. */
  maxTypes: number;
  /** Element and data segments, each. */
  maxSegments: number;
  /**
   * Loops nested inside one another in a function body. V8's optimizing tier is superlinear in
   * loop nesting (40 000 nested loops kept a core busy for minutes in the background); up to 256
   * its cost per byte stays within ~2x of real code (tests/attack/loop-nesting.test.ts).
   */
  maxLoopDepth: number;
  /**
   * Locals (parameters included) x control merges (labels, branches, br_table targets, ends) of one
   * function body. V8's baseline compiler merges every local at each of them, inside the
   * function's first call where no deadline sees it: 49 000 locals x 10 000 `br_if` (a 40 KB
   * module) compiled for 2.5-2.9 s (tests/attack/liftoff-merges.test.ts), ~5.5 ns per unit of
   * this product. The worst function of Godot's 37.7 MB engine: 91 x 7 379 = 0.67 M.
   */
  maxLocalMerges: number;
}

/** V8's limit on locals per function (parameters included). */
const V8_MAX_LOCALS = 50_000;
/** Locals the fuel pass may add to a function (counter, scratch, frame depth): maxLocals leaves room for them. */
const PASS_LOCALS = 3;

export const DEFAULT_LIMITS: Readonly<ModuleLimits> = Object.freeze({
  maxTables: 16,
  maxTableEntries: 100_000,
  maxFunctions: 100_000,
  maxGlobals: 10_000,
  maxLocals: V8_MAX_LOCALS - PASS_LOCALS,
  maxExports: 10_000,
  maxImports: 10_000,
  maxCustomBytes: 4 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxTypes: 10_000,
  maxSegments: 100_000,
  maxLoopDepth: 256,
  maxLocalMerges: 4_000_000,
});

export function resolveLimits(l: Partial<ModuleLimits> = {}, maxTableEntries?: number): ModuleLimits {
  const out = { ...DEFAULT_LIMITS, ...l };
  if (maxTableEntries !== undefined) out.maxTableEntries = maxTableEntries;
  return out;
}

/** Throws ModuleTooLarge when `value` exceeds the limit `key`. */
export function checkLimit<K extends keyof ModuleLimits>(limits: Pick<ModuleLimits, K>, key: K, value: number, what: string, moduleName: string, offset?: number): void {
  const cap = limits[key];
  if (value > cap) {
    throw new ModuleTooLarge(`${what}: ${value} is over the limit ${key} = ${cap}`,
      offset === undefined ? { module: moduleName } : { module: moduleName, offset });
  }
}
