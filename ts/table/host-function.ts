import type { SafetyLevel } from '../engine/settings';
import type { GuestMemory } from '../guest/memory';
import type { FuncType, ValType } from '../wasm/info';

/**
 * How a host function's parameters look to the guest. Numbers pass as themselves; the rest
 * are pointer+length pairs that the linker bounds-checks and decodes before the
 * implementation sees them, so no host function ever touches raw guest pointers:
 * - `string`: (ptr, len) of strict UTF-8 → a JS string
 * - `bytes`:  (ptr, len) → a Uint8Array copy
 * - `out`:    (ptr, capacity) → an OutBuffer the implementation may fill
 * - `asstring`: one pointer to an AssemblyScript string (UTF-16, length before it); 0 → ''
 * - `iovecs`: (ptr, count) of WASI iovecs ({buf: u32, len: u32} each) → the bytes of all
 *   buffers gathered into one Uint8Array copy (at most MAX_IOVECS, in total at most the size of memory)
 * - `u32out` / `u64out`: one pointer to a 4 / 8-byte little-endian result → a ValueOut;
 *   the slot is checked before the call and written only if the implementation sets it
 * - `region`: one pointer to a result whose size the host decides (WASI args_get) → a
 *   GuestRegion; bounds-checked (and metered) when written, all or nothing
 */
export type ParamKind = 'i32' | 'i64' | 'f32' | 'f64' | 'string' | 'bytes' | 'out' | 'asstring' | 'iovecs' | 'u32out' | 'u64out' | 'region';
export type ResultKind = 'void' | 'i32' | 'i64' | 'f32' | 'f64';

export interface OutBuffer {
  readonly capacity: number;
  /** Copies min(data.length, capacity) bytes; returns how many were written. */
  write(data: Uint8Array): number;
}

/** A `u32out` / `u64out` parameter: where one result value goes (u32 values pass as numbers, u64 as bigint). */
export interface ValueOut<T extends number | bigint = number | bigint> {
  set(value: T): void;
}

/**
 * A `region` parameter: a guest address the host writes a result of its own size to. The
 * write is bounds-checked and metered when it happens (it fails the call with
 * GuestMemoryError if the data does not fit; nothing is written then). At most one write.
 */
export interface GuestRegion {
  /** The guest address (unsigned), e.g. to compute pointers into the region (argv). */
  readonly address: number;
  write(data: Uint8Array): void;
}

/** What the linker hands every call. */
export interface HostCallContext {
  readonly instanceId: number;
  /** The mod's module name (for messages and per-mod folders). */
  readonly mod: string;
  readonly level: SafetyLevel;
  /**
   * Direct access to the calling instance. Present for inline calls only; functions that
   * need it declare `inlineOnly` (worker-mode guests run in another thread).
   */
  readonly guest?: GuestAccess | undefined;
  /**
   * Charges extra fuel for work whose size is only known during the call (e.g. the bytes a
   * Godot call produced), in the same units as `cost`; throws OutOfFuel / Timeout past the
   * budget. Optional: absent for unmetered instances (and until the linker provides it).
   */
  charge?(units: number): void;
}

export interface GuestAccess {
  readonly memory: GuestMemory;
  readonly exports: WebAssembly.Exports;
}

export type HostValue = number | bigint | undefined | void;
export type HostImplementation = (ctx: HostCallContext, ...args: never[]) => HostValue | Promise<HostValue>;

export interface HostFunctionSpec {
  /** Import module name, e.g. `wasgo`, `godot`, or the game's own. */
  module: string;
  name: string;
  params: readonly ParamKind[];
  result: ResultKind;
  /** Lowest safety level that exposes it. */
  level: SafetyLevel;
  /** `core` = a plain function; `wrapper` = a guarded version of something dangerous (level 2). */
  kind: 'core' | 'wrapper';
  implementation: HostImplementation;
  /** Needs `ctx.guest` (direct memory/exports access), so it cannot run for a worker guest. */
  inlineOnly?: boolean;
  /**
   * Fuel charged per call for the host's own work, in wasm-instruction units (~1 ns each), on
   * top of 1 unit per byte moved. Keeps fuel proportional to time when a guest loops over an
   * expensive host function. Default 0.
   */
  cost?: number;
  /** One line for `wasgo inspect` and docs. */
  doc?: string;
}

const NUMERIC: Record<string, ValType> = { i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64' };

/** The wasm-level type the guest must declare for this import. */
export function wasmType(spec: Pick<HostFunctionSpec, 'params' | 'result'>): FuncType {
  const params: ValType[] = [];
  for (const p of spec.params) {
    if (NUMERIC[p]) params.push(NUMERIC[p]!);
    else if (p === 'asstring' || p === 'u32out' || p === 'u64out' || p === 'region') params.push('i32');
    else params.push('i32', 'i32');
  }
  return { params, results: spec.result === 'void' ? [] : [spec.result] };
}

/** Human signature, e.g. `(string, out) -> i32`. */
export function signature(spec: Pick<HostFunctionSpec, 'params' | 'result'>): string {
  return `(${spec.params.join(', ')}) -> ${spec.result}`;
}
