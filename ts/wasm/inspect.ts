import type { FuncType, ModuleExport, ModuleImport, ModuleInfo } from './info';
import { readModule, type WasmModule } from './module';

/**
 * Reads imports (with function signatures), exports and memory limits from a binary.
 * The JS API's WebAssembly.Module.imports() has no types, which linking needs.
 * Throws CompileError with the byte offset on malformed input.
 */
export function inspect(bytes: Uint8Array, moduleName = 'module'): ModuleInfo {
  return describeModule(readModule(bytes, moduleName));
}

/** The linking view of an already decoded module. */
export function describeModule(m: WasmModule): ModuleInfo {
  const typeOf = (ti: number): FuncType => m.types[ti]!; // readModule checked every function's type index
  const funcTypes: number[] = [];
  const imports: ModuleImport[] = m.imports.map((i): ModuleImport => {
    const at = { module: i.module, name: i.name };
    switch (i.kind) {
      case 'function': funcTypes.push(i.typeIndex); return { ...at, kind: 'function', type: typeOf(i.typeIndex) };
      case 'table': return { ...at, kind: 'table', elem: i.table.elem, limits: i.table.limits };
      case 'memory': return { ...at, kind: 'memory', limits: i.limits };
      case 'global': return { ...at, kind: 'global', type: i.type.type, mutable: i.type.mutable };
      case 'tag': return { ...at, kind: 'tag' };
    }
  });
  for (const f of m.functions) funcTypes.push(f);
  const exports = m.exports.map((e): ModuleExport => {
    const out: ModuleExport = { name: e.name, kind: e.kind, index: e.index };
    const ti = e.kind === 'function' ? funcTypes[e.index] : undefined;
    if (ti !== undefined && m.types[ti]) out.type = m.types[ti];
    return out;
  });
  return { imports, exports, memories: m.memories };
}
