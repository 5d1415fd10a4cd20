import JSZip from 'jszip';
import { sha256Hex } from './encoding';
import { PackageRefused } from './errors';
import { signManifest, type SigningKey } from './keys';
import { resolveLimits, type PackageLimits } from './limits';
import { serializeManifest } from './manifest';
import { MANIFEST_ENTRY, SIGNATURE_ENTRY, entryNameProblem, isFolderName } from './names';
import { readZip } from './zip';

export interface PackOptions {
  /** Signs ant.json and writes ant.sig. Default: unsigned. */
  sign?: SigningKey | undefined;
  /** Written to ant.json. */
  name?: string | undefined;
  version?: string | undefined;
  /** The packed zip must be readable under these limits. Default DEFAULT_PACKAGE_LIMITS. */
  limits?: Partial<PackageLimits> | undefined;
}

// The DOS epoch: fixed timestamps keep the same input packing to the same bytes.
const FIXED_DATE = new Date(Date.UTC(1980, 0, 1));

/**
 * Zips `files` (entry name → contents, e.g. "core.wasm", "core/physics.wasm") with an ant.json
 * listing their hashes and, with `sign`, an ant.sig. Deterministic: same input, same bytes.
 * The result is read back with readZip before it is returned, so packPackage never produces a
 * package the reader would refuse (collisions, sizes, limits) — the same error codes apply.
 */
export async function packPackage(files: ReadonlyMap<string, Uint8Array>, options: PackOptions = {}): Promise<Uint8Array> {
  const limits = resolveLimits(options.limits);
  const names = [...files.keys()].sort();
  const hashes = new Map<string, string>();
  for (const name of names) {
    if (name === MANIFEST_ENTRY || name === SIGNATURE_ENTRY) throw new PackageRefused('UnsafeEntryName', 'is written by packPackage itself', name);
    const bad = entryNameProblem(name, limits.maxNameBytes);
    if (bad) throw PackageRefused.from(bad);
    if (isFolderName(name)) throw new PackageRefused('UnsafeEntryName', 'folders are implied by file names; pass files only', name);
    hashes.set(name, await sha256Hex(files.get(name)!));
  }
  const manifest = serializeManifest({ manifestVersion: 1, name: options.name, version: options.version, files: hashes });

  const zip = new JSZip();
  const add = (name: string, bytes: Uint8Array) =>
    zip.file(name, bytes, { date: FIXED_DATE, createFolders: false, binary: true, compression: 'DEFLATE', compressionOptions: { level: 9 } });
  add(MANIFEST_ENTRY, manifest);
  if (options.sign) add(SIGNATURE_ENTRY, await signManifest(manifest, options.sign));
  for (const name of names) add(name, files.get(name)!);
  const bytes = await zip.generateAsync({ type: 'uint8array', platform: 'DOS' });

  await readZip(bytes, { limits });
  return bytes;
}
