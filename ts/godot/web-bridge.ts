/**
 * The web adapter of the bridge: Godot's web export, through JavaScriptBridge. The
 * WasGoEngine autoload creates ONE callback (JavaScriptBridge.create_callback) and hands it to
 * TypeScript; every bridge operation is one synchronous call `callback(op, 0, ...args)` with
 * primitive arguments only. A create_callback's return value never reaches JS (a known Godot
 * bug), so GDScript answers by calling `WasGo.godot.reply(s, v, m, c)` before it returns:
 * `s` (status: 'ok' or why not), `v` (the value), `m` (a message), `c` (a class name). (Passing
 * a JS object as a box to write into also works, but costs a JavaScriptObject wrapper per call:
 * ~30 µs instead of ~10.) Bytes travel as base64 both ways (PackedByteArray arrives in JS as
 * undefined), ObjectIDs as decimal strings (64-bit), structured answers as JSON.
 *
 * While Godot decodes a call's arguments or encodes its result it calls back into
 * TypeScript (GDScript → JS, synchronous and cheap) through `WasGo.godot.objectArg`,
 * `pathArg` and `handleFor`, which land in `checks` below.
 */
import { GodotError } from '../engine/errors';
import type { Access, ArgumentChecks, BridgeStatus, CallOutcome, CallRequest, GameEvent, GodotBridge, MethodInfo, ModEvent, ObjectId } from './bridge';
import { fromBase64, toBase64 } from './variant';

/** The GDScript callable as JS sees it. */
export type GodotCallback = (op: string, unused: 0, ...args: unknown[]) => unknown;

interface Box {
  s?: string;
  v?: unknown;
  m?: string;
  c?: string;
}

export class WebBridge implements GodotBridge {
  private readonly checksStack: ArgumentChecks[] = [];
  private readonly plans = new Map<string, number>();
  /** Answer slots of the operations in flight (an operation may nest: game code run by a call can call a mod). */
  private readonly answers: Box[] = [];
  /** Bridge operations performed (each a JS → GDScript callback). */
  ops = 0;
  /** Once closed (Godot quit, or another attach), the callback is never called again. */
  private closed = false;

  close(): void {
    this.closed = true;
  }

  constructor(private readonly callback: GodotCallback) {}

  // --- GDScript → JS, during a call (see the module comment)

  /** GDScript's answer to the operation in flight. */
  reply(s: string, v: unknown, m: string, c: string): void {
    const box = this.answers[this.answers.length - 1];
    if (!box) return;
    box.s = s;
    box.v = v;
    box.m = m;
    box.c = c;
  }

  objectArg(handle: number): string {
    return this.top('objectArg').objectArg(handle) ?? '';
  }

  pathArg(path: string): boolean {
    return this.top('pathArg').pathArg(path);
  }

  handleFor(id: ObjectId, chain: string): number {
    return this.top('handleFor').handleFor(id, chain);
  }

  // --- GodotBridge

  classChain(className: string): string[] {
    const v = this.str(this.op('chain', className));
    return v ? v.split(',') : [];
  }

  methodInfo(className: string, method: string): MethodInfo | null {
    const v = this.str(this.op('method', className, method));
    return v ? (JSON.parse(v) as MethodInfo) : null;
  }

  propertyAccessor(className: string, property: string, set: boolean): string {
    return this.str(this.op('accessor', className, property, set));
  }

  canInstantiate(className: string): boolean {
    return Boolean(this.op('can_instantiate', className).v);
  }

  getSingleton(name: string): { id: ObjectId; className: string } | null {
    const b = this.op('singleton', name);
    return b.v ? { id: String(b.v), className: String(b.c ?? 'Object') } : null;
  }

  construct(instance: number, className: string): { id: ObjectId; className: string } | null {
    const b = this.op('construct', instance, className);
    return b.v ? { id: String(b.v), className: String(b.c ?? className) } : null;
  }

  objectClass(id: ObjectId): string | null {
    const v = this.str(this.op('class', id));
    return v || null;
  }

  objectStatus(id: ObjectId, access: Access): 'ok' | 'freed' | 'outside' {
    const v = this.str(this.op('status', id, access.subtreeOf));
    return v === 'ok' || v === 'outside' ? v : 'freed';
  }

  call(instance: number, r: CallRequest, checks: ArgumentChecks): CallOutcome {
    const plan = this.planFor(r);
    return this.withChecks(checks, () => this.outcome(this.op('call', instance, r.object, plan, toBase64(r.args), r.subtreeOf)));
  }

