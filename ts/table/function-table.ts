import { RegistrationError } from '../engine/errors';
import { LEVELS, type SafetyLevel } from '../engine/settings';
import type { HostFunctionSpec, ParamKind, ResultKind } from './host-function';

const PARAMS: readonly ParamKind[] = ['i32', 'i64', 'f32', 'f64', 'string', 'bytes', 'out', 'asstring', 'iovecs', 'u32out', 'u64out', 'region'];
const RESULTS: readonly ResultKind[] = ['void', 'i32', 'i64', 'f32', 'f64'];

/** Import modules a guest may use as another name for these (naive C code imports from `env`). */
export const MODULE_ALIASES: Readonly<Record<string, readonly string[]>> = { env: ['wasgo', 'ant'] };

/**
 * Every host function known to the engine, each registered once at the lowest level that
 * exposes it. The level-N view is every entry with level ≤ N, so L1 ⊆ L2 ⊆ L3 holds by
 * construction and a shared name is the same entry (same behaviour) at every level.
 * Registering a name twice is refused: wrappers never overwrite.
 */
export class FunctionTable {
  private readonly entries = new Map<string, Readonly<HostFunctionSpec>>();

  register(spec: HostFunctionSpec): void {
    const key = keyOf(spec.module, spec.name);
    const existing = this.entries.get(key);
    if (existing) {
      throw new RegistrationError(
        `${key} is already registered at level ${existing.level} (${existing.kind}); ` +
          `a ${spec.kind} at level ${spec.level} may not overwrite it`,
      );
    }
    if (!spec.module || !spec.name) throw new RegistrationError('a host function needs a module and a name');
    if (spec.name.startsWith('__wasgo') || spec.module.startsWith('__wasgo')) throw new RegistrationError(`${key}: names starting with __wasgo are reserved`);
    if (!LEVELS.includes(spec.level)) throw new RegistrationError(`${key}: level must be 1, 2 or 3`);
    if (spec.kind === 'wrapper' && spec.level < 2) throw new RegistrationError(`${key}: wrappers start at level 2`);
    for (const p of spec.params) if (!PARAMS.includes(p)) throw new RegistrationError(`${key}: unknown parameter kind ${String(p)}`);
    if (!RESULTS.includes(spec.result)) throw new RegistrationError(`${key}: unknown result kind ${String(spec.result)}`);
    if (spec.cost !== undefined && !(Number.isInteger(spec.cost) && spec.cost >= 0)) throw new RegistrationError(`${key}: cost must be a non-negative integer`);
    if (typeof spec.implementation !== 'function') throw new RegistrationError(`${key}: implementation must be a function`);
    this.entries.set(key, Object.freeze({ ...spec, params: Object.freeze([...spec.params]) }));
  }

  /**
   * Removes an entry (a game hot-reloading its API); false when there is none. Instances
   * already linked keep the function they were linked to: its implementation decides what a
   * call does afterwards (the Godot game API refuses it).
   */
  unregister(module: string, name: string): boolean {
    return this.entries.delete(keyOf(module, name));
  }

  /** The entry exposed at `level`, or undefined. Resolves module aliases. */
  lookup(module: string, name: string, level: SafetyLevel): Readonly<HostFunctionSpec> | undefined {
    const e = this.find(module, name);
    return e && e.level <= level ? e : undefined;
  }

  /** The entry regardless of level (to say which level would expose it). */
  find(module: string, name: string): Readonly<HostFunctionSpec> | undefined {
    const direct = this.entries.get(keyOf(module, name));
    if (direct) return direct;
    for (const alias of MODULE_ALIASES[module] ?? []) {
      const e = this.entries.get(keyOf(alias, name));
      if (e) return e;
    }
    return undefined;
  }

  /** All entries exposed at `level`. */
  at(level: SafetyLevel): Readonly<HostFunctionSpec>[] {
    return [...this.entries.values()].filter((e) => e.level <= level);
  }

  all(): Readonly<HostFunctionSpec>[] {
    return [...this.entries.values()];
  }
}

function keyOf(module: string, name: string): string {
  return `${module}.${name}`;
}

export type { SafetyLevel };
