import type { WasGoEngine } from '../engine/engine';
import { WasGoError } from '../engine/errors';
import type { ModuleInfo } from '../wasm/info';
import { inspect } from '../wasm/inspect';
import { plainBytes } from './encoding';
import { CORE_ENTRY } from './names';
import { checkAntImports, findEntry, roleOfPath } from './spec-imports';
import { hasWasmMagic } from './spec-ops';

export interface GameShapeIssue {
  code: 'MissingEntryPoint' | 'BadAntImport' | 'CoreRefused' | 'UnavailableAntImport';
  message: string;
  entry: string;
}

/**
 * What the runtime would refuse beyond the zip and trust checks of validatePackage:
 * problems — the Core has no entry point, an ANT import declared with a type WasGo cannot link
 *   (on the Core this stops the game; on other modules LoadModule returns RESOLUTION_ERROR),
 *   the engine refusing to compile the Core (e.g. its memory is over the memoryMb cap);
 * warnings — an ANT import the module's role does not get (calling it stops that module).
 * `files` is entry name → contents (as readZip returns it). With `engine`, every wasm entry is
 * compiled as the runtime would (memory caps, fuel).
 */
export async function checkGameShape(files: ReadonlyMap<string, Uint8Array>, engine?: WasGoEngine): Promise<{ problems: GameShapeIssue[]; warnings: GameShapeIssue[] }> {
  const problems: GameShapeIssue[] = [];
  const warnings: GameShapeIssue[] = [];
  for (const [entry, bytes] of files) {
    if (!hasWasmMagic(bytes) || !WebAssembly.validate(plainBytes(bytes))) continue; // validatePackage reports these
    let info: ModuleInfo;
    try {
      info = inspect(bytes, entry);
    } catch {
      continue;
    }
    const role = roleOfPath(`/${entry}`);
    if (entry === CORE_ENTRY) {
      const e = findEntry(info);
      if (!e.name) problems.push({ code: 'MissingEntryPoint', entry, message: e.problem?.message ?? 'the Core must export an entry point (main or _start)' });
      if (engine) {
        try {
          await engine.compile({ name: entry, bytes });
        } catch (err) {
          if (!(err instanceof WasGoError)) throw err;
          problems.push({ code: 'CoreRefused', entry, message: err.describe() });
        }
      }
    }
    const imports = checkAntImports(info, role);
    const target = entry === CORE_ENTRY ? problems : warnings;
    for (const p of imports.problems) target.push({ ...p, entry, message: entry === CORE_ENTRY ? p.message : `${p.message} (loading it returns RESOLUTION_ERROR)` });
    for (const w of imports.warnings) warnings.push({ ...w, entry });
  }
  return { problems, warnings };
}
