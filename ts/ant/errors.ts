import { PackageError, type ErrorPlace } from '../engine/errors';

/**
 * Why an ANT.zip package was refused. Each code has its own errno in the 41-69 range that
 * ts/engine/errors.ts reserves for packages. Never renumber; only append.
 */
export const PACKAGE_ERRNO = {
  // the zip container
  NotAZip: 41,
  ZipTruncated: 42,
  ZipCorrupt: 43,
  UnsupportedZipFeature: 44,
  // limits
  PackageTooLarge: 45,
  TooManyEntries: 46,
  EntryTooLarge: 47,
  PackageInflatesTooLarge: 48,
  // entry contents
  EntrySizeMismatch: 49,
  EntryCorrupt: 50,
  HeaderMismatch: 51,
  // entry names and kinds
  UnsafeEntryName: 52,
  EntryNameTooLong: 53,
  DuplicateEntry: 54,
  EntryNameCollision: 55,
  EncryptedEntry: 56,
  UnsupportedCompression: 57,
  UnsupportedEntryType: 58,
  // trust (ant.json / ant.sig)
  ManifestInvalid: 59,
  UnlistedEntry: 60,
  MissingEntry: 61,
  HashMismatch: 62,
  UnsignedPackage: 63,
  BadSignature: 64,
  UntrustedKey: 65,
  CryptoUnavailable: 66,
  // package shape (reported by validatePackage; the runtime checks these itself)
  MissingCore: 67,
  InvalidWasm: 68,
  // packing
  SigningKeyInvalid: 69,
} as const;

export type PackageProblemCode = keyof typeof PACKAGE_ERRNO;

/** One thing wrong with a package: what readPackage throws and validatePackage lists. */
export interface PackageProblem {
  code: PackageProblemCode;
  message: string;
  /** Zip entry name the problem is about, when it is about one. */
  entry?: string;
}

/**
 * A package refusal. It is a PackageError (so `instanceof PackageError` catches every package
 * failure) whose `code` and `errno` name the precise reason instead of the generic 40.
 */
export class PackageRefused extends PackageError {
  readonly entry: string | undefined;
  /** The message without the entry prefix, as it appears in a PackageProblem. */
  readonly detail: string;

  constructor(code: PackageProblemCode, message: string, entry?: string, place: ErrorPlace = {}, options?: { cause?: unknown }) {
    super(entry === undefined ? message : `entry ${JSON.stringify(entry)}: ${message}`, place, options);
    // PackageError fixes code/errno to the generic ones; the precise reason is what callers switch on.
    (this as { code: string }).code = code;
    (this as { errno: number }).errno = PACKAGE_ERRNO[code];
    this.name = code;
    this.entry = entry;
    this.detail = message;
  }

  static from(problem: PackageProblem, place: ErrorPlace = {}): PackageRefused {
    return new PackageRefused(problem.code, problem.message, problem.entry, place);
  }

  get problemCode(): PackageProblemCode {
    return this.code as PackageProblemCode;
  }

  toProblem(): PackageProblem {
    const p: PackageProblem = { code: this.problemCode, message: this.detail };
    if (this.entry !== undefined) p.entry = this.entry;
    return p;
  }

  override toJSON(): Record<string, unknown> {
    return this.entry === undefined ? super.toJSON() : { ...super.toJSON(), entry: this.entry };
  }
}

/** Where readers send problems: reading throws at the first, validation collects them all. */
export type ProblemSink = (problem: PackageProblem) => void;

export function problem(code: PackageProblemCode, message: string, entry?: string): PackageProblem {
  return entry === undefined ? { code, message } : { code, message, entry };
}

/** The sink for reading: the first problem becomes the thrown refusal. */
export const throwFirst: ProblemSink = (p) => {
  throw PackageRefused.from(p);
};
