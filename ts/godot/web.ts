/**
 * `WasGo.godot`: what the WasGoEngine autoload (addons/wasgo/wasgo_engine.gd) calls through
 * JavaScriptBridge. Only strings, numbers and booleans cross (GDScript's Arrays, Dictionaries
 * and PackedByteArrays arrive in JS as undefined): bytes as base64, structured values as JSON,
 * 64-bit values as strings. Answers that can fail are JSON `{ ok: true, ... }` or
 * `{ ok: false, code, errno, message, levelNeeded }`.
 */
import { calibration } from '../engine/calibrate';
import { HostError, RegistrationError, SettingsError, WasGoError } from '../engine/errors';
import type { WasmValue } from '../engine/instance';
import type { SafetyLevel, WasGoSettings } from '../engine/settings';
import { VERSION } from '../version';
import { createPolicy } from './policy';
import { levelNeededOf } from './errors';
import { GodotHost } from './host';
import type { GameParam, GameResult } from './game-functions';
import { additionsOf, parseGameApi } from './game-api-data';
import { WriteConfirmer } from './platform';
import { arrayOf, boolValue, floatValue, fromBase64, intValue, nilValue, toBase64, vector2Value } from './variant';
import { WebBridge, type GodotCallCallback, type GodotCallback } from './web-bridge';

let bridge: WebBridge | undefined;
let host: GodotHost | undefined;
let confirmer: WriteConfirmer | undefined;

function attached(): GodotHost {
  if (!host) throw new Error('WasGo.godot.attach(callback, settings) was not called');
  return host;
}

function failure(e: unknown): string {
  if (e instanceof WasGoError) {
    return JSON.stringify({ ok: false, code: e.code, errno: e.errno, message: e.describe(), levelNeeded: levelNeededOf(e) });
  }
  return JSON.stringify({ ok: false, code: 'Error', errno: 1, message: (e as Error)?.message ?? String(e), levelNeeded: null });
}

function answer(fn: () => Record<string, unknown>): string {
  try {
    return JSON.stringify({ ok: true, ...fn() });
  } catch (e) {
    return failure(e);
  }
}

/**
 * Runs `fn` for a function GDScript calls and swallows any exception: a JS exception thrown
 * back into a JavaScriptObject call would unwind Godot's C++ and GDScript frames without their
 * cleanup (issue 9). Functions with an answer use `answer` (which turns it into `{ ok: false }`).
 */
function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Results as strings: JSON numbers become floats in GDScript, and i64 needs all 64 bits. */
function wasmValue(v: WasmValue | undefined): string | null {
  return v === undefined ? null : String(v);
}

/**
 * Attaches Godot: `callback` executes bridge operations, `callCallback` method calls (see
 * web-bridge.ts); settings are read_settings() as JSON.
 */
export function attach(callback: GodotCallback, settingsJson: string, callCallback: GodotCallCallback, apiJson = '', apiSource = 'wasgo/api/resource'): string {
  return answer(() => {
    detach();
    if (typeof callCallback !== 'function') throw new Error('WasGo.godot.attach needs the call callback (an older wasgo_engine.gd?)');
    // The game's declarative API (the WasGoApi resource as plain data): its policy additions
    // are part of the policy from the start; an invalid one (e.g. opening a denied method below
    // level 3) stops the engine from starting, with the rule's name. Its functions are
    // registered by GDScript next (it holds their targets).
    const api = apiJson ? parseGameApi(JSON.parse(apiJson), apiSource) : undefined;
    const policy = api ? policyOf(api.additions, apiSource) : createPolicy();
    bridge = new WebBridge(callback, callCallback);
    const b = bridge;
    confirmer = new WriteConfirmer((request, mod, path, bytes) => b.confirm(request, mod, path, bytes));
    host = new GodotHost(bridge, policy, confirmer);
    const settings = JSON.parse(settingsJson || '{}') as Partial<WasGoSettings> & Record<string, unknown>;
    host.attach(settings);
    return { version: VERSION, settings: { ...host.engine.settings, confirmWrite: undefined }, limits: host.limits };
  });
}

/** The policy with the game's additions; a refused addition names where it came from. */
function policyOf(additions: Parameters<typeof additionsOf>[0], source: string): ReturnType<typeof createPolicy> {
  try {
    return createPolicy(additionsOf(additions));
  } catch (e) {
    if (e instanceof SettingsError) throw new SettingsError(`${source}: ${e.message}`);
    throw e;
  }
}

/**
 * Godot is quitting (or attaching again): never call the old callback again — a pending
 * worker or package load finishing later would call into a Godot instance that is gone.
 */
