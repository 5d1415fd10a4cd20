/**
 * The web adapter of the bridge: Godot's web export, through JavaScriptBridge. The
 * WasGoEngine autoload creates two callbacks (JavaScriptBridge.create_callback) and hands them
 * to TypeScript: every bridge operation is one synchronous call `callback(op, 0, ...args)` with
 * primitive arguments only, except method calls (the hot path, see `call`), which go through
 * their own callback without an op name to dispatch on. A create_callback's return value never
 * reaches JS (a known Godot bug), so GDScript answers by calling `WasGo.godot.reply(s, v, m, c)`
 * before it returns: `s` (status: 'ok' or why not), `v` (the value), `m` (a message), `c` (a
 * class name) — or, for calls, `ok(v)` / `fail(s, m)`. (Passing a JS object as a box to write
 * into also works, but costs a JavaScriptObject wrapper per call: ~30 µs instead of ~10.) Bytes
 * travel as base64 both ways (PackedByteArray arrives in JS as undefined), ObjectIDs as
 * decimal strings (64-bit) — or, on the hot path, as two 32-bit halves — and structured
 * answers as JSON.
 *
 * While Godot decodes a call's arguments or encodes its result it calls back into
 * TypeScript (GDScript → JS, synchronous and cheap) through `WasGo.godot.objectArg`,
 * `pathArg` and `handleFor`, which land in `checks` below.
 */
import { GodotError } from '../engine/errors';
import type { Access, ArgumentChecks, BridgeStatus, CallOutcome, GameCallOutcome, CallRequest, CallShape, GameEvent, GodotBridge, MethodInfo, ModEvent, ObjectId } from './bridge';
import { fromBase64, plainArgs, SCALAR_TYPES, scalarArgs, toBase64 } from './variant';

/** The GDScript callable as JS sees it. */
export type GodotCallback = (op: string, unused: 0, ...args: unknown[]) => unknown;
/**
 * The GDScript callable for method calls: `(plan, idHi, idLo, ...args)` — the plan id and a
 * mode (see planFor), the object's ObjectID as its high 32 bits (signed) and low 32 bits (0, 0
 * for a static method), and the arguments: none, base64 of var_to_bytes(Array), or numbers. Each argument a callback receives costs
 * ~0.2 µs of conversion in Godot, about as much as the rest of a small call's GDScript.
 */
export type GodotCallCallback = (plan: number, idHi: number, idLo: number, ...args: (string | number | boolean)[]) => unknown;

/** var_to_bytes([]): calls without arguments leave the argument out. */
const EMPTY_ARRAY_BYTES = [28, 0, 0, 0, 0, 0, 0, 0];
const NO_ID: readonly [number, number] = [0, 0];

/** A plan registered with Godot: its id and the subtree root it was registered with ('' = none). */
interface Plan {
  id: number;
  root: ObjectId | '';
  /** Whether every declared argument type can cross as numbers (scalarArgs). */
  scalar: boolean;
}
/** Most ObjectIDs whose 32-bit halves are remembered (then the cache starts over). */
const MAX_ID_PARTS = 16384;

interface Box {
  s?: string;
  v?: unknown;
  /** A call's result already encoded (see okValue). */
  bytes?: Uint8Array;
  m?: string;
  c?: string;
}

export class WebBridge implements GodotBridge {
  private readonly checksStack: ArgumentChecks[] = [];
  /** Plans, per instance, by shape (the same object for every call of one method, see CallShape). */
  private readonly plans = new Map<number, Map<CallShape, Plan>>();
  private planCount = 0;
  /** ObjectID → its 64 bits as [signed high half, unsigned low half]. */
  private readonly idParts = new Map<ObjectId, readonly [number, number]>();
  /** Answer slots of the operations in flight (an operation may nest: game code run by a call can call a mod). */
  private readonly answers: Box[] = [];
  /** Bridge operations performed (each a JS → GDScript callback). */
  ops = 0;
  /** Once closed (Godot quit, or another attach), the callback is never called again. */
  private closed = false;

  close(): void {
    this.closed = true;
  }

  /** `callback` runs every operation but method calls, `callCallback` those. */
  constructor(private readonly callback: GodotCallback, private readonly callCallback: GodotCallCallback) {}

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

