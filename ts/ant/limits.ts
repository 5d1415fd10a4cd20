import { SettingsError } from '../engine/errors';

/**
 * Caps applied while reading an ANT.zip. They are checked against the zip's own headers before
 * anything is inflated and enforced again on the bytes the inflater actually produces, so a
 * package whose headers lie is stopped at the cap rather than at the end of its data.
 */
export interface PackageLimits {
  /** Size of the .zip file itself. Default 64 MiB. */
  maxPackageBytes: number;
  /** Entries in the central directory, folders included. Default 4096. */
  maxEntries: number;
  /** Inflated size of one entry. Default 64 MiB. */
  maxEntryBytes: number;
  /** Inflated size of all entries together. Default 256 MiB. */
  maxTotalBytes: number;
  /** Length of an entry name in UTF-8 bytes. Default 255. */
  maxNameBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_PACKAGE_LIMITS: Readonly<PackageLimits> = Object.freeze({
  maxPackageBytes: 64 * MiB,
  maxEntries: 4096,
  maxEntryBytes: 64 * MiB,
  maxTotalBytes: 256 * MiB,
  maxNameBytes: 255,
});

/** Fills defaults; a limit must be a non-negative safe integer. */
export function resolveLimits(partial: Partial<PackageLimits> = {}): PackageLimits {
  const limits = { ...DEFAULT_PACKAGE_LIMITS };
  for (const key of Object.keys(DEFAULT_PACKAGE_LIMITS) as (keyof PackageLimits)[]) {
    const v = partial[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0) throw new SettingsError(`package limit ${key} must be a non-negative integer, got ${String(v)}`);
    limits[key] = v;
  }
  return limits;
}