export function detach(): void {
  bridge?.close();
  try {
    host?.detach();
  } catch {
    // disposing failed halfway: the engine is dropped anyway, nothing may reach Godot's frames
  } finally {
    host = undefined;
    bridge = undefined;
    confirmer = undefined;
  }
}

/** Compiles and instantiates a mod synchronously; `{ ok, id }`. */
export function loadMod(base64: string, name: string, nodeId: string, nodeClass: string, level: number): string {
  return answer(() => {
    const options = { name, level: level >= 1 && level <= 3 ? (level as SafetyLevel) : undefined };
    const id = attached().loadMod(fromBase64(base64), nodeId, nodeClass, options);
    const inst = attached().instance(id);
    return { id, level: inst.level, exports: inst.functions.filter((f) => !f.startsWith('__wasgo')), metered: inst.metered };
  });
}

/**
 * Registers a game function (WasGoEngine.register_function): `id` numbers its Callable on the
 * Godot side, `params` is a JSON array of kinds; `{ ok }` or a RegistrationError.
 */
export function registerFunction(id: number, module: string, name: string, params: string, result: string, level: number): string {
  return answer(() => {
    // A JSON array, not a csv: a kind such as "i32,i32" or "" must reach checkDecl as one bad
    // kind (GDScript keeps the array it was given and would disagree on the count).
    const kinds: unknown = JSON.parse(params || '[]');
    if (!Array.isArray(kinds)) throw new RegistrationError(`${module}.${name}: params must be an array of kinds`);
    attached().gameApi.register(id, { module, name, params: kinds as GameParam[], result: result as GameResult, level: level as SafetyLevel });
    return {};
  });
}

/** Removes a game function; `{ ok, removed }` (false when the game had not registered it). */
export function unregisterFunction(module: string, name: string): string {
  return answer(() => ({ removed: attached().gameApi.unregister(module, name) }));
}

/** Calls an export inline: args JSON array of numbers (i64 as strings); `{ ok, value }`. */
export function call(id: number, name: string, argsJson: string, fuel: number): string {
  return answer(() => {
    const h = attached();
    const inst = h.instance(id);
    const type = inst.info.exports.find((e) => e.name === name)?.type;
    const raw = JSON.parse(argsJson || '[]') as unknown[];
    const args = raw.map((a, i) => (type?.params[i] === 'i64' ? BigInt(a as string | number) : Number(a)));
    const value = h.callExport(id, name, args, fuel > 0 ? fuel : undefined);
    return { value: wasmValue(value), type: type?.results[0] ?? null, fuel: inst.lastCallFuel };
  });
}

/** Runs main (worker when available, else inline); `finished` comes as a notify event. */
export function start(id: number, argsJson: string, preferWorker: boolean): string {
  return answer(() => ({ mode: attached().start(id, JSON.parse(argsJson || '[]') as string[], Boolean(preferWorker)) }));
}

/** Starts loading an ANT.zip (asynchronous: `loaded` or `errored` follows as a game event); `{ ok, id }`. */
export function loadPackage(base64: string, name: string, nodeId: string, nodeClass: string, level: number): string {
  return answer(() => ({
    id: attached().loadPackage(fromBase64(base64), {
      name, level: level >= 1 && level <= 3 ? (level as SafetyLevel) : undefined,
      node: nodeId ? { id: nodeId, className: nodeClass } : undefined,
    }),
  }));
}

/** Calls an export of one module of a loaded game (Game Phase only); `{ ok, value, type }`. */
export function callGame(game: number, moduleId: number, name: string, argsJson: string): string {
  return answer(() => {
    const g = attached().game(game);
    const m = g.module(moduleId);
    const type = m?.instance.info.exports.find((e) => e.name === name)?.type;
    const raw = JSON.parse(argsJson || '[]') as unknown[];
    const args = raw.map((a, i) => (type?.params[i] === 'i64' ? BigInt(a as string | number) : Number(a)));
    return { value: wasmValue(g.call(moduleId, name, args)), type: type?.results[0] ?? null };
  });
}

export function gamePhase(game: number): string {
  try {
    return attached().game(game).phase;
  } catch {
    return 'unloaded';
  }
}

export function disposeGame(game: number): void {
  safely(() => host?.disposeGame(game), undefined);
}

export function kill(id: number): void {
  safely(() => host?.kill(id), undefined);
}

export function dispose(id: number): void {
  safely(() => host?.dispose(id), undefined);
}

export function state(id: number): string {
  return safely(() => (host?.mod(id) ? attached().instance(id).state : 'disposed'), 'disposed');
}

