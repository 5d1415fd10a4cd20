import { PackageRefused } from './errors';
import { MANIFEST_ENTRY, SIGNATURE_ENTRY, entryNameProblem, isFolderName } from './names';

/**
 * ant.json at the zip root: which files the package holds and their SHA-256. It is what ant.sig
 * signs, so listing every other entry with its hash makes the signature cover the whole package.
 *
 *   { "manifestVersion": 1, "name": "my-game", "version": "1.0.0",
 *     "files": { "core.wasm": "<sha256 hex>", ... } }
 */
export interface AntManifest {
  manifestVersion: 1;
  name?: string;
  version?: string;
  /** Entry name → lowercase hex SHA-256, for every entry except ant.json and ant.sig. */
  files: ReadonlyMap<string, string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Throws PackageRefused(ManifestInvalid) naming what is wrong. Unknown top-level keys are ignored. */
export function parseManifest(bytes: Uint8Array): AntManifest {
  const bad = (why: string): never => {
    throw new PackageRefused('ManifestInvalid', why, MANIFEST_ENTRY);
  };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    bad(`not UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('not a JSON object');
  const m = json as Record<string, unknown>;
  if (m.manifestVersion !== 1) bad(`manifestVersion must be 1, got ${JSON.stringify(m.manifestVersion)}`);
  for (const key of ['name', 'version'] as const) {
    if (m[key] !== undefined && typeof m[key] !== 'string') bad(`"${key}" must be a string`);
  }
  if (typeof m.files !== 'object' || m.files === null || Array.isArray(m.files)) return bad('"files" must be an object of entry name → SHA-256 hex');
  const files = new Map<string, string>();
  // JSON.parse makes "__proto__" an ordinary own key, and the result goes into a Map.
  for (const [name, hash] of Object.entries(m.files)) {
    if (name === MANIFEST_ENTRY || name === SIGNATURE_ENTRY) bad(`"files" may not list ${name}`);
    if (isFolderName(name) || entryNameProblem(name, Infinity)) bad(`"files" lists an invalid entry name ${JSON.stringify(name)}`);
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) bad(`the hash of ${JSON.stringify(name)} must be 64 lowercase hex digits`);
    files.set(name, hash as string);
  }
  const manifest: AntManifest = { manifestVersion: 1, files };
  if (typeof m.name === 'string') manifest.name = m.name;
  if (typeof m.version === 'string') manifest.version = m.version;
  return manifest;
}

/** Stable bytes: keys in a fixed order, files sorted by name, two-space indent, final newline. */
export function serializeManifest(manifest: AntManifest): Uint8Array {
  const lines = ['{', '  "manifestVersion": 1,'];
  if (manifest.name !== undefined) lines.push(`  "name": ${JSON.stringify(manifest.name)},`);
  if (manifest.version !== undefined) lines.push(`  "version": ${JSON.stringify(manifest.version)},`);
  const files = [...manifest.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  lines.push(files.length ? '  "files": {' : '  "files": {}');
  files.forEach(([name, hash], i) => lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(hash)}${i < files.length - 1 ? ',' : ''}`));
  if (files.length) lines.push('  }');
  lines.push('}', '');
  return new TextEncoder().encode(lines.join('\n'));
}
