// The safety policy over the Godot API: which classes, methods, singletons, utility functions and
// node paths a mod may use at each safety level. The decisions are data — ./policy/rules.ts
// (hand-written) over ./policy/classdb.ts (generated from the real engine's ClassDB by
// scripts/gen-godot-policy.mjs) — and this module only reads them. See docs/godot-policy.md.
//
// Every decision reports the LOWEST level that allows the thing, so an error can say "needs
// level 3". Levels are monotonic: whatever level N allows, level N+1 allows too.

import { SettingsError } from '../engine/errors';
import { CLASSES, ENGINE_VERSION, SINGLETONS } from './policy/classdb';
import {
  DENIED_CLASSES, DENIED_METHODS, DENIED_UTILITIES, LEVEL1_CONSTRUCT, LEVEL1_METHODS, LEVEL1_SINGLETONS,
  LEVEL1_UTILITIES, RULE_TEXT, type Rule,
} from './policy/rules';

export type Level = 1 | 2 | 3;

export interface Decision {
  allowed: boolean;
  /** The lowest level allowing it; null = no level does (malformed or impossible). */
  level: Level | null;
  reason: string;
}

/** What a game adds to the policy: names → the lowest level (1 or 2) that allows them. */
export interface PolicyAdditions {
  /** `'Class.method'` → level. Allowed on the class and its subclasses. */
  readonly methods?: Readonly<Record<string, 1 | 2>>;
  /** Class name → level, for constructing it. */
  readonly construct?: Readonly<Record<string, 1 | 2>>;
  /** Engine singleton name → level. */
  readonly singletons?: Readonly<Record<string, 1 | 2>>;
  /** Utility function name → level. */
  readonly utilities?: Readonly<Record<string, 1 | 2>>;
  /**
   * `'ScriptClass.method'` → level: a method of a game script with that `class_name` (or a
   * script extending it), called on an object the mod holds a handle to. Not in ClassDB, so
   * only the name is checked here; the Godot side checks the class exists at startup.
   */
  readonly scripts?: Readonly<Record<string, 1 | 2>>;
}

export interface Policy {
  methodDecision(classChain: readonly string[], method: string, level: Level): Decision;
  propertyDecision(classChain: readonly string[], property: string, write: boolean, level: Level): Decision;
  signalDecision(classChain: readonly string[], signal: string, level: Level): Decision;
  singletonDecision(name: string, level: Level): Decision;
  constructDecision(className: string, level: Level): Decision;
  utilityDecision(name: string, level: Level): Decision;
  nodePathDecision(path: string, level: Level): Decision;
  nodePathAllowed(path: string, level: Level): boolean;
  /**
   * A method of a game script class (PolicyAdditions.scripts): `scriptChain` is the object's
   * script classes (its class_name, then those of the scripts it extends), `nativeChain` its
   * ClassDB chain.
   */
  scriptMethodDecision(scriptChain: readonly string[], nativeChain: readonly string[], method: string, level: Level): Decision;
  /** Method names some script addition names (a quick test before asking Godot for an object's script). */
  readonly scriptMethods: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// The ClassDB data, parsed once on first use.

export interface ClassInfo {
  readonly name: string;
  readonly parent: string | null;
  readonly instantiable: boolean;
  /** Methods this class declares (not inherited ones). */
  readonly methods: ReadonlySet<string>;
  readonly signals: ReadonlySet<string>;
  /** Property → its getter and setter ('' when there is none). */
  readonly properties: ReadonlyMap<string, { readonly getter: string; readonly setter: string }>;
}

let classes: Map<string, ClassInfo> | null = null;

/** Every class in the generated ClassDB data, by name. */
export function classDb(): ReadonlyMap<string, ClassInfo> {
  if (classes) return classes;
  const map = new Map<string, ClassInfo>();
  const words = (s: string | undefined) => (s ? s.split(' ').filter(Boolean) : []);
  for (const line of CLASSES.split('\n')) {
    if (!line.trim()) continue;
    const [name, parent, flags, methods, signals, props] = line.split('\t');
    const properties = new Map<string, { getter: string; setter: string }>();
    for (const p of words(props)) {
      const [pname, getter, setter] = p.split(':');
      properties.set(pname!, getter === undefined ? { getter: `get_${pname}`, setter: `set_${pname}` } : { getter, setter: setter ?? '' });
    }
    map.set(name!, {
      name: name!,
      parent: parent || null,
      instantiable: flags === 'i',
      methods: new Set(words(methods)),
      signals: new Set(words(signals)),
      properties,
    });
  }
  classes = map;
  return map;
}

/** The Godot version the ClassDB data was taken from. */
export const POLICY_ENGINE_VERSION: string = ENGINE_VERSION;

/** Engine singletons in the data: name → class of the singleton object. */
export const ENGINE_SINGLETONS: Readonly<Record<string, string>> = SINGLETONS;

const chains = new Map<string, readonly string[]>();

/** `cls` and its ancestors from ClassDB, most-derived first; null if `cls` is unknown. */
export function ancestry(cls: string): readonly string[] | null {
  const cached = chains.get(cls);
  if (cached) return cached;
  const db = classDb();
  const out: string[] = [];
  let c: string | null = cls;
  while (c !== null) {
    const info = db.get(c);
    if (!info || out.includes(c)) return null;
    out.push(c);
    c = info.parent;
  }
  Object.freeze(out);
  chains.set(cls, out);
  return out;
}

// ---------------------------------------------------------------------------------------------

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_/]*$/;
const isLevel = (l: unknown): l is Level => l === 1 || l === 2 || l === 3;