/** GDScript's answer to a bridge operation (see web-bridge.ts). */
export function reply(s: string, v: unknown, m: string, c: string): void {
  bridge?.reply(s, v, m, c);
}

/** GDScript's answer to a method call: its result (base64 of var_to_bytes). */
export function ok(v: string): void {
  bridge?.ok(v);
}

/**
 * GDScript's answer to a method call with a plain result, as numbers (a String costs more to
 * cross than the encoding costs here): nil, a Vector2, a float, an int (within ±2^53), a bool.
 */
export function okNil(): void {
  bridge?.okValue(nilValue());
}

export function okVector2(x: number, y: number): void {
  bridge?.okValue(vector2Value(x, y));
}

export function okFloat(d: number): void {
  bridge?.okValue(floatValue(d));
}

export function okInt(n: number): void {
  bridge?.okValue(Number.isSafeInteger(n) ? intValue(n) : floatValue(n));
}

export function okBool(b: boolean): void {
  bridge?.okValue(boolValue(Boolean(b)));
}

/** GDScript's answer to a method call that did not happen: why (BridgeStatus) and a message. */
export function fail(s: string, m: string): void {
  bridge?.fail(s, m);
}

/** GDScript → JS during a bridge call (see web-bridge.ts). */
export function objectArg(handle: number): string {
  return bridge ? bridge.objectArg(handle) : '';
}

export function pathArg(path: string): boolean {
  return bridge ? bridge.pathArg(path) : false;
}

export function handleFor(id: string, chain: string): number {
  return bridge ? bridge.handleFor(id, chain) : 0;
}

/** A connected signal fired: `args` is base64 of var_to_bytes(Array of its arguments, objects as handles). */
export function signal(connection: number, args: string): void {
  // Called from Godot's frames: nothing may unwind through them (deliver catches too).
  try {
    host?.signals.deliver(connection, fromBase64(args));
  } catch {
    // bad base64 from our own GDScript, or the stack is exhausted: nothing to deliver
  }
}

/** A handle, for the mod owning `connection`, for an object in a signal's arguments. */
export function signalHandle(connection: number, id: string, chain: string): number {
  try {
    return host ? host.signals.handleFor(connection, id, chain ? chain.split(',') : ['Object']) : 0;
  } catch {
    return 0;
  }
}

/** A write-confirmation dialog's answer. */
export function confirmed(request: number, ok: boolean): void {
  safely(() => confirmer?.answer(request, Boolean(ok)), undefined);
}

/** Counters: guest → Godot calls, denials, bridge operations; live mods and instances, guest memory reserved, re-entry depth now. */
export function stats(): string {
  return safely(() => JSON.stringify({
    ...(host?.stats ?? { calls: 0, denied: 0 }), ops: bridge?.ops ?? 0, ...(host?.counters() ?? {}), modsTotal: host?.modTotals() ?? {},
  }), '{}');
}

/** One mod's counters (WasGoMod.stats()): `{ ok, calls, godotCalls, gameCalls, denied, hostMs, fuelUsed, memoryBytes, handles }`. */
export function modStats(id: number): string {
  return answer(() => {
    const s = attached().modStats(id);
    if (!s) throw new HostError(`no mod instance ${id} (disposed?)`);
    return { ...s };
  });
}

/**
 * Measures the bridge: µs per empty round trip (TypeScript → GDScript → TypeScript) through the
 * operations callback (`noopUs`: op name dispatch, answer Dictionary, reply with 4 values) and
 * through the calls callback (`pingUs`: 3 numbers in, ok("") back — the floor of a call).
 */
export function measureBridge(n: number): string {
  if (!bridge) return JSON.stringify({ ok: false });
  const b = bridge;
  const time = (f: () => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    return ((performance.now() - t0) * 1000) / n;
  };
  const args = toBase64(arrayOf(new Uint8Array([5, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64]))); // [Vector2(1, 2)]
  return JSON.stringify({ ok: true, noopUs: time(() => b.noop()), pingUs: time(() => b.ping()), pingArgsUs: time(() => b.ping(args)) });
}

/**
 * The engine's calibration of host-call pricing (docs/limits.md "Host calls"): fuel units per ns
 * of host time, the floor every host call pays, and k = ns per unit — what a budget means in time.
 */
export function meterCalibration(): string {
  const c = calibration();
  return JSON.stringify({ unitsPerNs: c.unitsPerNs, nsPerUnit: 1 / c.unitsPerNs, hostFloor: c.hostFloor, measured: c.measured });
}
