/**
 * Every failure WasGo reports is a WasGoError with a stable string `code`
 * (the class name) and a stable numeric `errno` (what Godot signals carry).
 * Numbers are grouped: 1-19 lifecycle, 20-39 guest traps and limits,
 * 40-69 packages (ANT.zip), 70-89 Godot bridge and policy, 90-99 isolation.
 * Never renumber; only append.
 */

export interface ErrorPlace {
  /** Module (mod) name, e.g. the file name. */
  module?: string;
  /** Export being called when it happened. */
  export?: string;
  /** Instance id, when an instance exists. */
  instance?: number;
  /** Byte offset into the module binary, when known. */
  offset?: number;
  /** Guest stack frames (function names from the name section where present). */
  guestStack?: string[];
}

export const ERRNO = {
  WasGoError: 1,
  LoadError: 2,
  CompileError: 3,
  LinkError: 4,
  InstantiateError: 5,
  EntryNotFound: 6,
  EngineShutDown: 7,
  SettingsError: 8,
  RegistrationError: 9,
  GuestMemoryError: 10,
  InstanceFailed: 11,
  /** The module uses a WebAssembly feature WasGo cannot meter or contain yet (named in the message). */
  UnsupportedFeature: 12,
  /** The module exceeds a shape limit (tables, functions, globals, locals, exports, imports, custom bytes...). */
  ModuleTooLarge: 13,
  /** WasGo itself failed (e.g. a rewritten module does not validate): a WasGo bug, never the mod's fault. */
  InternalError: 14,
  // guest traps and limits
  GuestTrap: 20,
  Unreachable: 21,
  MemoryOutOfBounds: 22,
  TableOutOfBounds: 23,
  IndirectCallToNull: 24,
  BadSignature: 25,
  IntegerDivideByZero: 26,
  IntegerOverflow: 27,
  BadConversionToInteger: 28,
  StackOverflow: 29,
  OutOfFuel: 30,
  Timeout: 31,
  Killed: 32,
  ImportRefused: 33,
  HostError: 34,
  MemoryLimit: 35,
  ProcExit: 36,
  /** A guest exception (wasm `throw`) left the guest uncaught. */
  UncaughtException: 37,
  /** Host→guest re-entry (e.g. a signal delivered while the mod is inside a host call) went too deep. */
  ReentrancyLimit: 38,
  // 40-69: packages (ts/ant)
  PackageError: 40,
  // 70-89: Godot bridge and policy (ts/godot)
  GodotError: 70,
  PolicyDenied: 71,
  HandleError: 72,
  /** A value crossing the Godot bridge (in or out) is over its size cap. */
  ValueTooLarge: 73,
  /** A per-mod cap on live objects or signal connections was reached. */
  ObjectLimit: 74,
  // 90-99: isolation (ts/isolate)
  WorkerUnavailable: 90,
  WorkerError: 91,
  /** More concurrent worker mains than `maxWorkers`. */
  WorkerLimit: 92,
} as const;

export type ErrorCode = keyof typeof ERRNO;

