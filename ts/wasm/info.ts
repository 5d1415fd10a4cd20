/** What the engine needs to know about a module before linking it. */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | string;

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface Limits {
  min: number;
  max?: number | undefined;
  shared?: boolean;
  memory64?: boolean;
}

export type ImportDesc =
  | { kind: 'function'; type: FuncType }
  | { kind: 'memory'; limits: Limits }
  | { kind: 'table'; elem: ValType; limits: Limits }
  | { kind: 'global'; type: ValType; mutable: boolean }
  | { kind: 'tag' };

export type ModuleImport = { module: string; name: string } & ImportDesc;

export interface ModuleExport {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
  index: number;
  /** For function exports. */
  type?: FuncType;
}

export interface ModuleInfo {
  imports: ModuleImport[];
  exports: ModuleExport[];
  /** Memories defined by the module itself (imported memories are in `imports`). */
  memories: Limits[];
}

/** `(i32 i32) -> i32` */
export function formatFuncType(t: FuncType): string {
  const r = t.results.length === 0 ? '()' : t.results.length === 1 ? t.results[0] : `(${t.results.join(' ')})`;
  return `(${t.params.join(' ')}) -> ${r}`;
}

export function sameFuncType(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((p, i) => p === b.params[i]) && a.results.every((p, i) => p === b.results[i]);
}
