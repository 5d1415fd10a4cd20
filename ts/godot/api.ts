/**
 * The `godot` import module: GDExtension-style functions a mod uses to reach Godot. Each call
 * checks the handle, asks the policy for (class chain, method) at the mod's level and — below
 * level 3 — has Godot check that a Node lies inside the mod's subtree, all in one bridge round
 * trip. Every decision is made here; the bridge only executes. See docs/abi.md ("godot").
 */
import { GodotError, HandleError, HostError, ObjectLimit, ValueTooLarge } from '../engine/errors';
import type { SafetyLevel } from '../engine/settings';
import type { HostCallContext, HostFunctionSpec, OutBuffer } from '../table/host-function';
import { VariantType, type Access, type ArgumentChecks, type CallOutcome, type CallShape, type GodotBridge, type MethodInfo, type ObjectId } from './bridge';
import { GodotPolicyDenied } from './errors';
import { MOD_NODE_HANDLE, NULL_HANDLE, type HandleEntry, type InstanceHandles } from './handles';
import { DEFAULT_GODOT_LIMITS, type GodotLimits } from './limits';
import { ancestry } from './policy';
import { ARG_GUARDS, GROWTH_GUARDS, OWNERSHIP, Z_GUARDS, type ArgGuard } from './policy/costly';
import { ConnectRefused, type SignalHub } from './signals';
import { arrayOf, EMPTY_ARRAY, stringValue } from './variant';

/**
 * Fuel declared per Godot call (HostFunctionSpec.cost), on top of what the meter bills every host
 * call (fuel contract v2, docs/limits.md "Host calls"): the calibrated floor + bytes moved + the
 * call's measured duration × units/ns. The duration already covers the whole round trip into
 * Godot (TypeScript → GDScript → the engine → back, 2–15 µs ≈ 4 000–30 000 units), so this is
 * only what the clock does not see: the garbage a call leaves (argument and result strings,
 * arrays, the callback's wrappers), collected later outside its measured time. ~0.25 µs at
 * 2–3 units/ns. (It was 5 000 — the whole measured round trip — when time was not billed.)
 */
export const GODOT_CALL_COST = 500;

/** What the policy decides (the policy module, ts/godot/policy.ts, implements it). */
export interface Decision {
  allowed: boolean;
  /** The lowest level allowing it; null = no level. */
  level: SafetyLevel | null;
  reason: string;
}

export interface GodotPolicy {
  methodDecision(classChain: readonly string[], method: string, level: SafetyLevel): Decision;
  singletonDecision(name: string, level: SafetyLevel): Decision;
  constructDecision(className: string, level: SafetyLevel): Decision;
  utilityDecision(name: string, level: SafetyLevel): Decision;
  signalDecision(classChain: readonly string[], signal: string, level: SafetyLevel): Decision;
  nodePathAllowed(path: string, level: SafetyLevel): boolean;
  /** Methods of game script classes (PolicyAdditions.scripts); absent = none allowed. */
  scriptMethodDecision?(scriptChain: readonly string[], nativeChain: readonly string[], method: string, level: SafetyLevel): Decision;
  readonly scriptMethods?: ReadonlySet<string>;
}

/** One mod's view: its level, its handles, its node. */
export interface ModState {
  readonly instance: number;
  readonly name: string;
  readonly level: SafetyLevel;
  readonly handles: InstanceHandles;
  readonly modNode: ObjectId;
}

export interface GodotApiHost {
  readonly bridge: GodotBridge;
  /** Size, object, connection and re-entry bounds (DEFAULT_GODOT_LIMITS when absent). */
  readonly limits?: GodotLimits;
  readonly policy: GodotPolicy;
  readonly signals: SignalHub;
  mod(instance: number): ModState | undefined;
  printed(ctx: HostCallContext, text: string): void;
  printedError(ctx: HostCallContext, text: string): void;
}

