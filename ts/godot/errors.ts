import { PolicyDenied, type ErrorPlace } from '../engine/errors';

/** PolicyDenied for the Godot API, carrying the lowest level that would allow the call (null = none). */
export class GodotPolicyDenied extends PolicyDenied {
  constructor(message: string, readonly levelNeeded: number | null, place: ErrorPlace = {}) {
    super(message, place);
  }
}

/** The level a WasGoError says would help, when it says one (PolicyDenied from the Godot API, ImportRefused). */
export function levelNeededOf(e: unknown): number | null {
  const v = (e as { levelNeeded?: unknown } | null)?.levelNeeded;
  return typeof v === 'number' ? v : null;
}
