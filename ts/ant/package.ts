import { PackageRefused } from './errors';
import type { PackageLimits } from './limits';
import type { AntManifest } from './manifest';
import { entryNameOf } from './names';
import { verifyPackage, type TrustOptions, type TrustResult } from './trust';
import { readZip, type ZipReadStats } from './zip';

/** A read and verified ANT.zip, ready for the Initialization Phase. */
export interface AntPackage {
  /** Entry name ("core.wasm") → contents, for every file entry including ant.json and ant.sig. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly manifest: AntManifest | undefined;
  readonly trust: TrustResult;
  /** Contents at a spec path ("/core.wasm"); case-sensitive; undefined when there is none. */
  get(specPath: string): Uint8Array | undefined;
}

/** Settings can be passed as they are: requireSignature and trustedKeys are read from them. */
export interface ReadPackageOptions extends TrustOptions {
  limits?: Partial<PackageLimits> | undefined;
  /** Filled in while reading, also when reading fails. */
  stats?: ZipReadStats | undefined;
  /** Package name for error messages (e.g. the file name); becomes the errors' place.module. */
  name?: string | undefined;
}

/**
 * The Loading Phase: reads the zip safely and verifies it before any of its code can run.
 * Throws PackageRefused (a PackageError) with the first problem found; to see every problem
 * use validatePackage.
 */
export async function readPackage(bytes: Uint8Array, options: ReadPackageOptions = {}): Promise<AntPackage> {
  const place = options.name === undefined ? {} : { module: options.name };
  try {
    const files = await readZip(bytes, { limits: options.limits, stats: options.stats });
    const trust = await verifyPackage(files, options);
    if (!trust.trusted) throw PackageRefused.from(trust.problems[0]!);
    return {
      files,
      manifest: trust.manifest,
      trust,
      get: (specPath) => {
        const name = entryNameOf(specPath);
        return name === undefined ? undefined : files.get(name);
      },
    };
  } catch (e) {
    if (e instanceof PackageRefused) e.at(place);
    throw e;
  }
}