function checkLevel(level: Level): void {
  if (!isLevel(level)) throw new TypeError(`safety level must be 1, 2 or 3, got ${String(level)}`);
}

/** Denial rule for a class name (exact or `Prefix*`), or null. */
export function deniedClassRule(cls: string): { pattern: string; rule: Rule } | null {
  const exact = Object.hasOwn(DENIED_CLASSES, cls) ? DENIED_CLASSES[cls] : undefined;
  if (exact) return { pattern: cls, rule: exact };
  for (const [pattern, rule] of Object.entries(DENIED_CLASSES)) {
    if (pattern.endsWith('*') && cls.startsWith(pattern.slice(0, -1))) return { pattern, rule };
  }
  return null;
}

const own = <T>(r: Readonly<Record<string, T>> | undefined, k: string): T | undefined =>
  r && Object.hasOwn(r, k) ? r[k] : undefined;

const ruleText = (rule: Rule) => `rule '${rule}': ${RULE_TEXT[rule]}`;

/** Builds a decision from the lowest level allowing a thing. */
function decide(what: string, min: Level | null, why: string, level: Level): Decision {
  checkLevel(level);
  if (min === null) return { allowed: false, level: null, reason: `${what} is never allowed: ${why}` };
  if (level >= min && min === 3) {
    return { allowed: true, level: 3, reason: `${what} is allowed at level 3, which does not restrict the Godot API (below it: ${why})` };
  }
  if (level >= min) return { allowed: true, level: min, reason: `${what} is allowed at level ${min}: ${why}` };
  return { allowed: false, level: min, reason: `${what} needs level ${min}: ${why}` };
}

const LEVEL2_NOTE = 'level 2 adds only the wasgo module\'s wrappers, nothing from ClassDB';

/**
 * Resolves a class chain against ClassDB. Returns the chain to use, or a reason it cannot be
 * trusted below level 3.
 */