export class WasGoError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly place: ErrorPlace;

  constructor(code: ErrorCode | string, errno: number, message: string, place: ErrorPlace = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.errno = errno;
    this.place = place;
    this.name = code;
  }

  /** Adds place details that were not known where the error was raised. */
  at(place: ErrorPlace): this {
    for (const [k, v] of Object.entries(place)) {
      if (v !== undefined && (this.place as Record<string, unknown>)[k] === undefined) {
        (this.place as Record<string, unknown>)[k] = v;
      }
    }
    return this;
  }

  /** One line, as the CLI and Godot print it: `Code: message (module m, export e, ...)`. */
  describe(): string {
    const where: string[] = [];
    const p = this.place;
    if (p.module !== undefined) where.push(`module ${p.module}`);
    if (p.export !== undefined) where.push(`export ${p.export}`);
    if (p.instance !== undefined) where.push(`instance ${p.instance}`);
    if (p.offset !== undefined) where.push(`offset 0x${p.offset.toString(16)}`);
    const stack = p.guestStack && p.guestStack.length ? ` [guest stack: ${p.guestStack.join(' <- ')}]` : '';
    return `${this.code}: ${this.message}${where.length ? ` (${where.join(', ')})` : ''}${stack}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, errno: this.errno, message: this.message, ...this.place };
  }
}

/** Declares a WasGoError subclass whose code is its name. */
function kind<C extends ErrorCode>(code: C) {
  return class extends WasGoError {
    constructor(message: string, place: ErrorPlace = {}, options?: { cause?: unknown }) {
      super(code, ERRNO[code], message, place, options);
    }
  };
}

export class LoadError extends kind('LoadError') {}
export class CompileError extends kind('CompileError') {}
export class LinkError extends kind('LinkError') {}
export class InstantiateError extends kind('InstantiateError') {}
export class EntryNotFound extends kind('EntryNotFound') {}
export class EngineShutDown extends kind('EngineShutDown') {}
export class SettingsError extends kind('SettingsError') {}
export class RegistrationError extends kind('RegistrationError') {}
export class GuestMemoryError extends kind('GuestMemoryError') {}
export class InstanceFailed extends kind('InstanceFailed') {}
export class UnsupportedFeature extends kind('UnsupportedFeature') {}
export class ModuleTooLarge extends kind('ModuleTooLarge') {}
export class InternalError extends kind('InternalError') {}

export class GuestTrap extends kind('GuestTrap') {}
export class Unreachable extends kind('Unreachable') {}
export class MemoryOutOfBounds extends kind('MemoryOutOfBounds') {}
export class TableOutOfBounds extends kind('TableOutOfBounds') {}
export class IndirectCallToNull extends kind('IndirectCallToNull') {}
export class BadSignature extends kind('BadSignature') {}
export class IntegerDivideByZero extends kind('IntegerDivideByZero') {}
export class IntegerOverflow extends kind('IntegerOverflow') {}
export class BadConversionToInteger extends kind('BadConversionToInteger') {}
export class StackOverflow extends kind('StackOverflow') {}
export class OutOfFuel extends kind('OutOfFuel') {}
export class Timeout extends kind('Timeout') {}
export class Killed extends kind('Killed') {}
export class HostError extends kind('HostError') {}
export class MemoryLimit extends kind('MemoryLimit') {}
export class UncaughtException extends kind('UncaughtException') {}
export class ReentrancyLimit extends kind('ReentrancyLimit') {}

export class PackageError extends kind('PackageError') {}
export class GodotError extends kind('GodotError') {}
export class PolicyDenied extends kind('PolicyDenied') {}
export class HandleError extends kind('HandleError') {}
export class ValueTooLarge extends kind('ValueTooLarge') {}
export class ObjectLimit extends kind('ObjectLimit') {}
export class WorkerUnavailable extends kind('WorkerUnavailable') {}
export class WorkerError extends kind('WorkerError') {}
export class WorkerLimit extends kind('WorkerLimit') {}

/**
 * A WASI guest called `proc_exit(code)`: the call ends cleanly with that exit code. Not a
 * failure: `runMain`/`start` return the code, and the instance is then `exited`.
 */
export class ProcExit extends kind('ProcExit') {
  constructor(readonly exitCode: number, place: ErrorPlace = {}) {
    super(`the guest exited with code ${exitCode}`, place);
  }
}

/** Calling an import that the configured level does not expose (or nobody provides). */
export class ImportRefused extends kind('ImportRefused') {
  constructor(
    readonly importModule: string,
    readonly importName: string,
    readonly signature: string,
    /** Lowest level exposing it, or null when no level provides it. */
    readonly levelNeeded: number | null,
    readonly level: number,
    place: ErrorPlace = {},
  ) {
    super(
      `import ${importModule}.${importName} ${signature} ` +
        (levelNeeded === null
          ? 'is not provided by WasGo or the game'
          : `is not exposed at safety level ${level}; it needs level ${levelNeeded}`),
      place,
    );
  }
}
