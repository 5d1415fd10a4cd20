// NODE-ONLY: uses node:fs. Not part of the browser bundle; import it from CLI code only.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PackageRefused } from './errors';
import { DEFAULT_PACKAGE_LIMITS } from './limits';

/**
 * Files under `dir` as entry name → contents, ready for packPackage (`wasgo pack <dir>`).
 * Names use "/" and are relative to `dir`. Symlinks and other non-regular files are refused
 * rather than followed, so packing never reaches outside `dir`. An existing ant.json/ant.sig at
 * the top is skipped: packPackage writes fresh ones.
 */
export async function readDirectoryFiles(dir: string, maxEntries = DEFAULT_PACKAGE_LIMITS.maxEntries): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const name = relative(dir, path).split(sep).join('/');
      if (entry.isDirectory()) await walk(path);
      else if (!entry.isFile()) throw new PackageRefused('UnsupportedEntryType', 'only regular files can be packed (symlinks are not followed)', name);
      else if (name !== 'ant.json' && name !== 'ant.sig') {
        if (files.size >= maxEntries) throw new PackageRefused('TooManyEntries', `more than ${maxEntries} files under ${dir}`);
        files.set(name, new Uint8Array(await readFile(path)));
      }
    }
  };
  await walk(dir);
  return files;
}
