/**
 * WasGo inside Godot: the engine, the `godot` guest API, the handles and the bridge put
 * together. The game-script API (addons/wasgo/wasgo_engine.gd, wasgo_mod.gd) calls these
 * methods through the web entry (web.ts); they decide everything and use the bridge to act.
 */
import { HostError, PolicyDenied, ReentrancyLimit, WasGoError } from '../engine/errors';
import { WasGoEngine } from '../engine/engine';
import type { WasGoInstance, WasmValue } from '../engine/instance';
import type { SafetyLevel, WasGoSettings } from '../engine/settings';
import { setPlatform } from '../platform/platform';
import type { HostCallContext, HostFunctionSpec, HostValue } from '../table/host-function';
import type { MainRun } from '../isolate/run';
import { workerUnavailableReason } from '../isolate/worker';
import { ClassCache, godotFunctions, type GodotApiHost, type GodotApiStats, type GodotPolicy, type ModState } from './api';
import type { GameEvent, GodotBridge, ModEvent, ObjectId } from './bridge';
import { loadGame, type AntGame } from '../ant/runtime';
import { levelNeededOf } from './errors';
import { HandleSpace } from './handles';
import { asWasGoError, Reentry, SignalHub } from './signals';
import { DEFAULT_GODOT_LIMITS, GODOT_LIMIT_KEYS, resolveGodotLimits, type GodotLimits } from './limits';
import { godotPlatform, type WriteConfirmer } from './platform';
import { GameApi } from './game-functions';

export interface ModOptions {
  /** The mod's name (messages, its file folder). */
  name: string;
  /** A lower (or, if the game wants, higher) level than the project's for this mod. */
  level?: SafetyLevel | undefined;
  /** Fuel for each inline call of this mod. */
  fuelPerCall?: number | undefined;
}

export type StartMode = 'worker' | 'inline';

/** One instance's counters (WasGoMod.stats()); see docs/godot.md "Per-mod counters". */
export interface ModCounters {
  /** Calls into the mod: call_export (and _process), main runs. */
  calls: number;
  /** Its calls of godot.* functions, and of the game's own functions. */
  godotCalls: number;
  gameCalls: number;
  /** Calls the policy refused (PolicyDenied). */
  denied: number;
  /** Time spent in those godot.* and game functions (the host side of the mod's calls), ms. */
  hostMs: number;
}

const newCounters = (): ModCounters => ({ calls: 0, godotCalls: 0, gameCalls: 0, denied: 0, hostMs: 0 });

export class GodotHost implements GodotApiHost {
  readonly engine = WasGoEngine.get();
  readonly stats: GodotApiStats = { calls: 0, denied: 0 };
  private readonly handles = new HandleSpace();
  private readonly mods = new Map<number, ModState & { instanceRef: WasGoInstance; run?: MainRun | undefined }>();
  private readonly classes: ClassCache;
  /** Per-instance counters (mods and ANT modules alike), dropped with the instance. */
  private readonly perInstance = new Map<number, ModCounters>();
  /** ANT.zip games: game id → the game once loaded; module instances → their game. */
  private readonly games = new Map<number, { game?: AntGame | undefined; disposed: boolean }>();
  private readonly gameOf = new Map<number, number>();
  private nextGame = 1;
  private unsubscribe: (() => void)[] = [];
  readonly signals: SignalHub;
  /** Host → guest entries on the stack (signal deliveries, game calls into mods): one counter. */
  readonly reentry = new Reentry(DEFAULT_GODOT_LIMITS.maxReentryDepth);
  limits: GodotLimits = DEFAULT_GODOT_LIMITS;
  /** The game's own functions (register_function, the WasGoApi resource). */
  readonly gameApi: GameApi;

  constructor(readonly bridge: GodotBridge, readonly policy: GodotPolicy, private readonly confirmer?: WriteConfirmer) {
    this.classes = new ClassCache(bridge);
    const self = this;
    this.gameApi = new GameApi({
      bridge,
      get limits() { return self.limits; },
      mod: (id) => this.mods.get(id),
      register: (spec) => this.engine.register(this.counted(spec, 'gameCalls')),
      unregister: (module, name) => this.engine.unregister(module, name),
    });
    this.signals = new SignalHub(bridge, (id) => {
      const m = this.mods.get(id);
      return m && !m.run ? m.instanceRef : undefined;
    }, this.reentry);
  }

