/**
 * The game's modding API as plain data — what a WasGoApi resource (addons/wasgo/wasgo_api.gd)
 * or its JSON twin holds, the same for Godot and for `wasgo run --api file.json`:
 *
 *   { "functions": [ { "module": "game", "name": "spawn", "params": ["string", "f32", "f32"], "names": ["kind", "x", "y"],
 *                      "result": "i32", "level": 1, "target": { "node": "/root/Game", "method": "spawn" } } ],
 *     "additions": [ { "level": 1, "methods": ["AnimatedSprite2D.play"], "construct": ["Timer"],
 *                      "singletons": ["Input"], "scripts": ["Enemy.hit"] } ] }
 *
 * An addition at level N holds at every level ≥ N: the policy gets each name at the LOWEST
 * level any entry gives it (additionsOf), so L1 ⊆ L2 ⊆ L3 holds by construction. Level-3
 * entries add nothing (level 3 allows all of ClassDB and every script method already). What a
 * hand-written safety rule denies is refused by createPolicy with the rule's name.
 */
import { SettingsError } from '../engine/errors';
import type { SafetyLevel } from '../engine/settings';
import { checkDecl, type GameFunctionDecl, type GameParam, type GameResult } from './game-functions';
import type { PolicyAdditions } from './policy';

export interface ApiTarget {
  /** An absolute node path: an autoload is `/root/<Name>`; resolved when the function is called (and checked once the game has started). */
  node: string;
  method: string;
}

export interface ApiFunction extends GameFunctionDecl {
  /** The parameters' names, one per parameter (optional): what `wasgo sdk` calls them in the typed bindings (else arg1, arg2, ...). */
  names?: string[] | undefined;
  /** Where the call goes in the game; absent in data meant only for the CLI (its calls are logged). */
  target?: ApiTarget | undefined;
}

export type AdditionKind = 'methods' | 'construct' | 'singletons' | 'scripts';
export const ADDITION_KINDS: readonly AdditionKind[] = ['methods', 'construct', 'singletons', 'scripts'];

export interface ApiAddition {
  level: SafetyLevel;
  methods?: string[];
  construct?: string[];
  singletons?: string[];
  scripts?: string[];
}

export interface GameApiData {
  functions: ApiFunction[];
  additions: ApiAddition[];
}

const MAX_ENTRIES = 4096;

/** Checks and normalizes the data (from JSON or a WasGoApi resource); SettingsError naming `source` and the entry. */
export function parseGameApi(value: unknown, source: string): GameApiData {
  const fail = (what: string): never => {
    throw new SettingsError(`${source}: ${what}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('expected an object with "functions" and "additions"');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (k !== 'functions' && k !== 'additions') fail(`unknown key ${JSON.stringify(k)} (expected functions, additions)`);
  const list = (x: unknown, what: string): unknown[] => {
    if (x === undefined) return [];
    if (!Array.isArray(x)) return fail(`${what} must be an array`);
    if (x.length > MAX_ENTRIES) fail(`${what}: at most ${MAX_ENTRIES} entries`);
    return x;
  };
  const level = (x: unknown, where: string): SafetyLevel => (x === 1 || x === 2 || x === 3 ? x : fail(`${where}: level must be 1, 2 or 3, got ${JSON.stringify(x)}`));
  const strings = (x: unknown, where: string): string[] => {
    const a = list(x, where);
    return a.map((s, i) => (typeof s === 'string' && s.length > 0 && s.length <= 256 ? s : fail(`${where}[${i}] must be a non-empty string`)));
  };

  const functions = list(v.functions, 'functions').map((f, i): ApiFunction => {
    const where = `functions[${i}]`;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) return fail(`${where} must be an object`);
    const o = f as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['module', 'name', 'params', 'names', 'result', 'level', 'target', 'doc'].includes(k)) fail(`${where}: unknown key ${JSON.stringify(k)}`);
    const decl: ApiFunction = {
      module: String(o.module ?? ''), name: String(o.name ?? ''),
      params: strings(o.params, `${where}.params`) as GameParam[],
      result: (o.result === undefined ? '' : String(o.result)) as GameResult,
      level: level(o.level ?? 1, where),
      ...(typeof o.doc === 'string' ? { doc: o.doc } : {}),
    };
    try {
      checkDecl(decl);
    } catch (e) {
      fail(`${where}: ${(e as Error).message}`);
    }
    if (o.names !== undefined) {
      const names = strings(o.names, `${where}.names`);
      if (names.length !== decl.params.length) fail(`${where}.names: ${names.length} names for ${decl.params.length} parameters`);
      names.forEach((n, j) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) || n.length > 64) fail(`${where}.names[${j}] must be an identifier (letters, digits, _), got ${JSON.stringify(n)}`);
        if (names.indexOf(n) !== j) fail(`${where}.names: ${n} is given twice`);
      });
      decl.names = names;
    }
    if (o.target !== undefined) {
      const t = o.target as Record<string, unknown> | null;
      if (t === null || typeof t !== 'object' || typeof t.node !== 'string' || typeof t.method !== 'string') fail(`${where}.target must be { node, method }`);
      const node = t!.node as string;
      const method = t!.method as string;
      if (!node.startsWith('/root/')) fail(`${where}.target.node must be an absolute path (/root/<Autoload> or /root/<scene>/...), got ${JSON.stringify(node)}`);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(method)) fail(`${where}.target.method must be a method name, got ${JSON.stringify(method)}`);
      decl.target = { node, method };
    }
    return decl;
  });
  const seen = new Set<string>();
  for (const f of functions) {
    const key = `${f.module}.${f.name}`;
    if (seen.has(key)) fail(`${key} is listed twice (a name is registered once, at its lowest level)`);
    seen.add(key);
  }

  const additions = list(v.additions, 'additions').map((a, i): ApiAddition => {
    const where = `additions[${i}]`;
    if (a === null || typeof a !== 'object' || Array.isArray(a)) return fail(`${where} must be an object`);
    const o = a as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'level' && !ADDITION_KINDS.includes(k as AdditionKind)) fail(`${where}: unknown key ${JSON.stringify(k)} (expected level, ${ADDITION_KINDS.join(', ')})`);
    const out: ApiAddition = { level: level(o.level, where) };
    for (const kind of ADDITION_KINDS) if (o[kind] !== undefined) out[kind] = strings(o[kind], `${where}.${kind}`);
    return out;
  });
  return { functions, additions };
}

/**
 * The policy additions the entries mean: each name at the lowest level an entry gives it;
 * level-3 entries are left out (level 3 allows them already). createPolicy validates the rest.
 */
export function additionsOf(entries: readonly ApiAddition[]): PolicyAdditions {
  const out: Record<AdditionKind, Record<string, 1 | 2>> = { methods: {}, construct: {}, singletons: {}, scripts: {} };
  for (const e of entries) {
    if (e.level === 3) continue;
    for (const kind of ADDITION_KINDS) {
      for (const name of e[kind] ?? []) {
        const prior = Object.hasOwn(out[kind], name) ? out[kind][name] : undefined;
        if (prior === undefined || e.level < prior) out[kind][name] = e.level;
      }
    }
  }
  return out;
}
