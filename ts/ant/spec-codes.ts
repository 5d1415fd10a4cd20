import { PackageError, type ErrorPlace } from '../engine/errors';

/**
 * ANTwasm 0.0.1 error codes, exactly as the specification's table numbers them. These are the
 * i32 values the ANT imports return to guests (and the `antCode` of AntRuntimeError on the host).
 */
export const GENERIC_FAILURE = -1;
export const PATH_RESOLUTION_ERROR = -2;
export const RESOLUTION_ERROR = -3;
export const GAME_HASNT_STARTED_YET_ERROR = -4;
export const GAME_IS_RUNNING_ERROR = -5;
export const NO_MORE_MEMORY_ERROR = -6;
export const WASM_PORT_MISSING = -7;

export const ANT_ERROR_CODES = {
  GENERIC_FAILURE,
  PATH_RESOLUTION_ERROR,
  RESOLUTION_ERROR,
  GAME_HASNT_STARTED_YET_ERROR,
  GAME_IS_RUNNING_ERROR,
  NO_MORE_MEMORY_ERROR,
  WASM_PORT_MISSING,
} as const;

export type AntErrorName = keyof typeof ANT_ERROR_CODES;
export type AntErrorCode = (typeof ANT_ERROR_CODES)[AntErrorName];

const NAMES = new Map<number, AntErrorName>(Object.entries(ANT_ERROR_CODES).map(([k, v]) => [v, k as AntErrorName]));

/** True for -1..-7. */
export function isAntErrorCode(value: number): value is AntErrorCode {
  return NAMES.has(value);
}

/** "GAME_IS_RUNNING_ERROR" for -5; undefined for anything that is not an ANTwasm error code. */
export function antErrorName(code: number): AntErrorName | undefined {
  return NAMES.get(code);
}

/** "-5 GAME_IS_RUNNING_ERROR", or the number itself for a success value (a ModuleId, a pointer). */
export function describeAntResult(value: number): string {
  const name = NAMES.get(value);
  return name ? `${value} ${name}` : String(value);
}

/**
 * A host-side refusal by the ANT runtime (AntGame.call before start_game, a disposed game, an
 * unknown module). A PackageError, so `instanceof PackageError` catches every ANT failure; its
 * `code` is the spec's name (e.g. GAME_HASNT_STARTED_YET_ERROR) and `antCode` the spec's number.
 */
export class AntRuntimeError extends PackageError {
  readonly antCode: AntErrorCode;

  constructor(antCode: AntErrorCode, message: string, place: ErrorPlace = {}, options?: { cause?: unknown }) {
    super(message, place, options);
    const name = antErrorName(antCode)!;
    (this as { code: string }).code = name;
    this.name = name;
    this.antCode = antCode;
  }
}
