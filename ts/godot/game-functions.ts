/**
 * The game's own modding API, defined from Godot: functions a game script registers
 * (WasGoEngine.register_function, or the WasGoApi resource) become entries of the engine's
 * function table like any other host function — one name, registered once at its lowest level,
 * priced like every host call (the floor, GAME_CALL_COST, the bytes moved and the measured
 * time). A call encodes the mod's arguments as Godot values, has the bridge run the game's
 * Callable (Godot checks a `node` argument lies in the mod's subtree in the same round trip),
 * and checks the returned value's type. See docs/godot.md ("Offer your game's API to mods").
 */
import { GodotPolicyDenied } from './errors';
import { HandleError, HostError, RegistrationError, ValueTooLarge } from '../engine/errors';
import type { GodotLimits } from './limits';
import { LEVELS, type SafetyLevel } from '../engine/settings';
import type { HostCallContext, HostFunctionSpec, OutBuffer, ParamKind, ResultKind } from '../table/host-function';
import type { GameCallOutcome, GodotBridge, ObjectId } from './bridge';
import { GODOT_CALL_COST, type ModState } from './api';
import { arrayOf, floatValue, intValue, stringValue } from './variant';

/** What a parameter is to the game (GDScript) — each maps to one ABI kind (GAME_PARAM_ABI). */
export type GameParam = 'i32' | 'i64' | 'f32' | 'f64' | 'string' | 'bytes' | 'variant' | 'node';
/** What the game's function returns ('' = nothing). */
export type GameResult = '' | 'i32' | 'i64' | 'f32' | 'f64' | 'string' | 'bytes' | 'variant';

export const GAME_PARAMS: readonly GameParam[] = ['i32', 'i64', 'f32', 'f64', 'string', 'bytes', 'variant', 'node'];
export const GAME_RESULTS: readonly GameResult[] = ['', 'i32', 'i64', 'f32', 'f64', 'string', 'bytes', 'variant'];

/**
 * The guest side of each kind: `string` is UTF-8 (ptr, len); `bytes` and `variant` are (ptr,
 * len) — a variant holds var_to_bytes of one Godot value (no objects); `node` is a handle (i32).
 */
const GAME_PARAM_ABI: Readonly<Record<GameParam, ParamKind>> = {
  i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64', string: 'string', bytes: 'bytes', variant: 'bytes', node: 'i32',
};

/** Fuel declared per call, like a Godot call (the round trip into GDScript is measured and billed on top). */
export const GAME_CALL_COST = GODOT_CALL_COST;

export interface GameFunctionDecl {
  module: string;
  name: string;
  params: readonly GameParam[];
  result: GameResult;
  level: SafetyLevel;
  /** One line for `wasgo inspect` (optional). */
  doc?: string | undefined;
}