function resolveChain(chain: readonly string[]): { chain: readonly string[] } | { bad: string; never: boolean } {
  if (!Array.isArray(chain) || chain.length === 0) return { bad: 'empty class chain', never: true };
  for (const c of chain) {
    if (typeof c !== 'string' || !NAME.test(c)) return { bad: `malformed class name ${JSON.stringify(c)}`, never: true };
  }
  const real = ancestry(chain[0]!);
  if (!real) return { bad: `class ${chain[0]} is not in Godot ${ENGINE_VERSION}'s ClassDB`, never: false };
  if (real === chain) return { chain: real };
  if (real.length !== chain.length || real.some((c, i) => c !== chain[i])) {
    return { bad: `class chain [${chain.join(', ')}] does not match ClassDB's [${real.join(', ')}]`, never: false };
  }
  return { chain: real };
}

function deniedInChain(chain: readonly string[]): string | null {
  for (const c of chain) {
    const d = deniedClassRule(c);
    if (d) return `class ${c}${d.pattern !== c ? ` (matches ${d.pattern})` : ''} is denied below level 3 (${ruleText(d.rule)})`;
  }
  return null;
}

export function createPolicy(additions: PolicyAdditions = {}): Policy {
  validateAdditions(additions);

  // Decisions for methods that exist in ClassDB, per class: bounded by the size of ClassDB.
  const cache = new Map<string, Map<string, [Level | null, string]>>();

  function methodMin(chain: readonly string[], method: string): [Level | null, string] {
    if (typeof method !== 'string' || !NAME.test(method)) return [null, `malformed method name ${JSON.stringify(method)}`];
    const r = resolveChain(chain);
    if ('bad' in r) return [r.never ? null : 3, r.bad];
    let perClass = cache.get(r.chain[0]!);
    const hit = perClass?.get(method);
    if (hit) return hit;
    const result = methodMinUncached(r.chain, method);
    if (r.chain.some((c) => classDb().get(c)!.methods.has(method))) {
      if (!perClass) cache.set(r.chain[0]!, (perClass = new Map()));
      perClass.set(method, result);
    }
    return result;
  }

  function methodMinUncached(chain: readonly string[], method: string): [Level | null, string] {
    const r = { chain };
    const denied = deniedInChain(r.chain);
    if (denied) return [3, denied];
    const rule = own(DENIED_METHODS, method);
    if (rule) return [3, `${method} is denied below level 3 on every class (${ruleText(rule)})`];
    const db = classDb();
    const declaring = r.chain.find((c) => db.get(c)!.methods.has(method));
    if (!declaring) return [3, `${r.chain[0]} has no method ${method} in Godot ${ENGINE_VERSION}'s ClassDB`];
    let best: Level | null = null;
    let where = '';
    for (const c of r.chain) {
      if (own(LEVEL1_METHODS, c)?.includes(method)) return [1, `${c}.${method} is on the level-1 allowlist`];
      const add = own(additions.methods, `${c}.${method}`);
      if (add !== undefined && (best === null || add < best)) {
        best = add;
        where = `${c}.${method}`;
      }
    }
    if (best !== null) return [best, `${where} is allowed at level ${best} by the game's policy additions`];
    return [3, `${declaring}.${method} is not on the level-1 allowlist (${LEVEL2_NOTE})`];
  }

  function methodDecision(classChain: readonly string[], method: string, level: Level): Decision {
    const [min, why] = methodMin(classChain, method);
    return decide(`${classChain?.[0] ?? '?'}.${method}`, min, why, level);
  }

  function propertyDecision(classChain: readonly string[], property: string, write: boolean, level: Level): Decision {
    const what = `${write ? 'setting' : 'getting'} ${classChain?.[0] ?? '?'}.${property}`;
    if (typeof property !== 'string' || !PROPERTY.test(property)) return decide(what, null, `malformed property name ${JSON.stringify(property)}`, level);
    const r = resolveChain(classChain);
    if ('bad' in r) return decide(what, r.never ? null : 3, r.bad, level);
    const db = classDb();
    for (const c of r.chain) {
      const p = db.get(c)!.properties.get(property);
      if (!p) continue;
      const accessor = write ? p.setter : p.getter;
      if (!accessor) return decide(what, 3, `${c}.${property} has no ${write ? 'setter' : 'getter'} method (only reflection reaches it)`, level);
      const [min, why] = methodMin(r.chain, accessor);
      return decide(what, min, `through ${accessor}: ${why}`, level);
    }
    return decide(what, 3, `${r.chain[0]} has no property ${property} in Godot ${ENGINE_VERSION}'s ClassDB`, level);
  }

  function signalDecision(classChain: readonly string[], signal: string, level: Level): Decision {
    const what = `signal ${classChain?.[0] ?? '?'}.${signal}`;
    if (typeof signal !== 'string' || !NAME.test(signal)) return decide(what, null, `malformed signal name ${JSON.stringify(signal)}`, level);
    const r = resolveChain(classChain);
    if ('bad' in r) return decide(what, r.never ? null : 3, r.bad, level);
    const denied = deniedInChain(r.chain);
    if (denied) return decide(what, 3, denied, level);
    const db = classDb();
    const declaring = r.chain.find((c) => db.get(c)!.signals.has(signal));
    if (!declaring) return decide(what, 3, `${r.chain[0]} has no signal ${signal} in Godot ${ENGINE_VERSION}'s ClassDB`, level);
    return decide(what, 1, `connecting a signal of ${declaring} to the mod's own callback is allowed at level 1`, level);
  }

  function singletonDecision(name: string, level: Level): Decision {
    const what = `singleton ${name}`;
    if (typeof name !== 'string' || !NAME.test(name)) return decide(what, null, `malformed singleton name ${JSON.stringify(name)}`, level);
    const cls = own(SINGLETONS, name);
    if (cls === undefined) return decide(what, 3, `${name} is not an engine singleton in Godot ${ENGINE_VERSION}`, level);
    const denied = deniedInChain([name, ...(ancestry(cls) ?? [cls])]);
    if (denied) return decide(what, 3, denied, level);
    if (LEVEL1_SINGLETONS.includes(name)) return decide(what, 1, `${name} is on the level-1 allowlist`, level);
    const add = own(additions.singletons, name);
    if (add !== undefined) return decide(what, add, `${name} is allowed at level ${add} by the game's policy additions`, level);
    return decide(what, 3, `${name} is not on the level-1 allowlist (${LEVEL2_NOTE})`, level);
  }

  function constructDecision(className: string, level: Level): Decision {
    const what = `constructing ${className}`;
    if (typeof className !== 'string' || !NAME.test(className)) return decide(what, null, `malformed class name ${JSON.stringify(className)}`, level);
    const chain = ancestry(className);
    if (!chain) return decide(what, 3, `class ${className} is not in Godot ${ENGINE_VERSION}'s ClassDB`, level);
    if (!classDb().get(className)!.instantiable) return decide(what, null, `${className} cannot be instantiated (ClassDB.can_instantiate is false)`, level);
    const denied = deniedInChain(chain);
    if (denied) return decide(what, 3, denied, level);
    if (LEVEL1_CONSTRUCT.includes(className)) return decide(what, 1, `${className} is on the level-1 allowlist`, level);
    const add = own(additions.construct, className);
    if (add !== undefined) return decide(what, add, `${className} is allowed at level ${add} by the game's policy additions`, level);
    return decide(what, 3, `${className} is not on the level-1 allowlist (${LEVEL2_NOTE})`, level);
  }

  function utilityDecision(name: string, level: Level): Decision {
    const what = `utility function ${name}`;
    if (typeof name !== 'string' || !NAME.test(name)) return decide(what, null, `malformed function name ${JSON.stringify(name)}`, level);
    const rule = own(DENIED_UTILITIES, name);
    if (rule) return decide(what, 3, `${name} is denied below level 3 (${ruleText(rule)})`, level);
    if (LEVEL1_UTILITIES.includes(name)) return decide(what, 1, `${name} is on the level-1 allowlist`, level);
    const add = own(additions.utilities, name);
    if (add !== undefined) return decide(what, add, `${name} is allowed at level ${add} by the game's policy additions`, level);
    return decide(what, 3, `${name} is not on the level-1 allowlist (${LEVEL2_NOTE})`, level);
  }

  const scriptMethods = new Set(Object.keys(additions.scripts ?? {}).map((k) => k.split('.')[1]!));

  function scriptMethodDecision(scriptChain: readonly string[], nativeChain: readonly string[], method: string, level: Level): Decision {
    const what = `${scriptChain[0] ?? nativeChain[0] ?? '?'}.${method}`;
    if (typeof method !== 'string' || !NAME.test(method)) return decide(what, null, `malformed method name ${JSON.stringify(method)}`, level);
    const r = resolveChain(nativeChain);
    if ('bad' in r) return decide(what, r.never ? null : 3, r.bad, level);
    const denied = deniedInChain(r.chain);
    if (denied) return decide(what, 3, denied, level);
    const rule = own(DENIED_METHODS, method);
    if (rule) return decide(what, 3, `${method} is denied below level 3 on every class (${ruleText(rule)})`, level);
    let best: Level | null = null;
    let where = '';
    for (const c of scriptChain) {
      const add = own(additions.scripts, `${c}.${method}`);
      if (add !== undefined && (best === null || add < best)) {
        best = add;
        where = `${c}.${method}`;
      }
    }
    if (best !== null) return decide(what, best, `${where} is allowed at level ${best} by the game's policy additions`, level);
    return decide(what, 3, `${what} is not in the game's policy additions (script classes: ${scriptChain.join(', ') || 'none'})`, level);
  }

  return {
    methodDecision, propertyDecision, signalDecision, singletonDecision, constructDecision, utilityDecision,
    nodePathDecision, nodePathAllowed: (path, level) => nodePathDecision(path, level).allowed,
    scriptMethodDecision, scriptMethods,
  };
}

