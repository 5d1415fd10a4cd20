import { CompileError, InternalError, UnsupportedFeature } from './errors';
import type { ModuleInfo } from '../wasm/info';
import type { FrameMap } from './traps';
import { describeModule } from '../wasm/inspect';
import { readModule } from '../wasm/module';
import { resolveLimits, type ModuleLimits } from '../wasm/limits';
import { PAGE_BYTES } from '../wasm/memory-caps';
import { loadCache, type RewriteKey } from './load-cache';
import { maxTableEntries, rewriteModule } from '../wasm/rewrite';

export interface PrepareOptions {
  name: string;
  memoryMb: number;
  /** Apply fuel metering (contract v2). False only when both fuelPerCall and fuelPerMain are 0. */
  meter: boolean;
  /** Cap on each table's entries (settings.maxTableEntries). */
  maxTableEntries?: number;
  /** Shape limits (defaults: DEFAULT_LIMITS in ts/wasm/limits.ts). */
  limits?: Partial<ModuleLimits>;
  /**
   * Validate the rewritten bytes here (default true). A caller that compiles them right away
   * may pass false and treat a compile failure as InternalError itself.
   */
  revalidate?: boolean;
  /**
   * Use the load cache (default true): a module prepared before with the same bytes and settings
   * is not validated or rewritten again (ts/engine/load-cache.ts). False: always prepare anew.
   */
  cache?: boolean;
}

export interface PreparedModule {
  /** The bytes to compile. */
  bytes: Uint8Array<ArrayBuffer>;
  /** What the guest declared (no fuel import/export), memories as capped. */
  info: ModuleInfo;
  /** Sum of the capped maximum entries of all tables (count ~8 bytes each against totalMemoryMb). */
  tableEntries: number;
  metered: boolean;
  /** Metered: how the fuel pass moved function indices (guest stacks undo it: engine/traps.ts). */
  frames?: FrameMap | undefined;
}

/**
 * The one entry the engine calls before compiling a module:
 * 1. validates the original with the JS engine's own validator (CompileError with its reason);
 * 2. decodes it once, checks the shape limits (ModuleTooLarge), the feature gate
 *    (UnsupportedFeature), reserved names (LinkError), caps memories (MemoryLimit past the cap)
 *    and tables, and meters it (fuel contract v2) in one pass (ts/wasm/rewrite.ts);
 * 3. validates the rewritten bytes: a failure there is WasGo's bug or WasGo's limit, never the
 *    module's (InternalError).
 */
export function prepareModule(bytes: Uint8Array, o: PrepareOptions): PreparedModule {
  const input = bytes as Uint8Array<ArrayBuffer>;
  const rk = rewriteKey(o);
  const { maxPages, limits } = rk;
  // A module prepared before with the same settings: only V8's compile is left to pay.
  const key = o.cache === false ? undefined : loadCache.key(bytes, rk);
  const hit = key === undefined ? undefined : loadCache.get(key);
  if (hit) {
    // Entries put by a caller that compiled them itself (revalidate: false) were not validated here.
    if (!hit.validated && o.revalidate !== false) {
      if (hit.rewritten && !WebAssembly.validate(hit.bytes)) throw rewrittenInvalid(hit.bytes, o.name);
      loadCache.markValidated(key!);
    }
    return { bytes: hit.bytes, info: hit.info, tableEntries: hit.tableEntries, metered: hit.metered, frames: hit.frames };
  }
  if (!WebAssembly.validate(input)) throw invalidModule(input, o.name);
  const r = rewriteModule(bytes, { moduleName: o.name, meter: o.meter, maxPages, limits });
  if (r.rewritten && o.revalidate !== false && !WebAssembly.validate(r.bytes)) throw rewrittenInvalid(r.bytes, o.name);
  const info = describeModule(r.module);
  info.memories = r.memories;
  const frames: FrameMap | undefined = r.metered
    ? { importedFunctions: r.module.imports.filter((i) => i.kind === 'function').length, definedFunctions: r.module.functions.length }
    : undefined;
  // Carried on `info` too: it is what reaches a worker (ts/isolate links and binds from it).
  if (frames) (info as ModuleInfo & { frames?: FrameMap }).frames = frames;
  const prepared: PreparedModule = { bytes: r.bytes, info, tableEntries: maxTableEntries(r), metered: r.metered, frames };
  if (key !== undefined) loadCache.put(key, { ...prepared, rewritten: r.rewritten, validated: !r.rewritten || o.revalidate !== false });
  return prepared;
}

/** Everything in the options that shapes the rewrite (the load cache's key besides the bytes). */
export function rewriteKey(o: PrepareOptions): RewriteKey {
  return { meter: o.meter, maxPages: Math.floor((o.memoryMb * 1024 * 1024) / PAGE_BYTES), limits: resolveLimits(o.limits, o.maxTableEntries) };
}

/** CompileError with V8's reason (and the offset when its message has one). */
export function invalidModule(bytes: Uint8Array<ArrayBuffer>, name: string): CompileError | UnsupportedFeature {
  // V8 refuses some features WasGo's gate names (memory64, multi-memory, relaxed SIMD, typed
  // references...): say which feature, not only that the module is invalid.
  try {
    rewriteModule(bytes, { moduleName: name, meter: false, maxPages: 65536, limits: resolveLimits({}, undefined) });
  } catch (e) {
    if (e instanceof UnsupportedFeature) return e;
  }
  let reason = 'the module does not validate';
  let cause: unknown;
  try {
    new WebAssembly.Module(bytes);
  } catch (e) {
    cause = e;
    reason = (e as Error).message.replace(/^WebAssembly\.\w+\(\): /, '');
  }
  const v8Offset = /@\+(\d+)/.exec(reason)?.[1];
  // V8 gives no offset for some failures (e.g. an empty buffer): then where WasGo's decoder stops, else 0.
  let offset = v8Offset !== undefined ? Number(v8Offset) : 0;
  if (v8Offset === undefined) {
    try { readModule(bytes, name); } catch (e) { if (e instanceof CompileError && e.place.offset !== undefined) offset = e.place.offset; }
  }
  return new CompileError(`invalid module: ${reason}`, { module: name, offset }, { cause });
}

/** The rewritten module does not validate: WasGo's fault (a bug, or a limit such as V8's body size). */
export function rewrittenInvalid(bytes: Uint8Array<ArrayBuffer>, name: string, cause?: unknown): InternalError {
  let reason = cause instanceof Error ? cause.message : '';
  if (!reason) {
    try { new WebAssembly.Module(bytes); } catch (e) { reason = (e as Error).message; cause = e; }
  }
  reason = reason.replace(/^WebAssembly\.\w+\(\): /, '');
  const limit = /size|too (large|many|big)|exceeds|limit/i.test(reason);
  const why = limit
    ? `the module is valid, but after WasGo's rewriting it is over a limit of the JS engine (WasGo's limit, not the module's fault): ${reason}`
    : `the module is valid, but WasGo's rewriting of it does not validate (a WasGo bug, not the module's fault): ${reason}`;
  return new InternalError(why, { module: name }, { cause });
}
