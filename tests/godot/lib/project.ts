// Assembles a Godot test project (plain-text files) into the list of files a pack holds.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { PackFile } from './pck';

/** Per-project options, read from `wasgo_test.json` in the project folder (never packed). */
export interface ProjectOptions {
  /** Milliseconds before the project counts as hung. Default: the runner's --timeout. */
  timeoutMs?: number;
  /** Extra engine arguments; put user arguments after "--" (they reach OS.get_cmdline_user_args()). */
  args?: string[];
  /**
   * Files from the repository to pack too: pack path (without res://) → path relative to the
   * repository root, e.g. { "mods/mover.wasm": "examples/godot-mover/mover.wasm" } (built
   * examples are not committed: `npm run build` makes them).
   */
  files?: Record<string, string>;
}

export interface ProjectSource {
  name: string;
  dir: string;
  options: ProjectOptions;
}

const OPTIONS_FILE = 'wasgo_test.json';
const SKIP = new Set([OPTIONS_FILE, '.gdignore', '.DS_Store']);

/** Every file under `dir`, as pack paths under `prefix` (e.g. "addons/wasgo"). */
export function collectDir(dir: string, prefix = ''): PackFile[] {
  const out: PackFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (SKIP.has(name)) continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const rel = relative(dir, full).split(sep).join('/');
        out.push({ path: prefix ? `${prefix}/${rel}` : rel, data: new Uint8Array(readFileSync(full)) });
      }
    }
  };
  walk(dir);
  return out;
}

export function listProjects(projectsDir: string): ProjectSource[] {
  return readdirSync(projectsDir)
    .filter((n) => existsSync(join(projectsDir, n, 'project.godot')))
    .sort()
    .map((name) => {
      const dir = join(projectsDir, name);
      const optFile = join(dir, OPTIONS_FILE);
      const options = existsSync(optFile) ? (JSON.parse(readFileSync(optFile, 'utf8')) as ProjectOptions) : {};
      return { name, dir, options };
    });
}

/**
 * `.godot/global_script_class_cache.cfg` for every `class_name` in the .gd files, so scripts can
 * use each other's class names without an editor import (Godot reads this text ConfigFile).
 */
export function classCache(files: readonly PackFile[]): PackFile {
  const dec = new TextDecoder();
  const entries: string[] = [];
  for (const f of files) {
    if (!f.path.endsWith('.gd')) continue;
    const src = dec.decode(f.data);
    const cls = /^\s*class_name\s+([A-Za-z_]\w*)/m.exec(src)?.[1];
    if (!cls) continue;
    const base = /^\s*extends\s+([A-Za-z_]\w*)/m.exec(src)?.[1] ?? 'RefCounted';
    const isTool = /^\s*@tool\b/m.test(src);
    entries.push(
      `{\n"base": &"${base}",\n"class": &"${cls}",\n"icon": "",\n"is_abstract": false,\n"is_tool": ${isTool},\n` +
        `"language": &"GDScript",\n"path": "res://${f.path}"\n}`,
    );
  }
  // Written even when empty: without it the engine logs "Could not load global script cache".
  const text = `list=[${entries.join(', ')}]\n`;
  return { path: '.godot/global_script_class_cache.cfg', data: new TextEncoder().encode(text) };
}

export interface AssembleInput {
  project: ProjectSource;
  /** tests/godot/common → packed as res://wasgo_test/ */
  commonDir: string;
  /** the repo's addons/wasgo → packed as res://addons/wasgo/ */
  addonDir: string;
  /** the repo's package.json → packed as res://wasgo_test/package.json (tests read the version) */
  packageJson: string;
  /** Repository root, for the project's `files` (wasgo_test.json). */
  root?: string;
}

/** The project's own files + the shared test helpers + the addon (+ a class cache when needed). */
export function assembleProject({ project, commonDir, addonDir, packageJson, root }: AssembleInput): PackFile[] {
  const own = collectDir(project.dir);
  for (const [path, from] of Object.entries(project.options.files ?? {})) {
    const full = join(root ?? '.', from);
    if (!existsSync(full)) throw new Error(`${project.name}/wasgo_test.json: ${from} does not exist (run npm run build)`);
    own.push({ path, data: new Uint8Array(readFileSync(full)) });
  }
  const taken = new Set(own.map((f) => f.path));
  const files = [...own];
  // A project may override a shared or addon file by shipping its own copy at the same path.
  const shared = [
    ...collectDir(commonDir, 'wasgo_test'),
    { path: 'wasgo_test/package.json', data: new Uint8Array(readFileSync(packageJson)) },
    ...collectDir(addonDir, 'addons/wasgo'),
  ];
  for (const f of shared) {
    if (!taken.has(f.path)) files.push(f);
  }
  if (!taken.has('.godot/global_script_class_cache.cfg')) {
    files.push(classCache(files));
  }
  return files;
}