/** The ABI of a declared function: string/bytes/variant results come through a trailing `out` buffer, the call returns their full length (i32). */
export function gameAbi(d: Pick<GameFunctionDecl, 'params' | 'result'>): { params: ParamKind[]; result: ResultKind } {
  const params = d.params.map((p) => GAME_PARAM_ABI[p]);
  if (d.result === 'string' || d.result === 'bytes' || d.result === 'variant') return { params: [...params, 'out'], result: 'i32' };
  return { params, result: d.result === '' ? 'void' : d.result };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Modules the engine owns: a game may not add names to them. */
const RESERVED_MODULES = new Set(['wasgo', 'godot', 'env', 'ant', 'wasi_snapshot_preview1', 'wasi_unstable']);

/** Checks a declaration (names, kinds, level); RegistrationError naming what is wrong. */
export function checkDecl(d: GameFunctionDecl): void {
  const key = `${d.module}.${d.name}`;
  if (typeof d.module !== 'string' || !IDENT.test(d.module) || d.module.length > 64) throw new RegistrationError(`${key}: the module must be an identifier (letters, digits, _)`);
  if (typeof d.name !== 'string' || !IDENT.test(d.name) || d.name.length > 128) throw new RegistrationError(`${key}: the name must be an identifier (letters, digits, _)`);
  if (RESERVED_MODULES.has(d.module)) throw new RegistrationError(`${key}: module ${d.module} belongs to WasGo; use the game's own module name (e.g. "game")`);
  if (!Array.isArray(d.params) || d.params.length > 16) throw new RegistrationError(`${key}: at most 16 parameters`);
  d.params.forEach((p, i) => {
    if (!GAME_PARAMS.includes(p)) throw new RegistrationError(`${key}: parameter ${i + 1} has kind ${JSON.stringify(p)}; kinds are ${GAME_PARAMS.join(', ')}`);
  });
  if (!GAME_RESULTS.includes(d.result)) throw new RegistrationError(`${key}: result kind ${JSON.stringify(d.result)}; kinds are ${GAME_RESULTS.filter(Boolean).join(', ')} or "" (none)`);
  if (!LEVELS.includes(d.level)) throw new RegistrationError(`${key}: level must be 1, 2 or 3`);
}

/** What the game API needs from its host (GodotHost). */
export interface GameApiHost {
  readonly bridge: GodotBridge;
  /** maxValueBytes caps the arguments below level 3, as for Godot calls. */
  readonly limits: GodotLimits;
  mod(instance: number): ModState | undefined;
  register(spec: HostFunctionSpec): void;
  unregister(module: string, name: string): boolean;
}

/** One registered function: the number of its Callable on the Godot side, and its declaration. */
export interface GameFunctionEntry {
  readonly id: number;
  readonly decl: GameFunctionDecl;
}

/** The functions the game registered; each call goes through the bridge to its Callable (by id). */
export class GameApi {
  private readonly entries = new Map<string, GameFunctionEntry>();

  constructor(private readonly host: GameApiHost) {}

  /** Registers `d` under `id` (the Callable's number on the Godot side). RegistrationError when invalid or already registered. */
  register(id: number, d: GameFunctionDecl): void {
    checkDecl(d);
    const key = `${d.module}.${d.name}`;
    const entry: GameFunctionEntry = { id, decl: { ...d, params: [...d.params] } };
    const abi = gameAbi(d);
    this.host.register({
      module: d.module, name: d.name, params: abi.params, result: abi.result, level: d.level, kind: 'core', cost: GAME_CALL_COST,
      doc: d.doc ?? `The game's ${key}(${d.params.join(', ')})${d.result ? ` -> ${d.result}` : ''}.`,
      implementation: (ctx: HostCallContext, ...args: unknown[]) => this.call(key, entry, ctx, args),
    });
    this.entries.set(key, entry);
  }

  /** Removes a function the game registered: false when it did not register one by that name. Mods linked to it fail with HostError when they call it. */
  unregister(module: string, name: string): boolean {
    const key = `${module}.${name}`;
    if (!this.entries.delete(key)) return false;
    this.host.unregister(module, name);
    return true;
  }

  list(): GameFunctionEntry[] {
    return [...this.entries.values()];
  }

  clear(): void {
    this.entries.clear();
  }

  private call(key: string, entry: GameFunctionEntry, ctx: HostCallContext, args: unknown[]): number | bigint | undefined {
    // Unregistered since the mod was linked: the table no longer has it, neither may the call.
    if (this.entries.get(key) !== entry) throw new HostError(`${key}: the game unregistered this function`);
    const { decl } = entry;
    const m = this.host.mod(ctx.instanceId);
    const encoded: Uint8Array[] = [];
    let subtreeOf: ObjectId | '' = '';
    decl.params.forEach((kind, i) => {
      const a = args[i];
      switch (kind) {
        case 'i32': encoded.push(intValue(a as number)); break;
        case 'i64': encoded.push(int64Value(a as bigint)); break;
        case 'f32': case 'f64': encoded.push(floatValue(a as number)); break;
        case 'string': encoded.push(stringValue(a as string)); break;
        case 'bytes': case 'variant': encoded.push(packedBytes(a as Uint8Array)); break;
        case 'node': {
          if (!m) throw new HostError(`${key}: argument ${i + 1} is a node, but this instance has no node (load it with WasGoEngine.load_mod, or load_package with a node)`);
          const e = m.handles.resolve(a as number, 'object');
          if (!e.chain.includes('Node')) throw new HandleError(`${key}: argument ${i + 1}: handle ${e.handle} names a ${e.chain[0]}, not a Node`);
          if (m.level < 3) subtreeOf = m.modNode;
          encoded.push(int64Value(BigInt(e.id)));
          break;
        }
      }
    });
    const payload = arrayOf(...encoded);
    const cap = this.host.limits.maxValueBytes;
    const capped = ctx.level < 3;
    if (capped && payload.length > cap) {
      throw new ValueTooLarge(`${key}: the arguments take ${payload.length} bytes; at most ${cap} per call below level 3 (maxValueBytes, wasgo/limits/max_value_kb)`);
    }
    // Below level 3 the result is capped like a Godot call's: Godot refuses it before serializing.
    const outcome = this.host.bridge.callGame(entry.id, ctx.instanceId, payload, subtreeOf, capped);
    return this.settle(key, decl, m, ctx, outcome, args[decl.params.length] as OutBuffer | undefined, capped);
  }

  private settle(key: string, d: GameFunctionDecl, m: ModState | undefined, ctx: HostCallContext, o: GameCallOutcome, out: OutBuffer | undefined, capped: boolean): number | bigint | undefined {
    const { maxValueBytes: cap, maxResultItems } = this.host.limits;
    const tooLarge = (size: string): never => {
      throw new ValueTooLarge(`${key}: the game's function returned ${size}; at most ${cap} bytes (and ${maxResultItems} elements) per call below level 3 (maxValueBytes, wasgo/limits/max_value_kb)`);
    };
    if (!o.ok) {
      switch (o.status) {
        case 'outside':
          throw new GodotPolicyDenied(`${key}: ${o.message}: the node is outside the mod's subtree; not allowed at safety level ${m?.level ?? ctx.level}; it needs level 3`, 3);
        case 'freed':
          throw new HandleError(`${key}: ${o.message}`);
        case 'too_large':
          return tooLarge(o.message);
        case 'type':
          throw new HostError(`${key}: the game's function returned ${o.message}, not ${d.result === '' ? 'nothing' : `a ${d.result}`}`);
        default:
          throw new HostError(`${key} failed in the game: ${o.message}`);
      }
    }
    const v = o.value;
    const wrong = (what: string): never => {
      throw new HostError(`${key}: the game's function returned ${what}, not ${d.result === '' ? 'nothing' : `a ${d.result}`}`);
    };
    switch (d.result) {
      case '': return undefined;
      case 'i32': {
        const n = Number(v);
        if (typeof v !== 'string' || !/^-?\d+$/.test(v) || !Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) wrong(typeof v === 'string' ? v : String(v));
        return n;
      }
      case 'i64': {
        if (typeof v !== 'string' || !/^-?\d+$/.test(v)) wrong(String(v));
        return BigInt.asIntN(64, BigInt(v as string));
      }
      case 'f32': case 'f64':
        if (typeof v !== 'number') wrong(String(v));
        return v as number;
      default: {
        if (!(v instanceof Uint8Array)) wrong(String(v));
        const bytes = v as Uint8Array;
        // Also here: a bridge that did not cap (or a value just over once encoded) never reaches the mod.
        if (capped && bytes.length > cap) tooLarge(`${bytes.length} bytes`);
        ctx.charge?.(bytes.length);
        out?.write(bytes);
        return bytes.length;
      }
    }
  }
}

/** var_to_bytes of an int that may need all 64 bits. */
function int64Value(v: bigint): Uint8Array {
  if (v >= -0x80000000n && v <= 0x7fffffffn) return intValue(Number(v));
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, 2 | (1 << 16), true);
  view.setBigInt64(4, BigInt.asIntN(64, v), true);
  return out;
}

/** var_to_bytes(PackedByteArray). */
function packedBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + Math.ceil(bytes.length / 4) * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, 29, true);
  view.setUint32(4, bytes.length, true);
  out.set(bytes, 8);
  return out;
}
