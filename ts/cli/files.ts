// File problems on the command line: one line `wasgo: FileNotFound: …` and exit 2, never a raw
// ENOENT/EISDIR or "refused or trapped" (125, which is about the mod).
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A file or folder named on the command line cannot be read or written. */
export class CliFileError extends Error {
  constructor(readonly code: 'FileNotFound' | 'NotAFile' | 'NotADirectory' | 'FileUnreadable' | 'FileExists' | 'CannotWrite' | 'BadKeyFile', message: string) {
    super(message);
  }
}

/** Throws CliFileError unless `path` is an existing regular file (or folder, for kind 'directory'). */
export function checkInput(path: string, what = 'file', kind: 'file' | 'directory' = 'file'): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw fileError(e, path, what) ?? e;
  }
  if (kind === 'file' && st.isDirectory()) throw new CliFileError('NotAFile', `${path} is a folder; expected a ${what}`);
  if (kind === 'directory' && !st.isDirectory()) throw new CliFileError('NotADirectory', `${path} is not a folder; expected a ${what}`);
}

/** Reads a file named on the command line. */
export async function readInput(path: string, what = 'file'): Promise<Uint8Array> {
  checkInput(path, what);
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw fileError(e, path, what) ?? e;
  }
}

/** The CliFileError for a Node file-system error, or undefined when `e` is something else. */
export function fileError(e: unknown, path?: string, what = 'file', writing = false): CliFileError | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  const p = path ?? err?.path ?? 'the file';
  switch (err?.code) {
    case 'ENOENT': return writing
      ? new CliFileError('CannotWrite', `cannot write ${p}: its folder does not exist`)
      : new CliFileError('FileNotFound', `${p}: no such ${what}`);
    case 'ENOTDIR': return new CliFileError('FileNotFound', `${p}: no such ${what} (a part of the path is not a folder)`);
    case 'EISDIR': return new CliFileError(writing ? 'CannotWrite' : 'NotAFile', `${p} is a folder; expected a ${what}`);
    case 'EACCES': case 'EPERM': return new CliFileError(writing ? 'CannotWrite' : 'FileUnreadable', `${p}: permission denied`);
    case 'EEXIST': return new CliFileError('FileExists', `${p} exists`);
    case 'EROFS': return new CliFileError('CannotWrite', `cannot write ${p}: read-only file system`);
    default: return undefined;
  }
}