const NEEDS_3 = '; a game may not open it below level 3 (level 3 allows it already)';

/** Longest node path accepted below level 3. */
export const MAX_NODE_PATH = 4096;

/**
 * Node paths, relative to a node of the mod's subtree. Below level 3 a path may only go down:
 * names separated by '/', '.' allowed; no absolute path, no '..', no '%Unique' name (the
 * owner's unique names may lie outside the subtree), no ':property' subnames (properties go
 * through their setter/getter methods), no empty segment. NUL and '' are refused at every level.
 */
export function nodePathDecision(path: string, level: Level): Decision {
  const what = `node path ${JSON.stringify(path)}`;
  if (typeof path !== 'string' || path === '') return decide(what, null, 'empty node path', level);
  if (path.includes('\0')) return decide(what, null, 'NUL in a node path', level);
  const down = (why: string) => decide(what, 3, `${why}; below level 3 paths may only go down the mod's subtree`, level);
  if (path.length > MAX_NODE_PATH) return down(`longer than ${MAX_NODE_PATH} characters`);
  if (path.startsWith('/')) return down('absolute path');
  if (path.includes(':')) return down('property subpath (\':\')');
  for (const seg of path.split('/')) {
    if (seg === '') return down('empty path segment');
    if (seg === '..') return down('\'..\' goes up the tree');
    if (seg.startsWith('%')) return down('unique-name (%) lookup resolves through the scene owner');
  }
  return decide(what, 1, 'a relative path down the subtree', level);
}