  /**
   * (Re)starts the engine with the project's settings and registers the `godot` module. The
   * Godot limits (GODOT_LIMIT_KEYS of read_settings()) are resolved here and not passed on.
   */
  attach(settings: Partial<WasGoSettings> & Record<string, unknown>): void {
    for (const u of this.unsubscribe) u();
    for (const id of [...this.mods.keys()]) this.dispose(id);
    const engineSettings: Record<string, unknown> = { ...settings };
    for (const k of GODOT_LIMIT_KEYS) delete engineSettings[k];
    this.limits = resolveGodotLimits(settings);
    this.reentry.max = this.limits.maxReentryDepth;
    this.signals.maxConnections = this.limits.maxConnections;
    setPlatform(godotPlatform(this.bridge));
    const confirmWrite = this.confirmer ? this.confirmer.confirmWrite : undefined;
    this.engine.init({ fileDir: 'user://wasgo', ...(engineSettings as Partial<WasGoSettings>), ...(confirmWrite ? { confirmWrite } : {}) });
    for (const spec of godotFunctions(this, this.stats)) this.engine.register(this.counted(spec, 'godotCalls'));
    this.gameApi.clear(); // init cleared the table: the game registers its functions again
    this.unsubscribe = [
      this.engine.on('print', (e) => this.tell(e.instance, { kind: 'printed', text: e.text, error: false })),
      this.engine.on('guest-error', (e) => this.tell(e.instance, { kind: 'printed', text: e.text, error: true })),
      this.engine.on('error', (e) => this.tell(e.instance, { kind: 'errored', code: e.error.errno, message: e.error.describe(), levelNeeded: levelNeededOf(e.error) })),
    ];
  }

  /** Godot is going away: dispose everything without calling into it any more. */
  detach(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    for (const id of [...this.games.keys()]) this.disposeGame(id);
    for (const [id, m] of [...this.mods]) {
      this.mods.delete(id);
      this.signals.dropInstance(id);
      this.handles.close(id);
      m.run?.kill();
      m.instanceRef.dispose();
    }
  }

  mod(instance: number): ModState | undefined {
    return this.mods.get(instance);
  }

  /** The counters of an instance (created on first use). */
  countersOf(instance: number): ModCounters {
    let c = this.perInstance.get(instance);
    if (!c) this.perInstance.set(instance, (c = newCounters()));
    return c;
  }

  /**
   * A mod's counters with what the engine knows of it: fuel used (all its calls), guest memory
   * (bytes), live handles. Undefined when there is no such mod.
   */
  modStats(id: number): (ModCounters & { fuelUsed: number; memoryBytes: number; handles: number }) | undefined {
    const m = this.mods.get(id);
    if (!m) return undefined;
    const inst = m.instanceRef;
    return { ...this.countersOf(id), fuelUsed: inst.fuelUsed, memoryBytes: inst.memory?.size ?? 0, handles: m.handles.size };
  }

  /** modStats summed over the live mods (WasGoEngine.stats()["mods_total"]). */
  modTotals(): Record<string, number> {
    const sum: Record<string, number> = { calls: 0, godotCalls: 0, gameCalls: 0, denied: 0, hostMs: 0, fuelUsed: 0, memoryBytes: 0, handles: 0 };
    for (const id of this.mods.keys()) {
      const one = this.modStats(id) as unknown as Record<string, number>;
      for (const k of Object.keys(sum)) sum[k]! += one[k] ?? 0;
    }
    return sum;
  }