  /** A call's result (base64 of var_to_bytes). */
  ok(v: string): void {
    const box = this.answers[this.answers.length - 1];
    if (!box) return;
    box.s = 'ok';
    box.v = v;
  }

  /** A call's plain result, encoded in TypeScript (see the ok* functions of web.ts). */
  okValue(bytes: Uint8Array): void {
    const box = this.answers[this.answers.length - 1];
    if (!box) return;
    box.s = 'ok';
    box.bytes = bytes;
  }

  /** Why a call did not happen (see BridgeStatus). */
  fail(s: string, m: string): void {
    const box = this.answers[this.answers.length - 1];
    if (!box) return;
    box.s = s;
    box.m = m;
  }

  // These run inside Godot's frames (GDScript → JS): they must never throw back into Godot.
  // A failure is remembered by the checks (the first refusal wins) and the value refuses.

  objectArg(handle: number): string {
    try {
      return this.top('objectArg').objectArg(handle) ?? '';
    } catch {
      return '';
    }
  }

  pathArg(path: string): boolean {
    try {
      return this.top('pathArg').pathArg(path);
    } catch {
      return false;
    }
  }

  handleFor(id: ObjectId, chain: string): number {
    try {
      return this.top('handleFor').handleFor(id, chain);
    } catch {
      return 0;
    }
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

  construct(instance: number, className: string, maxObjects = 0): { id: ObjectId; className: string } | null | 'limit' {
    const b = this.op('construct', instance, className, maxObjects);
    if (b.s === 'limit') return 'limit';
    return b.v ? { id: String(b.v), className: String(b.c ?? className) } : null;
  }

  objectClass(id: ObjectId): string | null {
    const v = this.str(this.op('class', id));
    return v || null;
  }

  scriptClasses(id: ObjectId): string[] {
    const v = this.str(this.op('script_classes', id));
    return v ? v.split(',') : [];
  }

  objectStatus(id: ObjectId, access: Access): 'ok' | 'freed' | 'outside' {
    const v = this.str(this.op('status', id, access.subtreeOf));
    return v === 'ok' || v === 'outside' ? v : 'freed';
  }

  call(instance: number, shape: CallShape, r: CallRequest, checks: ArgumentChecks): CallOutcome {
    const plan = this.planFor(instance, shape, r.subtreeOf);
    const a = r.args;
    let args: string | undefined;
    let scalars: (number | boolean)[] | null = null;
    let mode = 0;
    if (!(a.length === 8 && EMPTY_ARRAY_BYTES.every((b, i) => a[i] === b))) {
      const plain = shape.objectArgs.length === 0 && shape.pathArgs.length === 0 ? plainArgs(a, shape.types, shape.minArgs, shape.maxArgs) : null;
      if (plain && plan.scalar) scalars = scalarArgs(plain);
      if (scalars) mode = 2;
      else {
        args = toBase64(plain ?? a);
        mode = plain ? 1 : 0;
      }
    }
    const code = plan.id * 4 + mode;
    const pid = r.subtreeOf === '' ? code : -code;
    const [hi, lo] = r.object ? this.halves(r.object) : NO_ID;
    if (this.closed) throw new GodotError('bridge operation call: Godot is gone (the bridge was detached)');
    const box: Box = {};
    this.ops++;
    this.answers.push(box);
    this.checksStack.push(checks);
    try {
      if (scalars) this.callCallback(pid, hi, lo, ...scalars);
      else if (args === undefined) this.callCallback(pid, hi, lo);
      else this.callCallback(pid, hi, lo, args);
    } catch (e) {
      throw new GodotError(`bridge operation call failed: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
    } finally {
      this.checksStack.pop();
      this.answers.pop();
    }
    if (box.s === undefined) throw new GodotError('bridge operation call got no answer from Godot (a GDScript error in the WasGoEngine autoload?)');
    return this.outcome(box);
  }

  /** An ObjectID's 64 bits as [high 32 bits, signed; low 32 bits, unsigned]: two ints for GDScript instead of a string. */
  private halves(id: ObjectId): readonly [number, number] {
    let p = this.idParts.get(id);
    if (p) return p;
    const v = BigInt.asUintN(64, BigInt(id));
    p = [Number(BigInt.asIntN(32, v >> 32n)), Number(v & 0xffffffffn)];
    if (this.idParts.size >= MAX_ID_PARTS) this.idParts.clear();
    this.idParts.set(id, p);
    return p;
  }

  /**
   * Everything about a call that does not change from one call to the next (instance, method,
   * argument types, which arguments are objects or paths, counts, the subtree root) is
   * registered once as a numbered plan. A call sends `±(plan * 4 + mode)`: negative when the
   * object must lie in the plan's subtree; mode 0: the arguments as base64 of var_to_bytes, for
   * Godot to check; 1: the same, checked completely by TypeScript (plainArgs), Godot only
   * decodes them; 2: checked by TypeScript and sent as numbers (scalarArgs: bools, ints,
   * floats, a Vector2 as two numbers, by the plan's declared types).
   */
  private planFor(instance: number, shape: CallShape, root: ObjectId | ''): Plan {
    let mine = this.plans.get(instance);
    if (!mine) this.plans.set(instance, (mine = new Map()));
    let plan = mine.get(shape);
    if (!plan || (root !== '' && plan.root !== root)) {
      const id = ++this.planCount;
      const key = [shape.method, shape.staticClass, shape.types.join(','), shape.objectArgs.join(','), shape.pathArgs.join(','),
        shape.minArgs, shape.maxArgs, shape.allowRid ? 1 : 0, shape.owned ?? '', shape.growth ?? '', shape.zcheck ?? ''].join('|');
      const b = this.op('plan', id, instance, root, key);
      if (b.s !== 'ok') throw new GodotError(`bridge operation plan failed: ${b.m ?? b.s}`);
      mine.set(shape, (plan = { id, root, scalar: shape.types.length > 0 && shape.types.every((t) => SCALAR_TYPES.has(t)) }));
    }
    return plan;
  }

  utility(instance: number, name: string, args: Uint8Array, checks: ArgumentChecks, capped = true): CallOutcome {
    return this.withChecks(checks, () => this.outcome(this.op('utility', instance, name, toBase64(args), capped ? 1 : 0)));
  }

  callGame(fn: number, instance: number, args: Uint8Array, subtreeOf: ObjectId | '', capped: boolean): GameCallOutcome {
    // The class slot `c` tags the value: i = int (decimal string), f = float, b = base64 bytes, n = none.
    const b = this.op('game_call', fn, instance, toBase64(args), subtreeOf, capped ? 1 : 0);
    if (b.s === 'ok') {
      switch (b.c) {
        case 'i': return { ok: true, value: this.str(b) };
        case 'f': return { ok: true, value: Number(b.v) };
        case 'b': return { ok: true, value: fromBase64(this.str(b)) };
        default: return { ok: true, value: null };
      }
    }
    const status = (['gone', 'freed', 'outside', 'type', 'too_large'] as const).find((s) => s === b.s) ?? 'godot';
    return { ok: false, status, message: b.m ?? String(b.s) };
  }

  connect(instance: number, id: ObjectId, signal: string, connection: number, access: Access): 'ok' | BridgeStatus {
    const b = this.op('connect', instance, id, signal, connection, access.subtreeOf);
    return (b.s as BridgeStatus | 'ok' | undefined) ?? 'godot';
  }

  disconnect(instance: number, connection: number): void {
    this.op('disconnect', instance, connection);
  }

  release(instance: number, id: ObjectId): void {
    this.op('release', instance, id);
  }

  dispose(instance: number): void {
    this.plans.delete(instance);
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

  /** An empty round trip through the operations callback (for measuring the bridge itself). */
  noop(): void {
    this.op('noop');
  }

  /** An empty round trip through the calls callback: plan 0 answers at once (for measuring). */
  ping(args?: string): void {
    const box: Box = {};
    this.answers.push(box);
    try {
      if (args === undefined) this.callCallback(0, 0, 0);
      else this.callCallback(0, 0, 0, args);
    } finally {
      this.answers.pop();
    }
    if (box.s !== 'ok') throw new GodotError('bridge ping got no answer from Godot');
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
    if (b.s === 'ok') return { ok: true, value: b.bytes ?? fromBase64(this.str(b)) };
    const status = (['freed', 'outside', 'refused', 'too_large', 'not_owned', 'z_range'] as const).find((s) => s === b.s) ?? 'godot';
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
