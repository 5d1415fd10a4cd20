import { basename } from 'node:path';
import { WasGoEngine } from '../engine/engine';
import { formatFuncType, type ModuleInfo } from '../wasm/info';
import { inspect } from '../wasm/inspect';
import { readInput } from './files';

/** `wasgo inspect <file>`: imports with the level each needs, exports, memory limits. */
export async function inspectCommand(file: string, json: boolean): Promise<number> {
  const bytes = await readInput(file, '.wasm file');
  const info = inspect(bytes, basename(file));
  const table = WasGoEngine.get().init().table;
  const imports = info.imports.map((i) => {
    const entry = i.kind === 'function' ? table.find(i.module, i.name) : undefined;
    const needs = i.kind !== 'function' ? 'host-provided' : entry ? `level ${entry.level}` : 'not provided';
    return { module: i.module, name: i.name, kind: i.kind, type: i.kind === 'function' ? formatFuncType(i.type) : describeLimits(i), needs };
  });
  const exports = info.exports.map((e) => ({ name: e.name, kind: e.kind, type: e.type ? formatFuncType(e.type) : '' }));
  const memories = info.memories.map((m) => ({ initialPages: m.min, maxPages: m.max ?? null, shared: !!m.shared, memory64: !!m.memory64 }));
  if (json) {
    console.log(JSON.stringify({ module: basename(file), bytes: bytes.length, imports, exports, memories }, null, 2));
    return 0;
  }
  console.log(`${basename(file)}: ${bytes.length} bytes`);
  console.log(`imports (${imports.length}):`);
  for (const i of imports) console.log(`  ${`${i.module}.${i.name}`.padEnd(28)} ${i.kind.padEnd(8)} ${i.type.padEnd(28)} ${i.needs}`);
  console.log(`exports (${exports.length}):`);
  for (const e of exports) console.log(`  ${e.name.padEnd(28)} ${e.kind.padEnd(8)} ${e.type}`);
  console.log(`memory: ${memories.length ? memories.map((m) => `${m.initialPages} pages initial, ${m.maxPages === null ? 'no maximum (WasGo caps it)' : `max ${m.maxPages}`}`).join('; ') : 'none defined'}`);
  return 0;
}

function describeLimits(i: ModuleInfo['imports'][number]): string {
  return 'limits' in i ? `min ${i.limits.min}${i.limits.max !== undefined ? ` max ${i.limits.max}` : ''}` : '';
}
