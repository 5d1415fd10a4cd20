/**
 * Signal connections: a mod connects a signal of an object it may reach to one of its own
 * exports (godot.object_connect, docs/abi.md); when the signal fires, Godot tells TypeScript
 * (WasGo.godot.signal) and the export is called inline, under the fuel budget, with the
 * signal's arguments. api.ts decides whether a connection is allowed (policy, handle,
 * subtree); this keeps the connections and delivers.
 *
 * Two ways to receive the arguments, chosen at connect time:
 * - no buffer (capacity 0): the export's parameters get the first arguments as numbers — bool,
 *   int and float as themselves, an object as its handle, null as 0 — converted to the
 *   parameter's wasm type; missing arguments are 0, extra ones are dropped; an argument of
 *   another type (String, Vector2, ...) for a parameter fails the call (GodotError);
 * - a buffer (ptr, capacity > 0) in the mod's memory: var_to_bytes of the Array of all the
 *   arguments (objects as handles) is written there (cut at the capacity) and the export gets
 *   one i32: the full length.
 */
import { GodotError, HostError, InternalError, ObjectLimit, ReentrancyLimit, StackOverflow, WasGoError } from '../engine/errors';
import type { WasGoInstance, WasmValue } from '../engine/instance';
import type { Access, BridgeStatus, GodotBridge, ObjectId } from './bridge';
import type { HandleEntry, InstanceHandles } from './handles';

/** Most connections one mod may hold at once (default of GodotLimits.maxConnections). */
export const MAX_CONNECTIONS = 1024;

/**
 * Host → guest entries on the JS stack: signal deliveries and game-script calls into a mod made
 * while a Godot call is running (one counter for all mods: they share one stack). Past `max` the
 * entry is refused with ReentrancyLimit before any guest code runs, so recursion through
 * Godot's frames (a renamed handler renaming again) ends long before the JS stack does.
 */
export class Reentry {
  depth = 0;
  constructor(public max = 8) {}

  /** Runs `fn` one level deeper; ReentrancyLimit (nothing run) when already `max` deep. */
  enter<T>(what: string, fn: () => T): T {
    if (this.depth >= this.max) {
      throw new ReentrancyLimit(`${what}: ${this.depth} host → guest entries are already running (signals delivered into mods inside Godot calls); at most ${this.max} (wasgo/limits/max_reentry_depth)`);
    }
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }
}

