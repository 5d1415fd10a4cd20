import type { FuncType, ModuleInfo } from '../wasm/info';
import { formatFuncType } from '../wasm/info';
import { CORE_PATH, MAIN_PATH, hasCorePrefix } from './spec-ops';

/**
 * Which module of a package gets which ANTwasm import, the signatures WasGo accepts for them,
 * and the exports the runtime calls. Shared by the runtime and `wasgo validate`.
 */

/** core = /core.wasm; main = /main.wasm (loaded by load_main); core-module = loaded by load_module_core; module = loaded by load_module. */
export type AntRole = 'core' | 'main' | 'core-module' | 'module';
export type AntImportName = 'load_module_core' | 'load_main' | 'load_module' | 'start_game';

/** The import modules the ANT functions are importable from: `ant`, and `env` as an alias. */
export const ANT_IMPORT_MODULES: readonly string[] = ['ant', 'env'];

interface ImportRule {
  /** Roles that get this import (the others see it as "not provided"). */
  roles: readonly AntRole[];
  params: readonly ('i32')[];
  /** Accepted result types: the spec's, plus `i32` for the two `(): void` imports (see docs/antwasm.md). */
  results: readonly (readonly 'i32'[])[];
}

export const ANT_IMPORTS: Readonly<Record<AntImportName, ImportRule>> = {
  load_module_core: { roles: ['core'], params: ['i32', 'i32'], results: [['i32']] },
  load_main: { roles: ['core'], params: [], results: [[], ['i32']] },
  load_module: { roles: ['main'], params: ['i32', 'i32'], results: [['i32']] },
  // The spec lists start_game under Main, and its error table says the Core calls it: both get it.
  start_game: { roles: ['core', 'main'], params: [], results: [[], ['i32']] },
};

export function isAntImportName(name: string): name is AntImportName {
  return Object.prototype.hasOwnProperty.call(ANT_IMPORTS, name);
}

/** The role a module at `path` would have (for validation; the runtime knows it from who loaded it). */
export function roleOfPath(path: string): AntRole {
  if (path === CORE_PATH) return 'core';
  if (path === MAIN_PATH) return 'main';
  return hasCorePrefix(path) ? 'core-module' : 'module';
}

/** 'i32' when the module declares this import as returning i32, else 'void'. */
export function declaredResult(info: ModuleInfo, name: AntImportName): 'i32' | 'void' {
  const imp = info.imports.find((i) => i.kind === 'function' && i.name === name && ANT_IMPORT_MODULES.includes(i.module));
  return imp?.kind === 'function' && imp.type.results.length === 1 && imp.type.results[0] === 'i32' ? 'i32' : 'void';
}

export interface AntShapeProblem {
  code: 'MissingEntryPoint' | 'BadAntImport';
  message: string;
}

export interface AntShapeWarning {
  code: 'UnavailableAntImport';
  message: string;
}

/** ANT imports whose declared type WasGo cannot link (instantiation would fail), and ones the role does not get. */
export function checkAntImports(info: ModuleInfo, role: AntRole): { problems: AntShapeProblem[]; warnings: AntShapeWarning[] } {
  const problems: AntShapeProblem[] = [];
  const warnings: AntShapeWarning[] = [];
  for (const imp of info.imports) {
    if (imp.kind !== 'function' || !ANT_IMPORT_MODULES.includes(imp.module) || !isAntImportName(imp.name)) continue;
    const rule = ANT_IMPORTS[imp.name];
    if (!rule.roles.includes(role)) {
      warnings.push({ code: 'UnavailableAntImport', message: `imports ${imp.module}.${imp.name}, which a ${role} does not get: calling it stops the module with ImportRefused` });
      continue;
    }
    if (!acceptsType(rule, imp.type)) {
      const accepted = rule.results.map((r) => formatFuncType({ params: [...rule.params], results: [...r] })).join(' or ');
      problems.push({ code: 'BadAntImport', message: `imports ${imp.module}.${imp.name} as ${formatFuncType(imp.type)}; it must be ${accepted}` });
    }
  }
  return { problems, warnings };
}

function acceptsType(rule: ImportRule, t: FuncType): boolean {
  return t.params.length === rule.params.length && t.params.every((p, i) => p === rule.params[i]) &&
    rule.results.some((r) => r.length === t.results.length && r.every((x, i) => x === t.results[i]));
}

const ENTRY_NAMES = ['main', '_start', '__main_argc_argv'] as const;

/**
 * The entry point that starts a Core (and that load_main runs for a Main): the first exported
 * function of `main`, `_start`, `__main_argc_argv` — WasGo's usual entry rules (docs/abi.md).
 * Returns undefined when there is none; a problem when one exists with a type no entry has.
 */
export function findEntry(info: ModuleInfo): { name?: string; problem?: AntShapeProblem } {
  for (const name of ENTRY_NAMES) {
    const e = info.exports.find((x) => x.name === name && x.kind === 'function');
    if (!e) continue;
    const p = e.type?.params ?? [];
    if (p.length === 0 || (p.length === 2 && p.every((t) => t === 'i32'))) return { name };
    return { problem: { code: 'MissingEntryPoint', message: `export ${name} takes (${p.join(' ')}); an entry point takes () or (argc: i32, argv: i32)` } };
  }
  return {};
}

/**
 * The export LoadModule's step 8 calls with the ModuleId: `on_module_load` (the Basic Global
 * Library's name) if exported, else `load_module` (step 8's name). Only a function taking exactly
 * one i32 qualifies; anything else under those names is not called.
 */
export function moduleLoadCallback(info: ModuleInfo): 'on_module_load' | 'load_module' | undefined {
  for (const name of ['on_module_load', 'load_module'] as const) {
    const e = info.exports.find((x) => x.name === name && x.kind === 'function');
    if (e && e.type?.params.length === 1 && e.type.params[0] === 'i32') return name;
  }
  return undefined;
}
