import { PolicyDenied } from '../engine/errors';

const MAX_PATH = 255;

/**
 * Checks a path a guest names inside its own folder and returns it normalised ('a/b.txt').
 * Only plain relative paths are accepted: no absolute paths, drive letters, backslashes,
 * '.', '..', empty segments, control characters or reserved device-like names.
 */
export function confinedPath(path: string): string {
  const refuse = (why: string): never => {
    throw new PolicyDenied(`file path ${JSON.stringify(path)} refused: ${why}`);
  };
  if (path.length === 0) refuse('empty');
  if (path.length > MAX_PATH) refuse(`longer than ${MAX_PATH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse('control character');
  if (path.includes('\\')) refuse('backslash');
  if (path.startsWith('/')) refuse('absolute path');
  if (/^[a-zA-Z]:/.test(path) || path.includes(':')) refuse('drive letter or scheme');
  const segments = path.split('/');
  for (const s of segments) {
    if (s === '') refuse('empty segment');
    if (s === '.' || s === '..') refuse(`'${s}' segment`);
    if (/[<>"|?*]/.test(s)) refuse('reserved character');
  }
  return segments.join('/');
}

/** A folder name for a mod, derived from its name: safe characters only, never empty. */
export function modFolder(mod: string): string {
  const cleaned = mod.replace(/\.(wasm|ant\.zip|zip)$/i, '').replace(/[^a-zA-Z0-9_.-]/g, '_').replace(/^\.+/, '_');
  return (cleaned || 'mod').slice(0, 64);
}

export function joinPath(root: string, rel: string): string {
  return `${root.replace(/\/+$/, '')}/${rel}`;
}