/** Counters a game can display (and the e2e tests print). */
export interface GodotApiStats {
  calls: number;
  denied: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME = 256;

/** A call's constant part (see siteFor in godotFunctions). */
interface CallSite {
  readonly what: string;
  /** Below level 3: the check of an expensive method's input (policy/costly.ts). */
  readonly guard: ArgGuard | null;
  readonly decision: Decision;
  /** ClassDB's description (null when the call is denied, or there is no such method). */
  readonly info: MethodInfo | null;
  /** Null when there is no such method, or it is called without an object and is not static. */
  readonly shape: CallShape | null;
}

/** A method bind: a (class, method) pair looked up once (GDExtension's classdb_get_method_bind). */
interface Bind {
  className: string;
  method: string;
}

/** Most entries each ClassCache map (and the call-site cache) keeps; the oldest go first. */
export const MAX_CACHE_ENTRIES = 8192;

/** Map.set that drops the oldest entry once the map holds `max` (insertion order = age). */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max = MAX_CACHE_ENTRIES): void {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

/**
 * Class chains, method descriptions and property accessors, cached: ClassDB does not change
 * while a game runs. Only what exists is cached (a miss asks Godot again: invented names must
 * not fill memory), and each map is bounded (MAX_CACHE_ENTRIES, oldest dropped first).
 */
export class ClassCache {
  private readonly chains = new Map<string, string[]>();
  private readonly methods = new Map<string, MethodInfo>();
  private readonly accessors = new Map<string, string>();

  constructor(private readonly bridge: GodotBridge, private readonly max = MAX_CACHE_ENTRIES) {}

  /** Entries held (for tests and stats). */
  get size(): number {
    return this.chains.size + this.methods.size + this.accessors.size;
  }

  chain(className: string): string[] {
    let c = this.chains.get(className);
    if (!c) {
      c = this.bridge.classChain(className);
      if (c.length) setBounded(this.chains, className, c, this.max);
    }
    return c;
  }

  method(className: string, method: string): MethodInfo | null {
    const key = `${className}.${method}`;
    let m = this.methods.get(key);
    if (m === undefined) {
      const info = this.bridge.methodInfo(className, method);
      if (!info) return null;
      setBounded(this.methods, key, (m = info), this.max);
    }
    return m;
  }

  accessor(className: string, property: string, set: boolean): string {
    const key = `${className}.${property}.${set ? 's' : 'g'}`;
    let a = this.accessors.get(key);
    if (a === undefined) {
      a = this.bridge.propertyAccessor(className, property, set);
      if (a) setBounded(this.accessors, key, a, this.max);
    }
    return a;
  }

  /** Remembers a chain Godot reported alongside an object. */
  learn(chain: readonly string[]): void {
    if (chain.length && !this.chains.has(chain[0]!)) setBounded(this.chains, chain[0]!, [...chain], this.max);
  }
}

/** The var_to_bytes element at `index` of an encoded Array: [offset of its header, header] or null. */
function elementAt(bytes: Uint8Array, index: number): { at: number; header: number; view: DataView } | null {
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if ((view.getUint32(0, true) & 0xff) !== VariantType.ARRAY) return null;
  if (view.getUint32(4, true) <= index || index !== 0) return null; // guards only look at argument 0
  if (bytes.length < 12) return null;
  return { at: 8, header: view.getUint32(8, true), view };
}

/**
 * Checks an expensive method's guarded argument (ARG_GUARDS) in its encoding, before Godot
 * decodes it. Returns an error to throw, or null.
 */
export function guardError(guard: ArgGuard, args: Uint8Array, limits: GodotLimits, what: string): Error | null {
  const limit = limits[guard.limit];
  const e = elementAt(args, guard.arg);
  if (!e) return null; // no such argument: Godot's own count check refuses the call
  const type = e.header & 0xff;
  const wide = (e.header & (1 << 16)) !== 0;
  const need = (n: number) => e.at + 4 + n <= args.length;
  switch (guard.kind) {
    case 'text': {
      if (type !== VariantType.STRING && type !== VariantType.STRING_NAME) return new GodotError(`${what}: argument ${guard.arg + 1} must be a String or StringName`);
      if (!need(4)) return new GodotError(`${what}: argument ${guard.arg + 1} is cut short`);
      const bytes = e.view.getUint32(e.at + 4, true);
      // UTF-8 bytes ≥ characters, so only a byte count above the limit needs counting.
      if (bytes > limit) {
        const text = new TextDecoder().decode(args.subarray(e.at + 8, Math.min(args.length, e.at + 8 + bytes)));
        const chars = [...text].length;
        if (chars > limit) return new ValueTooLarge(`${what}: text of ${chars} characters; at most ${limit} below level 3 (${guard.limit}: ${guard.why})`);
      }
      return null;
    }
    case 'points': {
      if (type !== VariantType.PACKED_VECTOR2_ARRAY) return new GodotError(`${what}: argument ${guard.arg + 1} must be a PackedVector2Array`);
      if (!need(4)) return new GodotError(`${what}: argument ${guard.arg + 1} is cut short`);
      const n = e.view.getUint32(e.at + 4, true);
      if (n > limit) return new ValueTooLarge(`${what}: ${n} points; at most ${limit} below level 3 (${guard.limit}: ${guard.why})`);
      return null;
    }
    case 'range': {
      if (type !== VariantType.INT) return new GodotError(`${what}: argument ${guard.arg + 1} must be an int`);
      if (!need(wide ? 8 : 4)) return new GodotError(`${what}: argument ${guard.arg + 1} is cut short`);
      const v = wide ? Number(e.view.getBigInt64(e.at + 4, true)) : e.view.getInt32(e.at + 4, true);
      if (Math.abs(v) > limit) {
        return new GodotPolicyDenied(`${what}(${v}) is not allowed below level 3: the game allows |z_index| ≤ ${limit} (${guard.why}); it needs level 3`, 3);
      }
      return null;
    }
  }
}

export function godotFunctions(host: GodotApiHost, stats: GodotApiStats = { calls: 0, denied: 0 }): HostFunctionSpec[] {
  const { bridge, policy } = host;
  const limits = host.limits ?? DEFAULT_GODOT_LIMITS;
  const classes = new ClassCache(bridge);
  const binds: Bind[] = [{ className: '', method: '' }]; // bind 0 = none
  const bindIds = new Map<string, number>();

  const modOf = (ctx: HostCallContext): ModState => {
    const m = host.mod(ctx.instanceId);
    if (!m) throw new HostError(`godot.*: instance ${ctx.instanceId} (${ctx.mod}) was not loaded as a Godot mod (use WasGoEngine.load_mod)`);
    return m;
  };
  const deny = (what: string, d: Decision, level: SafetyLevel): never => {
    stats.denied++;
    const need = d.level === null ? 'no safety level allows it' : `it needs level ${d.level}`;
    throw new GodotPolicyDenied(`${what} is not allowed at safety level ${level}; ${need} (${d.reason})`, d.level);
  };
  /** Below level 3 a printed text over the cap is refused (UTF-16 length ≤ UTF-8 bytes ≤ 3 × it). */
  const capText = (ctx: HostCallContext, text: string, what: string): string => {
    if (ctx.level >= 3) return text;
    if (text.length > limits.maxValueBytes || (text.length * 3 > limits.maxValueBytes && new TextEncoder().encode(text).length > limits.maxValueBytes)) {
      throw new ValueTooLarge(`godot.${what}: ${text.length} characters; at most ${limits.maxValueBytes} bytes per call (maxValueBytes)`);
    }
    return text;
  };
  const name = (n: string, what: string): string => {
    if (n.length > MAX_NAME || !IDENT.test(n)) throw new GodotError(`${what} ${JSON.stringify(n.slice(0, 64))} is not a valid name`);
    return n;
  };
  /** Below level 3 a Node must be the mod's node or inside it. */
  const accessFor = (m: ModState, chain: readonly string[]): Access => ({
    subtreeOf: m.level < 3 && chain.includes('Node') ? m.modNode : '',
  });

  /** Checks the objects and paths Godot finds in the arguments; remembers the first refusal. */
  const checksFor = (m: ModState): ArgumentChecks & { refusal?: Error } => {
    const c: ArgumentChecks & { refusal?: Error } = {
      objectArg(handle: number): ObjectId | null {
        if (!m.handles.has(handle)) {
          c.refusal ??= new HandleError(`argument: ${handle} is not a live handle of this mod (invented, released, freed or another mod's)`);
          return null;
        }
        const e = m.handles.resolve(handle);
        const a = accessFor(m, e.chain);
        return a.subtreeOf ? `${e.id}:${a.subtreeOf}` : e.id;
      },
      pathArg(path: string): boolean {
        if (m.level >= 3 || policy.nodePathAllowed(path, m.level)) return true;
        stats.denied++;
        c.refusal ??= new GodotPolicyDenied(
          `node path ${JSON.stringify(path)} leaves the mod's subtree (absolute, '..' or /root); not allowed at safety level ${m.level}; it needs level 3`, 3);
        return false;
      },
      handleFor(id: ObjectId, chainCsv: string): number {
        const chain = chainCsv ? chainCsv.split(',') : ['Object'];
        classes.learn(chain);
        try {
          return m.handles.handleFor(id, chain);
        } catch (e) {
          c.refusal ??= e as Error;
          return NULL_HANDLE;
        }
      },
    };
    return c;
  };

  /** Refuses arguments over the per-call size cap before Godot sees them. */
  const capArgs = (args: Uint8Array, what: string, level: SafetyLevel): void => {
    if (level < 3 && args.length > limits.maxValueBytes) {
      throw new ValueTooLarge(`${what}: the arguments take ${args.length} bytes; at most ${limits.maxValueBytes} per call (maxValueBytes, wasgo/limits/max_value_kb)`);
    }
  };

  /**
   * Turns a bridge outcome into the result length (bytes into out) or the right error. The
   * result is charged per byte Godot produced (the linker charged only the out buffer's capacity).
   */
  const settle = (ctx: HostCallContext, m: ModState, target: HandleEntry | null, outcome: CallOutcome, checks: { refusal?: Error }, out: OutBuffer, what: string): number => {
    if (checks.refusal) throw checks.refusal;
    if (outcome.ok) {
      ctx.charge?.(outcome.value.length);
      out.write(outcome.value);
      return outcome.value.length;
    }
    switch (outcome.status) {
      case 'too_large':
        throw new ValueTooLarge(`${what}: the result is too large (${outcome.message}); at most ${limits.maxValueBytes} bytes and ${limits.maxResultItems} elements per call`);
      case 'z_range':
        stats.denied++;
        throw new GodotPolicyDenied(`${what}: ${outcome.message}; below level 3 every CanvasItem of the mod stays within z ±${limits.maxZIndex} of its node (wasgo/limits/max_z_index); it needs level 3`, 3);
      case 'not_owned':
        stats.denied++;
        throw new GodotPolicyDenied(`${what}: ${outcome.message || 'the node was not constructed by this mod'}; below level 3 a mod may free, rename, reparent, move or remove only nodes it constructed; it needs level 3`, 3);
      case 'freed':
        if (target) m.handles.drop(target.handle);
        throw new HandleError(`${what}: handle ${target?.handle ?? '?'} names an object that was freed`);
      case 'outside':
        stats.denied++;
        throw new GodotPolicyDenied(`${what}: the node is outside the mod's subtree; not allowed at safety level ${m.level}; it needs level 3`, 3);
      case 'refused':
        throw new GodotError(`${what}: an argument was refused: ${outcome.message}`);
      default:
        throw new GodotError(`${what}: ${outcome.message}`);
    }
  };

  /**
   * What a call of `method` on a `chain[0]` at `level` needs that does not change between calls,
   * worked out once: the policy's decision (a pure function of chain, method and level — the
   * policy cannot change while the engine runs), ClassDB's description, the shape the bridge
   * registers. Every call still consults the decision, resolves its handle and has Godot check
   * the subtree, the arguments' types, objects and paths.
   */
  const sites = new Map<string, CallSite>();
  const siteFor = (chain: readonly string[], method: string, level: SafetyLevel, isStatic: boolean): CallSite => {
    const key = `${level}|${isStatic ? 's' : 'o'}|${chain[0]}|${method}`;
    let site = sites.get(key);
    if (site) return site;
    const what = `${chain[0]}.${method}`;
    const decision = policy.methodDecision(chain, method, level);
    const info = decision.allowed ? classes.method(chain[0]!, method) : null;
    const owned = info && level < 3 ? `${info.owner}.${method}` : '';
    const guard = owned ? ARG_GUARDS[owned] ?? null : null;
    const growth = owned ? GROWTH_GUARDS[owned] : undefined;
    let shape: CallShape | null = null;
    if (info && (info.isStatic || !isStatic)) {
      const objectArgs: number[] = [];
      const pathArgs: number[] = [];
      info.args.forEach((t, i) => {
        if (t === VariantType.OBJECT) objectArgs.push(i);
        else if (t === VariantType.NODE_PATH) pathArgs.push(i);
      });
      shape = Object.freeze({
        staticClass: isStatic ? chain[0]! : '', method, objectArgs, pathArgs, allowRid: level >= 3,
        types: info.args, minArgs: info.args.length - info.defaults, maxArgs: info.vararg ? -1 : info.args.length,
        owned: owned ? OWNERSHIP[owned] ?? '' : '',
        growth: growth ? `${growth.counter}:${limits[growth.limit]}` : '',
        zcheck: owned && Z_GUARDS[owned] ? `${Z_GUARDS[owned]}:${limits.maxZIndex}` : '',
      });
    }
    site = { what, decision, guard, info, shape };
    // Only sites of methods that exist are kept (bounded by ClassDB × levels), never evicted: a
    // site's shape is what the bridge registers a plan for, so a new shape per call would grow
    // Godot's plan table. A denied or invented method is decided again each time (the policy
    // answers from its own data, without asking Godot).
    if (info) sites.set(key, site);
    return site;
  };

  /** The shared path of every method call: on an object handle, or static (handle = null, bindClass = the class). */
  const callMethod = (ctx: HostCallContext, handle: number | null, method: string, args: Uint8Array, out: OutBuffer, bindClass?: string): number => {
    const m = modOf(ctx);
    stats.calls++;
    const target = handle === null ? null : m.handles.resolve(handle, 'object');
    const chain = target ? target.chain : classes.chain(bindClass ?? '');
    if (!chain.length) throw new GodotError(`no class ${JSON.stringify(bindClass)} in ClassDB`);
    if (target && bindClass && chain[0] !== bindClass && !chain.includes(bindClass)) {
      throw new GodotError(`method bind ${bindClass}.${method} called on a ${chain[0]} (handle ${handle})`);
    }
    const site = siteFor(chain, method, m.level, !target);
    if (!site.info && target && policy.scriptMethods?.has(method)) return callScriptMethod(ctx, m, target, method, args, out);
    if (!site.decision.allowed) deny(site.what, site.decision, m.level);
    if (!site.info) throw new GodotError(`${site.what}: no such method`);
    if (!site.shape) throw new GodotError(`${site.what} is not a static method; call it on an object`);
    capArgs(args, site.what, m.level);
    if (site.guard) {
      const refused = guardError(site.guard, args, limits, site.what);
      if (refused) {
        if (refused instanceof GodotPolicyDenied) stats.denied++;
        throw refused;
      }
    }
    const checks = checksFor(m);
    const outcome = bridge.call(m.instance, site.shape, {
      object: target ? target.id : '', args, subtreeOf: target ? accessFor(m, target.chain).subtreeOf : '',
    }, checks);
    return settle(ctx, m, target, outcome, checks, out, site.what);
  };

  /**
   * A method of a game script class the game's policy additions name (not in ClassDB): its
   * script classes come from Godot, the decision from the policy; arguments go as for a vararg
   * method (plain values; objects stay handle ints), with the same subtree, size and result checks.
   */
  const scriptShapes = new Map<string, CallShape>();
  const callScriptMethod = (ctx: HostCallContext, m: ModState, target: HandleEntry, method: string, args: Uint8Array, out: OutBuffer): number => {
    const scripts = bridge.scriptClasses(target.id);
    const what = `${scripts[0] ?? target.chain[0]}.${method}`;
    const d = policy.scriptMethodDecision!(scripts, target.chain, method, m.level);
    if (!d.allowed) deny(what, d, m.level);
    capArgs(args, what, m.level);
    let shape = scriptShapes.get(method);
    if (!shape) {
      shape = Object.freeze({ staticClass: '', method, objectArgs: [], pathArgs: [], allowRid: false, types: [], minArgs: 0, maxArgs: -1, owned: '', growth: '', zcheck: '' });
      scriptShapes.set(method, shape); // bounded: only names in the game's additions get here
    }
    const checks = checksFor(m);
    const outcome = bridge.call(m.instance, shape, { object: target.id, args, subtreeOf: accessFor(m, target.chain).subtreeOf }, checks);
    return settle(ctx, m, target, outcome, checks, out, what);
  };

  const property = (ctx: HostCallContext, handle: number, prop: string, set: boolean, value: Uint8Array | null, out: OutBuffer | null): number => {
    const m = modOf(ctx);
    const target = m.handles.resolve(handle, 'object');
    name(prop, 'property');
    const accessor = classes.accessor(target.chain[0]!, prop, set);
    if (!accessor) {
      // No ClassDB accessor (script variables, dynamic properties): only Object.get/set reach it.
      const d = policy.methodDecision(target.chain, set ? 'set' : 'get', m.level);
      if (!d.allowed) deny(`${target.chain[0]}.${set ? 'set' : 'get'}(${JSON.stringify(prop)})`, d, m.level);
      return callMethod(ctx, handle, set ? 'set' : 'get', set ? arrayOf(stringValue(prop), value!) : arrayOf(stringValue(prop)), out ?? DISCARD);
    }
    const info = classes.method(target.chain[0]!, accessor);
    const expected = set ? 1 : 0;
    if (info && info.args.length !== expected) {
      throw new GodotError(`${target.chain[0]}.${prop} is an indexed property; call ${accessor} with its index`);
    }
    return callMethod(ctx, handle, accessor, set ? arrayOf(value!) : EMPTY_ARRAY, out ?? DISCARD);
  };

  // A guest looping over Godot calls runs out of fuel in proportion to the time they take: the
  // meter bills each call's measured duration; GODOT_CALL_COST adds what the clock cannot see.
  const g = { module: 'godot', level: 1, kind: 'core', cost: GODOT_CALL_COST } as const;
  return [
    { ...g, name: 'mod_node', params: [], result: 'i32', cost: 10, doc: "Handle of the mod's own node (always 1).",
      implementation: (ctx: HostCallContext) => (modOf(ctx), MOD_NODE_HANDLE) },
    { ...g, name: 'global_get_singleton', params: ['string'], result: 'i32',
      doc: 'Handle of an engine singleton (Input, Time, ...) the level allows; 0 when there is no such singleton.',
      implementation: (ctx: HostCallContext, singleton: string) => {
        const m = modOf(ctx);
        name(singleton, 'singleton');
        const d = policy.singletonDecision(singleton, m.level);
        if (!d.allowed) deny(`singleton ${singleton}`, d, m.level);
        const s = bridge.getSingleton(singleton);
        if (!s) return NULL_HANDLE;
        return m.handles.handleFor(s.id, classes.chain(s.className));
      } },
    { ...g, name: 'classdb_get_method_bind', params: ['string', 'string'], result: 'i32',
      doc: 'A bind id for (class, method), 0 when ClassDB has no such method. Whether a call is allowed is decided at call time.',
      implementation: (ctx: HostCallContext, className: string, method: string) => {
        const m = modOf(ctx);
        name(className, 'class');
        name(method, 'method');
        const key = `${className}.${method}`;
        const known = bindIds.get(key);
        if (known !== undefined) return known;
        // The policy first, on its own ClassDB data: a denied or unknown (class, method) is
        // refused at once, without asking Godot (no ClassDB walk, nothing cached).
        const d = policy.methodDecision(ancestry(className) ?? [className], method, m.level);
        if (!d.allowed) deny(`method bind ${className}.${method}`, d, m.level);
        if (!classes.chain(className).length || !classes.method(className, method)) return 0;
        if (binds.length > MAX_CACHE_ENTRIES * 8) throw new ObjectLimit(`classdb_get_method_bind: ${binds.length - 1} method binds exist; no more`);
        binds.push({ className, method });
        bindIds.set(key, binds.length - 1);
        return binds.length - 1;
      } },
    { ...g, name: 'object_method_bind_call', params: ['i32', 'i32', 'bytes', 'out'], result: 'i32',
      doc: 'Calls a bind on an object handle; args = var_to_bytes(Array) with objects as handle ints; writes var_to_bytes(result) into out, returns its full length.',
      implementation: (ctx: HostCallContext, bind: number, handle: number, args: Uint8Array, out: OutBuffer) => {
        const b = bind > 0 ? binds[bind] : undefined;
        if (!b) throw new GodotError(`object_method_bind_call: ${bind} is not a method bind`);
        return callMethod(ctx, handle, b.method, args, out, b.className);
      } },
    { ...g, name: 'object_call', params: ['i32', 'string', 'bytes', 'out'], result: 'i32',
      doc: 'Calls a method by name on an object handle (object_method_bind_call without the bind).',
      implementation: (ctx: HostCallContext, handle: number, method: string, args: Uint8Array, out: OutBuffer) =>
        callMethod(ctx, handle, name(method, 'method'), args, out) },
    { ...g, name: 'classdb_call_static', params: ['string', 'string', 'bytes', 'out'], result: 'i32',
      doc: 'Calls a static method of a class (FileAccess.file_exists, ...), like object_call.',
      implementation: (ctx: HostCallContext, className: string, method: string, args: Uint8Array, out: OutBuffer) =>
        callMethod(ctx, null, name(method, 'method'), args, out, name(className, 'class')) },
    { ...g, name: 'object_get', params: ['i32', 'string', 'out'], result: 'i32',
      doc: "Reads a property through its ClassDB getter (the policy decides on the getter's name); var_to_bytes into out.",
      implementation: (ctx: HostCallContext, handle: number, prop: string, out: OutBuffer) => property(ctx, handle, prop, false, null, out) },
    { ...g, name: 'object_set', params: ['i32', 'string', 'bytes'], result: 'void',
      doc: "Sets a property through its ClassDB setter (the policy decides on the setter's name); value = var_to_bytes(value).",
      implementation: (ctx: HostCallContext, handle: number, prop: string, value: Uint8Array) => void property(ctx, handle, prop, true, value, null) },
    { ...g, name: 'object_get_class', params: ['i32', 'out'], result: 'i32',
      doc: "The object's native class name (UTF-8) into out; returns its full length.",
      implementation: (ctx: HostCallContext, handle: number, out: OutBuffer) => {
        const bytes = new TextEncoder().encode(modOf(ctx).handles.resolve(handle).chain[0]!);
        out.write(bytes);
        return bytes.length;
      } },
    { ...g, name: 'object_is_valid', params: ['i32'], result: 'i32',
      doc: '1 when the handle is live and its object exists, 0 otherwise (never an error; a freed object\'s handle is dropped).',
      implementation: (ctx: HostCallContext, handle: number) => {
        const m = modOf(ctx);
        if (!m.handles.has(handle)) return 0;
        const e = m.handles.resolve(handle);
        if (bridge.objectStatus(e.id, { subtreeOf: '' }) === 'freed') {
          m.handles.drop(handle);
          return 0;
        }
        return 1;
      } },
    { ...g, name: 'classdb_construct_object', params: ['string'], result: 'i32',
      doc: 'Constructs an object of a class the level allows; returns its handle.',
      implementation: (ctx: HostCallContext, className: string) => {
        const m = modOf(ctx);
        name(className, 'class');
        const d = policy.constructDecision(className, m.level);
        if (!d.allowed) deny(`constructing ${className}`, d, m.level);
        const o = bridge.construct(m.instance, className, limits.maxObjects);
        if (o === 'limit') {
          throw new ObjectLimit(`constructing ${className}: the mod has ${limits.maxObjects} live objects it constructed (maxObjects, wasgo/limits/max_objects); free some (queue_free) first — releasing a handle does not free its object`);
        }
        if (!o) throw new GodotError(`cannot construct ${className} (no such class, or not instantiable)`);
        return m.handles.handleFor(o.id, classes.chain(o.className));
      } },
    { ...g, name: 'handle_release', params: ['i32'], result: 'void',
      doc: "Forgets a handle (the mod's node cannot be released); its number is never reused.",
      implementation: (ctx: HostCallContext, handle: number) => {
        const m = modOf(ctx);
        if (handle === MOD_NODE_HANDLE) return;
        const e = m.handles.drop(handle);
        if (e) bridge.release(m.instance, e.id);
      } },
    { ...g, name: 'variant_utility_call', params: ['string', 'bytes', 'out'], result: 'i32',
      doc: 'A @GlobalScope utility function (randf, lerp, clamp, ...) the level allows; args as for calls; result into out.',
      implementation: (ctx: HostCallContext, fn: string, args: Uint8Array, out: OutBuffer) => {
        const m = modOf(ctx);
        stats.calls++;
        name(fn, 'utility function');
        const d = policy.utilityDecision(fn, m.level);
        if (!d.allowed) deny(`utility function ${fn}`, d, m.level);
        capArgs(args, `utility function ${fn}`, m.level);
        const checks = checksFor(m);
        return settle(ctx, m, null, bridge.utility(m.instance, fn, args, checks, m.level < 3), checks, out, fn);
      } },
    { ...g, name: 'object_connect', params: ['i32', 'string', 'string', 'i32', 'i32'], result: 'i32',
      doc: "Connects a signal of an object the mod may reach to one of its exports (called inline, under the fuel budget, when the signal fires); with a buffer (ptr, capacity > 0) the export gets var_to_bytes of the arguments there and their length, else the arguments as numbers. Returns the connection (> 0).",
      implementation: (ctx: HostCallContext, handle: number, signal: string, exportName: string, buffer: number, capacity: number) => {
        const m = modOf(ctx);
        const target = m.handles.resolve(handle, 'object');
        name(signal, 'signal');
        name(exportName, 'export');
        const what = `connecting ${target.chain[0]}.${signal}`;
        const d = policy.signalDecision(target.chain, signal, m.level);
        if (!d.allowed) deny(what, d, m.level);
        try {
          return host.signals.connect(m.instance, m.handles, target, signal, exportName, buffer, capacity, accessFor(m, target.chain));
        } catch (e) {
          if (!(e instanceof ConnectRefused)) throw e;
          switch (e.status) {
            case 'freed':
              m.handles.drop(target.handle);
              throw new HandleError(`${what}: handle ${target.handle} names an object that was freed`);
            case 'outside':
              stats.denied++;
              throw new GodotPolicyDenied(`${what}: the node is outside the mod's subtree; not allowed at safety level ${m.level}; it needs level 3`, 3);
            default:
              throw new GodotError(`${what}: ${target.chain[0]} has no signal ${signal}`);
          }
        }
      } },
    { ...g, name: 'object_disconnect', params: ['i32'], result: 'i32',
      doc: 'Disconnects one of the mod\'s connections; 1 when it was connected, 0 otherwise (never an error).',
      implementation: (ctx: HostCallContext, connection: number) => (host.signals.disconnect(modOf(ctx).instance, connection) ? 1 : 0) },
    { ...g, name: 'print', params: ['string'], result: 'void', doc: "A line to the game's output and the mod's printed signal.",
      implementation: (ctx: HostCallContext, text: string) => host.printed(ctx, capText(ctx, text, 'print')) },
    { ...g, name: 'print_error', params: ['string'], result: 'void', doc: "A non-fatal error: Godot's error output (with the mod's name) and the printed signal.",
      implementation: (ctx: HostCallContext, text: string) => host.printedError(ctx, capText(ctx, text, 'print_error')) },
  ];
}

const DISCARD: OutBuffer = { capacity: 0, write: () => 0 };