const defaultPolicy = createPolicy();

export function methodDecision(classChain: readonly string[], method: string, level: Level): Decision {
  return defaultPolicy.methodDecision(classChain, method, level);
}
export function propertyDecision(classChain: readonly string[], property: string, write: boolean, level: Level): Decision {
  return defaultPolicy.propertyDecision(classChain, property, write, level);
}
export function signalDecision(classChain: readonly string[], signal: string, level: Level): Decision {
  return defaultPolicy.signalDecision(classChain, signal, level);
}
export function singletonDecision(name: string, level: Level): Decision {
  return defaultPolicy.singletonDecision(name, level);
}
export function constructDecision(className: string, level: Level): Decision {
  return defaultPolicy.constructDecision(className, level);
}
export function utilityDecision(name: string, level: Level): Decision {
  return defaultPolicy.utilityDecision(name, level);
}
export function nodePathAllowed(path: string, level: Level): boolean {
  return nodePathDecision(path, level).allowed;
}

/**
 * Throws SettingsError if the additions name something unknown, give a level other than 1 or
 * 2, or open something a hand-written safety rule denies below level 3 (reflection, tree
 * escape, code loading, the system, the network, ...): such an addition is refused with the
 * rule's name — a game cannot open OS.execute at level 1 by accident (level 3 allows it already).
 */