  /**
   * Everything about a call that does not change from one call to the next (method, argument
   * types, which arguments are objects or paths, counts) is registered once as a numbered
   * plan, so a call sends 5 values instead of 13: each value a callback receives costs a
   * conversion on the Godot side.
   */
  private planFor(r: CallRequest): number {
    const key = [r.method, r.staticClass, r.types.join(','), r.objectArgs.join(','), r.pathArgs.join(','), r.minArgs, r.maxArgs, r.allowRid ? 1 : 0].join('|');
    let id = this.plans.get(key);
    if (id === undefined) {
      id = this.plans.size + 1;
      const b = this.op('plan', id, key);
      if (b.s !== 'ok') throw new GodotError(`bridge operation plan failed: ${b.m ?? b.s}`);
      this.plans.set(key, id);
    }
    return id;
  }

  utility(instance: number, name: string, args: Uint8Array, checks: ArgumentChecks): CallOutcome {
    return this.withChecks(checks, () => this.outcome(this.op('utility', instance, name, toBase64(args))));
  }

  connect(instance: number, id: ObjectId, signal: string, connection: number, access: Access): 'ok' | BridgeStatus {
    const b = this.op('connect', instance, id, signal, connection, access.subtreeOf);
    return (b.s as BridgeStatus | 'ok' | undefined) ?? 'godot';
  }

  release(instance: number, id: ObjectId): void {
    this.op('release', instance, id);
  }

  dispose(instance: number): void {
    this.op('dispose', instance);
  }

  notify(instance: number, e: ModEvent): void {
    switch (e.kind) {
      case 'printed': this.op('notify', instance, e.kind, e.error ? 1 : 0, e.text, 0); break;
      case 'errored': this.op('notify', instance, e.kind, e.code, e.message, e.levelNeeded ?? 0); break;
      case 'finished': this.op('notify', instance, e.kind, e.status, '', 0); break;
    }
  }

  notifyGame(game: number, e: GameEvent): void {
    switch (e.kind) {
      case 'loaded': this.op('game_event', game, e.kind, e.coreResult, e.detail, 0); break;
      case 'printed': this.op('game_event', game, e.kind, e.error ? 1 : 0, e.text, 0); break;
      case 'errored': this.op('game_event', game, e.kind, e.code, e.message, e.levelNeeded ?? 0); break;
    }
  }

  print(text: string): void {
    this.op('print', text);
  }

  printError(text: string): void {
    this.op('print_error', text);
  }

  readFile(path: string): Uint8Array | undefined {
    const b = this.op('read', path);
    if (b.s === 'missing') return undefined;
    if (b.s !== 'ok') throw new GodotError(`cannot read ${path}: ${b.m ?? b.s}`);
    return fromBase64(this.str(b));
  }

  writeFile(path: string, data: Uint8Array): void {
    const b = this.op('write', path, toBase64(data));
    if (b.s !== 'ok') throw new GodotError(`cannot write ${path}: ${b.m ?? b.s}`);
  }

  /**
   * Asks the game whether a level-2 file write may happen. 'yes'/'no' when the game answered
   * synchronously (a Callable it supplied), 'pending' when a dialog will answer later through
   * WasGo.godot.confirmed(request, ok).
   */
  confirm(request: number, mod: string, path: string, bytes: number): 'yes' | 'no' | 'pending' {
    const v = this.str(this.op('confirm', request, mod, path, bytes));
    return v === 'yes' || v === 'pending' ? v : 'no';
  }

  /** An empty round trip (for measuring the bridge itself). */
  noop(): void {
    this.op('noop');
  }

  // --- plumbing

  private op(name: string, ...args: unknown[]): Box {
    if (this.closed) throw new GodotError(`bridge operation ${name}: Godot is gone (the bridge was detached)`);
    const box: Box = {};
    this.ops++;
    this.answers.push(box);
    try {
      this.callback(name, 0, ...args);
    } catch (e) {
      throw new GodotError(`bridge operation ${name} failed: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
    } finally {
      this.answers.pop();
    }
    if (box.s === undefined) throw new GodotError(`bridge operation ${name} got no answer from Godot (a GDScript error in the WasGoEngine autoload?)`);
    return box;
  }

  private outcome(b: Box): CallOutcome {
    if (b.s === 'ok') return { ok: true, value: fromBase64(this.str(b)) };
    const status = (['freed', 'outside', 'refused'] as const).find((s) => s === b.s) ?? 'godot';
    return { ok: false, status, message: b.m ?? String(b.s) };
  }

  private str(b: Box): string {
    return b.v === undefined || b.v === null ? '' : String(b.v);
  }

  private withChecks<T>(checks: ArgumentChecks, fn: () => T): T {
    this.checksStack.push(checks);
    try {
      return fn();
    } finally {
      this.checksStack.pop();
    }
  }

  private top(what: string): ArgumentChecks {
    const c = this.checksStack[this.checksStack.length - 1];
    if (!c) throw new GodotError(`WasGo.godot.${what} called outside a bridge call`);
    return c;
  }
}
