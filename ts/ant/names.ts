import { problem, type PackageProblem } from './errors';

/**
 * Zip entry names and the spec's package paths.
 *
 * A spec path is absolute from the zip root ("/core.wasm", "/core/physics.wasm"); the zip entry
 * it names is the same string without the leading slash ("core.wasm"). Entry names are plain
 * relative POSIX paths: segments separated by "/", no empty, "." or ".." segments, no
 * backslashes, drive letters or control characters. A trailing "/" marks a folder entry.
 */

/** Metadata entries at the zip root, written by packPackage. */
export const MANIFEST_ENTRY = 'ant.json';
export const SIGNATURE_ENTRY = 'ant.sig';
export const CORE_ENTRY = 'core.wasm';

const utf8 = new TextEncoder();
// Controls (C0, DEL, C1) have no business in a path and hide in terminals and logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DRIVE = /^[A-Za-z]:/;

/** Returns why `name` (as stored in the zip) is not a safe entry name, or undefined if it is. */
export function entryNameProblem(name: string, maxNameBytes: number): PackageProblem | undefined {
  const bad = (why: string) => problem('UnsafeEntryName', why, name);
  if (utf8.encode(name).length > maxNameBytes) return problem('EntryNameTooLong', `name is longer than ${maxNameBytes} bytes`, name);
  if (name === '') return bad('empty name');
  if (CONTROL.test(name)) return bad('name contains a NUL or control character');
  if (name.includes('\\')) return bad('name contains a backslash');
  if (name.startsWith('/')) return bad('absolute path');
  if (DRIVE.test(name)) return bad('name starts with a drive letter');
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const s of segments) {
    if (s === '') return bad('empty path segment ("//")');
    if (s === '.' || s === '..') return bad(`"${s}" path segment`);
  }
  return undefined;
}

export function isFolderName(name: string): boolean {
  return name.endsWith('/');
}

/**
 * Two names that map to the same key would be the same file on a case-insensitive or
 * normalising file system (macOS, Windows), so a package may not contain both.
 */
export function collisionKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** "/core.wasm" → "core.wasm". Undefined when the path is not absolute or names no safe entry. */
export function entryNameOf(specPath: string): string | undefined {
  if (!specPath.startsWith('/')) return undefined;
  const name = specPath.slice(1);
  if (isFolderName(name) || entryNameProblem(name, Infinity) !== undefined) return undefined;
  return name;
}