  /** A host function that counts its calls, denials and time for the calling instance. */
  private counted(spec: HostFunctionSpec, kind: 'godotCalls' | 'gameCalls'): HostFunctionSpec {
    const impl = spec.implementation as (ctx: HostCallContext, ...args: unknown[]) => HostValue;
    return {
      ...spec,
      implementation: (ctx: HostCallContext, ...args: unknown[]) => {
        const c = this.countersOf(ctx.instanceId);
        c[kind]++;
        const t0 = performance.now();
        try {
          return impl(ctx, ...args);
        } catch (e) {
          if (e instanceof PolicyDenied) c.denied++;
          throw e;
        } finally {
          c.hostMs += performance.now() - t0;
        }
      },
    };
  }

  printed(ctx: HostCallContext, text: string): void {
    this.tell(ctx.instanceId, { kind: 'printed', text, error: false });
  }

  printedError(ctx: HostCallContext, text: string): void {
    this.tell(ctx.instanceId, { kind: 'printed', text, error: true });
  }

  /**
   * Compiles and instantiates a mod synchronously (GDScript cannot await a JS promise), with
   * `modNode` as its handle 1. Throws a WasGoError; nothing is left behind on failure.
   */
  loadMod(bytes: Uint8Array, modNode: ObjectId, modNodeClass: string, options: ModOptions): number {
    const engine = this.engine;
    const compiled = engine.compileSync({ name: options.name, bytes });
    const chain = this.classes.chain(modNodeClass);
    if (!chain.includes('Node')) throw new HostError(`the mod's node must be a Node, got ${modNodeClass}`);
    const level = options.level ?? engine.settings.level;
    // The handles open once the instance exists: a wasm start function cannot call godot.*.
    const instance = engine.instantiateSync(compiled, {
      level,
      ...(options.fuelPerCall !== undefined ? { fuelPerCall: options.fuelPerCall } : {}),
    });
    const id = instance.id;
    const handles = this.handles.open(id, modNode, chain);
    this.mods.set(id, { instance: id, name: instance.name, level, handles, modNode, instanceRef: instance });
    return id;
  }

  instance(id: number): WasGoInstance {
    const m = this.mods.get(id);
    if (!m) throw new HostError(`no mod instance ${id} (disposed?)`);
    return m.instanceRef;
  }

  /**
   * Calls an export inline under the fuel budget. Made from inside a running call (a game
   * handler of a signal a mod caused), it counts as re-entry: ReentrancyLimit past the limit
   * (the instance fails, `errored` fires) before any guest code runs.
   */
  callExport(id: number, name: string, args: readonly WasmValue[], fuel?: number): WasmValue | undefined {
    const inst = this.instance(id);
    this.countersOf(id).calls++;
    try {
      return this.reentry.enter(`calling ${name}`, () => inst.call(name, args, fuel !== undefined ? { fuel } : {}));
    } catch (e) {
      if (e instanceof ReentrancyLimit) inst.fail(e);
      throw asWasGoError(e, `calling ${name}`);
    }
  }

  /** Engine counters for the game (stats()): live mods, guest memory reserved in the engine-wide budget. */
  counters(): { mods: number; instances: number; memoryReserved: number; reentryDepth: number } {
    // The budget's total is not public on the engine (yet): read it without relying on more than its name.
    const budget = (this.engine as unknown as { budget?: { reservedBytes?: number } }).budget;
    return {
      mods: this.mods.size,
      instances: this.engine.instances().length,
      memoryReserved: budget?.reservedBytes ?? -1,
      reentryDepth: this.reentry.depth,
    };
  }

  /**
   * Runs main: in a worker when workers are available (kill() and main_timeout_ms can stop
   * it, asynchronous host functions work), else inline under the fuel budget. `finished`
   * fires when it ends (status -1 when it failed; `errored` fired first).
   */
  start(id: number, args: readonly string[] = [], preferWorker = true): StartMode {
    const m = this.mods.get(id);
    if (!m) throw new HostError(`no mod instance ${id} (disposed?)`);
    const inst = m.instanceRef;
    this.countersOf(id).calls++;
    if (preferWorker && typeof inst.start === 'function' && workerUnavailableReason() === undefined) {
      const run = inst.start(args);
      m.run = run;
      run.result.then(
        (status) => this.tell(id, { kind: 'finished', status }),
        () => this.tell(id, { kind: 'finished', status: -1 }),
      ).finally(() => (m.run = undefined));
      return 'worker';
    }
    let status = -1;
    try {
      status = inst.runMain(args);
    } catch {
      // reported through the engine's error event (errored)
    }
    this.tell(id, { kind: 'finished', status });
    return 'inline';
  }

