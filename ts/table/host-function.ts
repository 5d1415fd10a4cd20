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
 */
export type ParamKind = 'i32' | 'i64' | 'f32' | 'f64' | 'string' | 'bytes' | 'out' | 'asstring';
export type ResultKind = 'void' | 'i32' | 'i64' | 'f32' | 'f64';

export interface OutBuffer {
  readonly capacity: number;
  /** Copies min(data.length, capacity) bytes; returns how many were written. */
  write(data: Uint8Array): number;
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
  /** One line for `wasgo inspect` and docs. */
  doc?: string;
}

const NUMERIC: Record<string, ValType> = { i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64' };

/** The wasm-level type the guest must declare for this import. */
export function wasmType(spec: Pick<HostFunctionSpec, 'params' | 'result'>): FuncType {
  const params: ValType[] = [];
  for (const p of spec.params) {
    if (NUMERIC[p]) params.push(NUMERIC[p]!);
    else if (p === 'asstring') params.push('i32');
    else params.push('i32', 'i32');
  }
  return { params, results: spec.result === 'void' ? [] : [spec.result] };
}

/** Human signature, e.g. `(string, out) -> i32`. */
export function signature(spec: Pick<HostFunctionSpec, 'params' | 'result'>): string {
  return `(${spec.params.join(', ')}) -> ${spec.result}`;
}