function validateAdditions(a: PolicyAdditions): void {
  const db = classDb();
  const bad: string[] = [];
  const lvl = (k: string, v: unknown) => {
    if (v !== 1 && v !== 2) bad.push(`${k}: level must be 1 or 2 (level 3 allows all of ClassDB already)`);
  };
  for (const [k, v] of Object.entries(a.methods ?? {})) {
    lvl(k, v);
    const [cls, method, extra] = k.split('.');
    const chain = cls ? ancestry(cls) : null;
    if (!chain || !method || extra !== undefined) bad.push(`${k}: expected 'Class.method' with a ClassDB class`);
    else if (!chain.some((c) => db.get(c)!.methods.has(method))) bad.push(`${k}: ${cls} has no method ${method}`);
    else {
      const rule = own(DENIED_METHODS, method);
      const denied = deniedInChain(chain) ?? (rule ? `${method} is denied below level 3 on every class (${ruleText(rule)})` : null);
      if (denied) bad.push(`${k}: ${denied}${NEEDS_3}`);
    }
  }
  for (const [k, v] of Object.entries(a.construct ?? {})) {
    lvl(k, v);
    if (!db.get(k)?.instantiable) bad.push(`${k}: not an instantiable ClassDB class`);
    else {
      const denied = deniedInChain(ancestry(k) ?? [k]);
      if (denied) bad.push(`constructing ${k}: ${denied}${NEEDS_3}`);
    }
  }
  for (const [k, v] of Object.entries(a.singletons ?? {})) {
    lvl(k, v);
    const cls = own(SINGLETONS, k);
    if (cls === undefined) bad.push(`${k}: not an engine singleton`);
    else {
      const denied = deniedInChain([k, ...(ancestry(cls) ?? [cls])]);
      if (denied) bad.push(`singleton ${k}: ${denied}${NEEDS_3}`);
    }
  }
  for (const [k, v] of Object.entries(a.utilities ?? {})) {
    lvl(k, v);
    const rule = own(DENIED_UTILITIES, k);
    if (!NAME.test(k)) bad.push(`${k}: malformed utility function name`);
    else if (rule) bad.push(`utility function ${k}: denied below level 3 (${ruleText(rule)})${NEEDS_3}`);
  }
  for (const [k, v] of Object.entries(a.scripts ?? {})) {
    lvl(k, v);
    const [cls, method, extra] = k.split('.');
    const rule = method ? own(DENIED_METHODS, method) : undefined;
    if (!cls || !NAME.test(cls) || !method || !NAME.test(method) || extra !== undefined) bad.push(`${k}: expected 'ScriptClass.method' (a class_name and one of its methods)`);
    else if (ancestry(cls)) bad.push(`${k}: ${cls} is a ClassDB class; add its methods under methods, not scripts`);
    else if (rule) bad.push(`${k}: ${method} is denied below level 3 on every class (${ruleText(rule)})${NEEDS_3}`);
  }
  if (bad.length) throw new SettingsError(`invalid policy additions: ${bad.join('; ')}`);
}