  /**
   * Loads an ANT.zip game (docs/ant-packages.md): reading and verifying the package is
   * asynchronous, so this returns the game's id at once and `loaded` (or `errored`) follows.
   * With `node`, every module of the game may use the `godot` module with that node as its
   * handle 1 (same rules as a mod).
   */
  loadPackage(bytes: Uint8Array, options: ModOptions & { node?: { id: ObjectId; className: string } | undefined }): number {
    const id = this.nextGame++;
    const entry: { game?: AntGame | undefined; disposed: boolean } = { disposed: false };
    this.games.set(id, entry);
    const level = options.level ?? this.engine.settings.level;
    const chain = options.node ? this.classes.chain(options.node.className) : [];
    loadGame(bytes, {
      name: options.name, level,
      onEvent: (e) => {
        if (e.type !== 'loaded') return;
        const inst = e.module.instance;
        this.gameOf.set(inst.id, id);
        if (options.node && chain.includes('Node')) {
          const handles = this.handles.open(inst.id, options.node.id, chain);
          this.mods.set(inst.id, { instance: inst.id, name: inst.name, level, handles, modNode: options.node.id, instanceRef: inst });
        }
      },
    }).then(
      (game) => {
        if (entry.disposed) return game.dispose();
        entry.game = game;
        const modules = game.modules.map((m) => ({ id: m.id, path: m.path, role: m.role }));
        this.tellGame(id, { kind: 'loaded', coreResult: game.coreResult ?? 0, detail: JSON.stringify({ phase: game.phase, modules }) });
      },
      (e: unknown) => {
        const err = e instanceof WasGoError ? e : new HostError(String((e as Error)?.message ?? e));
        this.tellGame(id, { kind: 'errored', code: err.errno, message: err.describe(), levelNeeded: levelNeededOf(err) });
      },
    );
    return id;
  }

  game(id: number): AntGame {
    const g = this.games.get(id)?.game;
    if (!g) throw new HostError(`ANT game ${id} is not loaded (yet, or any more)`);
    return g;
  }

  disposeGame(id: number): void {
    const entry = this.games.get(id);
    if (!entry) return;
    entry.disposed = true;
    this.games.delete(id);
    if (entry.game) {
      for (const m of entry.game.modules) this.forgetInstance(m.instance.id);
      entry.game.dispose();
    }
  }

  /** Stops a running main (worker mode) and disposes the instance. */
  kill(id: number): void {
    const m = this.mods.get(id);
    if (!m) return;
    m.run?.kill();
    this.dispose(id);
  }

  private forgetInstance(id: number): void {
    this.gameOf.delete(id);
    this.perInstance.delete(id);
    if (this.mods.delete(id)) {
      this.signals.dropInstance(id);
      this.handles.close(id);
      this.bridge.dispose(id);
    }
  }

  dispose(id: number): void {
    const m = this.mods.get(id);
    if (!m) return;
    this.mods.delete(id);
    this.perInstance.delete(id);
    this.signals.dropInstance(id);
    this.handles.close(id);
    try {
      m.instanceRef.dispose();
    } finally {
      this.bridge.dispose(id);
    }
  }

  private tellGame(game: number, e: GameEvent): void {
    if (!this.games.has(game)) return;
    try {
      this.bridge.notifyGame(game, e);
    } catch (err) {
      if (!(err instanceof WasGoError)) throw err;
    }
  }

  private tell(instance: number, e: ModEvent): void {
    const game = this.gameOf.get(instance);
    if (game !== undefined) {
      if (e.kind !== 'finished') this.tellGame(game, e);
      return;
    }
    if (!this.mods.has(instance)) return;
    try {
      this.bridge.notify(instance, e);
    } catch (err) {
      if (!(err instanceof WasGoError)) throw err;
    }
  }
}
