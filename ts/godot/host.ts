/**
 * WasGo inside Godot: the engine, the `godot` guest API, the handles and the bridge put
 * together. The game-script API (addons/wasgo/wasgo_engine.gd, wasgo_mod.gd) calls these
 * methods through the web entry (web.ts); they decide everything and use the bridge to act.
 */
import { HostError, WasGoError } from '../engine/errors';
import { WasGoEngine } from '../engine/engine';
import type { WasGoInstance, WasmValue } from '../engine/instance';
import type { SafetyLevel, WasGoSettings } from '../engine/settings';
import { setPlatform } from '../platform/platform';
import type { HostCallContext } from '../table/host-function';
import type { MainRun } from '../isolate/run';
import { workerUnavailableReason } from '../isolate/worker';
import { ClassCache, godotFunctions, type GodotApiHost, type GodotApiStats, type GodotPolicy, type ModState } from './api';
import type { GodotBridge, ModEvent, ObjectId } from './bridge';
import { levelNeededOf } from './errors';
import { HandleSpace } from './handles';
import { godotPlatform, type WriteConfirmer } from './platform';

export interface ModOptions {
  /** The mod's name (messages, its file folder). */
  name: string;
  /** A lower (or, if the game wants, higher) level than the project's for this mod. */
  level?: SafetyLevel | undefined;
  /** Fuel for each inline call of this mod. */
  fuelPerCall?: number | undefined;
}

export type StartMode = 'worker' | 'inline';

export class GodotHost implements GodotApiHost {
  readonly engine = WasGoEngine.get();
  readonly stats: GodotApiStats = { calls: 0, denied: 0 };
  private readonly handles = new HandleSpace();
  private readonly mods = new Map<number, ModState & { instanceRef: WasGoInstance; run?: MainRun | undefined }>();
  private readonly classes: ClassCache;
  private unsubscribe: (() => void)[] = [];

  constructor(readonly bridge: GodotBridge, readonly policy: GodotPolicy, private readonly confirmer?: WriteConfirmer) {
    this.classes = new ClassCache(bridge);
  }

  /** (Re)starts the engine with the project's settings and registers the `godot` module. */
  attach(settings: Partial<WasGoSettings>): void {
    for (const u of this.unsubscribe) u();
    for (const id of [...this.mods.keys()]) this.dispose(id);
    setPlatform(godotPlatform(this.bridge));
    const confirmWrite = this.confirmer ? this.confirmer.confirmWrite : undefined;
    this.engine.init({ fileDir: 'user://wasgo', ...settings, ...(confirmWrite ? { confirmWrite } : {}) });
    for (const spec of godotFunctions(this, this.stats)) this.engine.register(spec);
    this.unsubscribe = [
      this.engine.on('print', (e) => this.tell(e.instance, { kind: 'printed', text: e.text, error: false })),
      this.engine.on('guest-error', (e) => this.tell(e.instance, { kind: 'printed', text: e.text, error: true })),
      this.engine.on('error', (e) => this.tell(e.instance, { kind: 'errored', code: e.error.errno, message: e.error.describe(), levelNeeded: levelNeededOf(e.error) })),
    ];
  }

  mod(instance: number): ModState | undefined {
    return this.mods.get(instance);
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

  /** Calls an export inline under the fuel budget. */
  callExport(id: number, name: string, args: readonly WasmValue[], fuel?: number): WasmValue | undefined {
    return this.instance(id).call(name, args, fuel !== undefined ? { fuel } : {});
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

  /** Stops a running main (worker mode) and disposes the instance. */
  kill(id: number): void {
    const m = this.mods.get(id);
    if (!m) return;
    m.run?.kill();
    this.dispose(id);
  }

  dispose(id: number): void {
    const m = this.mods.get(id);
    if (!m) return;
    this.mods.delete(id);
    this.handles.close(id);
    try {
      m.instanceRef.dispose();
    } finally {
      this.bridge.dispose(id);
    }
  }

  private tell(instance: number, e: ModEvent): void {
    if (!this.mods.has(instance)) return;
    try {
      this.bridge.notify(instance, e);
    } catch (err) {
      if (!(err instanceof WasGoError)) throw err;
    }
  }
}