/** Any exception as a WasGoError (a JS stack overflow as StackOverflow). */
export function asWasGoError(e: unknown, what: string): WasGoError {
  if (e instanceof WasGoError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new StackOverflow(`${what}: the JavaScript stack overflowed`, {}, { cause: e });
  return new InternalError(`${what}: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
}
interface Connection {
  readonly id: number;
  readonly instance: number;
  readonly handles: InstanceHandles;
  readonly exportName: string;
  readonly params: readonly string[];
  readonly buffer: number;
  readonly capacity: number;
}

/** Why a connection was refused by the bridge (api.ts turns it into the right error). */
export class ConnectRefused extends Error {
  constructor(readonly status: BridgeStatus, message: string) {
    super(message);
  }
}

export class SignalHub {
  private readonly connections = new Map<number, Connection>();
  private readonly counts = new Map<number, number>();
  private next = 1;

  constructor(
    private readonly bridge: GodotBridge,
    /** The instance, when it can take an inline call (not disposed, not running main in a worker). */
    private readonly instanceOf: (id: number) => WasGoInstance | undefined,
    readonly reentry = new Reentry(),
    /** Most connections per mod (ObjectLimit past it). */
    public maxConnections = MAX_CONNECTIONS,
  ) {}

  /**
   * Connects (the caller checked the policy and resolved the handle). Throws GodotError for a
   * bad export or buffer, ConnectRefused when Godot refused.
   */
  connect(instance: number, handles: InstanceHandles, target: HandleEntry, signal: string, exportName: string,
    buffer: number, capacity: number, access: Access): number {
    const inst = this.instanceOf(instance);
    if (!inst) throw new HostError(`object_connect: instance ${instance} is gone`);
    const type = inst.info.exports.find((e) => e.name === exportName && e.kind === 'function')?.type;
    if (!type) throw new GodotError(`object_connect: the mod has no exported function ${JSON.stringify(exportName)}`);
    const cap = capacity >>> 0;
    if (cap > 0) {
      if (type.params.length !== 1 || type.params[0] !== 'i32') {
        throw new GodotError(`object_connect: with a buffer, export ${exportName} must take one i32 (the arguments' length)`);
      }
      if (!inst.memory) throw new GodotError('object_connect: a buffer needs the mod to have a memory');
      inst.memory.check(buffer, cap, 'object_connect buffer');
    }
    if ((this.counts.get(instance) ?? 0) >= this.maxConnections) {
      throw new ObjectLimit(`object_connect: the mod holds ${this.maxConnections} connections (wasgo/limits/max_connections); disconnect some with object_disconnect`);
    }
    const id = this.next++;
    const status = this.bridge.connect(instance, target.id, signal, id, access);
    if (status !== 'ok') throw new ConnectRefused(status, `${target.chain[0]}.${signal}`);
    this.connections.set(id, { id, instance, handles, exportName, params: type.params, buffer: buffer >>> 0, capacity: cap });
    this.counts.set(instance, (this.counts.get(instance) ?? 0) + 1);
    return id;
  }

  /** Disconnects one of the mod's connections; false when it is not one (any more). */
  disconnect(instance: number, id: number): boolean {
    const c = this.connections.get(id);
    if (!c || c.instance !== instance) return false;
    this.forget(c);
    this.bridge.disconnect(instance, id);
    return true;
  }

  /** The instance is gone: forget its connections (Godot disconnects them when it disposes the instance). */
  dropInstance(instance: number): void {
    for (const c of [...this.connections.values()]) if (c.instance === instance) this.forget(c);
  }

  /** A handle, for the connection's mod, for an object in a signal's arguments (0 when the connection is gone). */
  handleFor(id: number, object: ObjectId, chain: readonly string[]): number {
    const c = this.connections.get(id);
    if (!c) return 0;
    try {
      return c.handles.handleFor(object, chain);
    } catch {
      return 0; // out of handles: the export sees null
    }
  }

  /**
   * A signal fired (Godot → here): calls the export inline, one re-entry level deeper
   * (ReentrancyLimit past the limit, before the export runs). Failures end up as the mod's
   * `errored` signal (the instance fails), never as an exception into Godot's frames — nothing
   * thrown here, a JS stack overflow included, unwinds through Godot. A connection of a failed
   * or disposed mod, or of a mod running main in a worker, delivers nothing.
   */
  deliver(id: number, args: Uint8Array): void {
    try {
      const c = this.connections.get(id);
      if (!c) return;
      const inst = this.instanceOf(c.instance);
      if (!inst || inst.state === 'failed' || inst.state === 'disposed' || inst.state === 'exited') return;
      try {
        this.reentry.enter(`signal into ${c.exportName}`, () => {
          let values: WasmValue[];
          if (c.capacity > 0) {
            inst.memory!.write(c.buffer, args.subarray(0, Math.min(args.length, c.capacity)), 'signal buffer');
            values = [args.length];
          } else {
            values = numbersOf(args, c.params, c.exportName);
          }
          inst.call(c.exportName, values);
        });
      } catch (e) {
        inst.fail(asWasGoError(e, `signal into ${c.exportName}`)); // no-op when the call already failed it (or it was disposed)
      }
    } catch {
      // Last resort (reporting the failure itself failed, e.g. the stack is exhausted): the
      // instance's fault is set or it is gone; never unwind into Godot.
    }
  }

  private forget(c: Connection): void {
    this.connections.delete(c.id);
    const n = (this.counts.get(c.instance) ?? 1) - 1;
    if (n > 0) this.counts.set(c.instance, n);
    else this.counts.delete(c.instance);
  }
}

const TYPE_NAMES: Record<number, string> = {
  4: 'String', 5: 'Vector2', 6: 'Vector2i', 7: 'Rect2', 9: 'Vector3', 20: 'Color', 21: 'StringName', 22: 'NodePath',
  23: 'RID', 24: 'Object', 27: 'Dictionary', 28: 'Array',
};

/** The first `params.length` elements of var_to_bytes(Array) as wasm numbers of the params' types. */
export function numbersOf(bytes: Uint8Array, params: readonly string[], exportName: string): WasmValue[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const fail = (why: string): never => {
    throw new GodotError(`signal for ${exportName}: ${why}`);
  };
  if (bytes.length < 8 || view.getUint32(0, true) !== 28) fail('the arguments are not an Array');
  const count = view.getUint32(4, true);
  const out: WasmValue[] = [];
  let at = 8;
  for (let i = 0; i < params.length; i++) {
    let v: number | bigint = 0;
    if (i < count) {
      if (at + 4 > bytes.length) fail('the arguments are cut short');
      const header = view.getUint32(at, true);
      const type = header & 0xff;
      const wide = (header & (1 << 16)) !== 0;
      const need = type === 0 ? 0 : wide ? 8 : 4;
      if (at + 4 + need > bytes.length) fail('the arguments are cut short');
      if (type === 0) v = 0;
      else if (type === 1) v = view.getUint32(at + 4, true) !== 0 ? 1 : 0;
      else if (type === 2) v = wide ? view.getBigInt64(at + 4, true) : view.getInt32(at + 4, true);
      else if (type === 3) v = wide ? view.getFloat64(at + 4, true) : view.getFloat32(at + 4, true);
      else fail(`argument ${i + 1} is a ${TYPE_NAMES[type] ?? `Variant of type ${type}`}, not a number (connect with a buffer to receive it)`);
      at += 4 + need;
    }
    const p = params[i];
    if (p === 'i64') out.push(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
    else if (p === 'i32') out.push(typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : Math.trunc(v) | 0);
    else out.push(Number(v));
  }
  return out;
}
