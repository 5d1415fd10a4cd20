import { WasGoEngine, type CompiledModule } from '../engine/engine';
import { EngineShutDown, EntryNotFound, MemoryLimit, WasGoError } from '../engine/errors';
import type { CallOptions, WasGoInstance, WasmValue } from '../engine/instance';
import type { SafetyLevel } from '../engine/settings';
import type { HostCallContext, HostFunctionSpec } from '../table/host-function';
import type { ModuleInfo } from '../wasm/info';
import { PackageRefused } from './errors';
import type { PackageLimits } from './limits';
import { entryNameOf } from './names';
import { readPackage, type AntPackage } from './package';
import type { TrustOptions } from './trust';
import {
  AntRuntimeError, GAME_HASNT_STARTED_YET_ERROR, GAME_IS_RUNNING_ERROR, GENERIC_FAILURE, NO_MORE_MEMORY_ERROR,
  PATH_RESOLUTION_ERROR, RESOLUTION_ERROR,
} from './spec-codes';
import {
  ANT_IMPORTS, declaredResult, findEntry, moduleLoadCallback, type AntImportName, type AntRole,
} from './spec-imports';

/** The Core's main (the Initialization Phase) gets this many times `fuelPerCall`. */
export const INIT_FUEL_FACTOR = 10;
import {
  CORE_PATH, MAIN_PATH, bytesFromString, hasCorePrefix, hasWasmMagic, isCorePath, isMainPath, stringFromBytes, unreadablePath,
} from './spec-ops';

/**
 * The ANTwasm 0.0.1 runtime: a game's phases, its Core and Main, the ANT imports and the
 * module handles the host calls into. docs/antwasm.md explains every choice made where the
 * specification is ambiguous; the comments below number the spec's steps.
 */

export type AntPhase = 'loading' | 'initialization' | 'game' | 'failed' | 'disposed';

/** Who a module is, before and after it has an instance. */
export interface AntModuleRef {
  /** 0 for the Core; LoadModule's $wasmModulesLoaded value for the others (undefined until step 7). */
  readonly id: number | undefined;
  /** Spec path, e.g. "/core/physics.wasm". */
  readonly path: string;
  readonly role: AntRole;
  /** ModuleId of the module whose import loaded this one (undefined for the Core). */
  readonly loadedBy: number | undefined;
}

/** A loaded module of the game: its handle stays alive until the game is disposed. */
export interface AntModule extends AntModuleRef {
  readonly id: number;
  readonly instance: WasGoInstance;
}

export type AntEvent =
  | { type: 'phase'; phase: AntPhase }
  | { type: 'loaded'; module: AntModule }
  /** An ANT import returned: `result` is a ModuleId (> 0), 0 (start_game as i32) or an error code; `reason` explains errors. */
  | { type: 'import'; caller: AntModuleRef; fn: AntImportName; path?: string; result: number; reason?: string };

export type AntGameImports = readonly HostFunctionSpec[] | ((module: AntModuleRef) => readonly HostFunctionSpec[]);

export interface LoadGameOptions extends TrustOptions {
  /** Default: WasGoEngine.get(), which must have been init()ed. Trust settings default to its settings. */
  engine?: WasGoEngine | undefined;
  /** Safety level for every module of the package; default the engine's. */
  level?: SafetyLevel | undefined;
  limits?: Partial<PackageLimits> | undefined;
  /** Package name for error messages and module names (e.g. the file name). Default: ant.json's name, else "game". */
  name?: string | undefined;
  /** The game's own host functions (its modding API), for every module or per module. */
  imports?: AntGameImports | undefined;
  /** Instantiations through LoadModule per game, successful or not; more return NO_MORE_MEMORY_ERROR (-6). Default 64. */
  maxModules?: number | undefined;
  /** Arguments for a Core whose entry is main(argc, argv). */
  args?: readonly string[] | undefined;
  onEvent?: ((event: AntEvent) => void) | undefined;
}

export const DEFAULT_MAX_MODULES = 64;

interface ModuleRecord {
  id: number | undefined;
  path: string;
  role: AntRole;
  loadedBy: number | undefined;
  instance?: WasGoInstance;
}

interface LoadResult {
  result: number;
  reason?: string;
}

/**
 * Loads and starts an ANT.zip:
 * - Loading Phase: the zip is read safely and verified (trust from `options`, else the engine's
 *   requireSignature/trustedKeys) before any of its code runs — an untrusted package throws
 *   PackageRefused; then /core.wasm (case-sensitive) must exist and compile, and every other
 *   entry that looks like wasm is compiled (not run) so load_module can instantiate it at once.
 * - Initialization Phase: the Core is instantiated and its entry (main/_start) is called; what it
 *   loads through load_module_core / load_main happens inside that call.
 * - Game Phase: entered when a Core or Main calls start_game. `game.phase` tells where it is.
 * Resolves to the game once the Core's entry returns; rejects (disposing whatever was loaded)
 * when the package is refused, the Core cannot be instantiated, or the Core's entry fails.
 */
export async function loadGame(source: Uint8Array | AntPackage, options: LoadGameOptions = {}): Promise<AntGame> {
  const game = new AntGame(options);
  await game.runLoadingPhase(source);
  await game.runInitializationPhase();
  return game;
}

export class AntGame {
  readonly engine: WasGoEngine;
  /** The Core entry's i32 result (0 for void), once it has returned. */
  coreResult: number | undefined;
  private pkg: AntPackage | undefined;
  private phaseValue: AntPhase = 'loading';
  private readonly compiled = new Map<string, CompiledModule>();
  private readonly compileErrors = new Map<string, string>();
  private readonly live: AntModule[] = [];
  private readonly listeners = new Set<(e: AntEvent) => void>();
  private wasmModulesLoaded = 0;
  private instantiations = 0;
  private mainLoaded = false;
  private readonly maxModules: number;
  private label = 'game';
  private loadingStarted = false;

  /** Use loadGame(). */
  constructor(private readonly options: LoadGameOptions = {}) {
    this.engine = options.engine ?? WasGoEngine.get();
    this.maxModules = options.maxModules ?? DEFAULT_MAX_MODULES;
    if (!Number.isInteger(this.maxModules) || this.maxModules < 0) throw new RangeError('maxModules must be a non-negative integer');
    if (options.onEvent) this.listeners.add(options.onEvent);
  }

  get phase(): AntPhase {
    return this.phaseValue;
  }

  /** start_game has been called (the game is, or was before failing/disposal, in the Game Phase). */
  get started(): boolean {
    return this.startedValue;
  }
  private startedValue = false;

  get package(): AntPackage {
    if (!this.pkg) throw new AntRuntimeError(GENERIC_FAILURE, 'the package has not been loaded');
    return this.pkg;
  }

  /** Live modules in load order; the Core (id 0) first. */
  get modules(): readonly AntModule[] {
    return [...this.live];
  }

  get core(): AntModule | undefined {
    return this.live.find((m) => m.role === 'core');
  }

  get main(): AntModule | undefined {
    return this.live.find((m) => m.role === 'main');
  }

  module(id: number): AntModule | undefined {
    return this.live.find((m) => m.id === id);
  }

  on(listener: (e: AntEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls a module's export. Only in the Game Phase: before start_game it throws AntRuntimeError
   * GAME_HASNT_STARTED_YET_ERROR (-4). A trap fails that module (as any WasGo instance) and throws.
   */
  call(moduleId: number, exportName: string, args: readonly WasmValue[] = [], options: CallOptions = {}): WasmValue | undefined {
    const m = this.usableModule(moduleId);
    if (this.phaseValue !== 'game') {
      throw new AntRuntimeError(GAME_HASNT_STARTED_YET_ERROR, `cannot call ${exportName}: start_game has not been called (phase ${this.phaseValue})`, { module: m.instance.name, export: exportName });
    }
    return m.instance.call(exportName, args, options);
  }

  /** [[%BytesFromString%]] into a module's memory: the pointer, or an ANTwasm error code. Any phase. */
  bytesFromString(moduleId: number, text: string): number {
    return bytesFromString(this.usableModule(moduleId).instance, text);
  }

  /** [[%StringFromBytes%]] from a module's memory: the string, or GENERIC_FAILURE (-1). Any phase. */
  stringFromBytes(moduleId: number, ptr: number, len: number): string | number {
    return stringFromBytes(this.usableModule(moduleId).instance.memory, ptr, len);
  }

  /** Disposes every module. Idempotent. */
  dispose(): void {
    if (this.phaseValue === 'disposed') return;
    for (const m of this.live.splice(0)) m.instance.dispose();
    this.setPhase('disposed');
  }

  // ---------------------------------------------------------------- phases

  /** Loading Phase. */
  async runLoadingPhase(source: Uint8Array | AntPackage): Promise<void> {
    const o = this.options;
    const settings = this.engine.settings;
    if (!this.engine.running) throw new EngineShutDown('the WasGo engine is not running: call WasGoEngine.get().init(settings) first');
    if (this.loadingStarted) throw new AntRuntimeError(GENERIC_FAILURE, 'the Loading Phase runs once per game');
    this.loadingStarted = true;
    this.emit({ type: 'phase', phase: 'loading' });
    try {
      const pkg = source instanceof Uint8Array
        ? await readPackage(source, {
          requireSignature: o.requireSignature ?? settings.requireSignature,
          trustedKeys: o.trustedKeys ?? settings.trustedKeys,
          limits: o.limits, name: o.name,
        })
        : source;
      if (!pkg.trust.trusted) throw PackageRefused.from(pkg.trust.problems[0] ?? { code: 'UnsignedPackage', message: 'the package is not trusted' });
      this.pkg = pkg;
      this.label = o.name ?? pkg.manifest?.name ?? 'game';
      const place = { module: this.label };
      const coreEntry = entryNameOf(CORE_PATH)!;
      if (!pkg.files.has(coreEntry)) {
        const lookalike = [...pkg.files.keys()].find((n) => n.toLowerCase() === coreEntry);
        throw new PackageRefused('MissingCore', `no /core.wasm at the zip root${lookalike ? ` (found ${JSON.stringify(lookalike)}; the name is case-sensitive)` : ''}`, undefined, place);
      }
      // Only the Core is compiled now: other modules when LoadModule first asks for them
      // (compileEntry), so a package cannot make loading pay for modules it never loads.
      const core = pkg.files.get(coreEntry)!;
      if (hasWasmMagic(core)) {
        try {
          this.compiled.set(coreEntry, await this.engine.compile({ name: this.moduleName(`/${coreEntry}`), bytes: core }));
        } catch (e) {
          if (!(e instanceof WasGoError)) throw e;
          this.compileErrors.set(coreEntry, e.describe());
        }
      }
      if (!this.compiled.has(coreEntry)) {
        throw new PackageRefused('InvalidWasm', `is not a valid WebAssembly module${this.compileErrors.has(coreEntry) ? `: ${this.compileErrors.get(coreEntry)}` : ''}`, coreEntry, place);
      }
      const entry = findEntry(this.compiled.get(coreEntry)!.info);
      if (!entry.name) {
        throw new EntryNotFound(`the Core must export an entry point (main or _start)${entry.problem ? `: ${entry.problem.message}` : ''}`, { module: this.moduleName(CORE_PATH) });
      }
    } catch (e) {
      this.fail();
      throw e;
    }
  }

  /** Initialization Phase: instantiate the Core and run its entry. */
  async runInitializationPhase(): Promise<void> {
    const compiled = this.compiled.get(entryNameOf(CORE_PATH)!);
    if (!compiled || this.phaseValue !== 'loading' || this.live.length) {
      throw new AntRuntimeError(GENERIC_FAILURE, `the Initialization Phase follows a successful Loading Phase, once (phase ${this.phaseValue})`);
    }
    this.setPhase('initialization');
    const ref: ModuleRecord = { id: 0, path: CORE_PATH, role: 'core', loadedBy: undefined };
    try {
      const instance = await this.engine.instantiate(compiled, { level: this.options.level, imports: this.importsFor(ref, compiled.info) });
      if (this.isOver()) {
        instance.dispose();
        throw new AntRuntimeError(GENERIC_FAILURE, 'the game was disposed while its Core was being instantiated');
      }
      this.add(ref, instance);
      // The Core's main is the game's whole Initialization Phase (every module it loads, their
      // start functions and on_module_load, their prints), not a per-frame call: it gets
      // INIT_FUEL_FACTOR x fuelPerCall; maxCallMs still bounds it (docs/antwasm.md).
      const perCall = this.engine.settings.fuelPerCall;
      this.coreResult = instance.runMain(this.options.args ?? [], { entry: findEntry(compiled.info).name!, fuel: perCall > 0 ? perCall * INIT_FUEL_FACTOR : 0 });
    } catch (e) {
      this.fail();
      throw e;
    }
  }

  // ---------------------------------------------------------------- the ANT imports

  private importsFor(ref: ModuleRecord, info: ModuleInfo): HostFunctionSpec[] {
    const game = typeof this.options.imports === 'function' ? this.options.imports(this.refOf(ref)) : (this.options.imports ?? []);
    const ant: HostFunctionSpec[] = [];
    const spec = (name: AntImportName, params: ('i32')[], result: 'i32' | 'void', impl: (ctx: HostCallContext, ...a: number[]) => LoadResult & { path?: string }) => {
      ant.push({
        module: 'ant', name, params, result, level: 1, kind: 'core', inlineOnly: true,
        doc: `ANTwasm 0.0.1 ${name} (docs/antwasm.md)`,
        implementation: (ctx: HostCallContext, ...args: never[]) => {
          const r = this.isOver() ? { result: GENERIC_FAILURE, reason: `the game is ${this.phaseValue}` } : impl(ctx, ...(args as number[]));
          this.emit({ type: 'import', caller: this.refOf(ref), fn: name, ...(r.path !== undefined ? { path: r.path } : {}), result: r.result, ...(r.reason ? { reason: r.reason } : {}) });
          return result === 'void' ? undefined : r.result;
        },
      });
    };
    for (const name of Object.keys(ANT_IMPORTS) as AntImportName[]) {
      if (!ANT_IMPORTS[name].roles.includes(ref.role)) continue;
      const params = [...ANT_IMPORTS[name].params];
      const result = params.length ? 'i32' : declaredResult(info, name);
      if (name === 'load_module') spec(name, params, result, (ctx, ptr, len) => this.importLoadModule(ctx, ref, ptr!, len!));
      if (name === 'load_module_core') spec(name, params, result, (ctx, ptr, len) => this.importLoadModuleCore(ctx, ref, ptr!, len!));
      if (name === 'load_main') spec(name, params, result, () => this.importLoadMain(ref));
      if (name === 'start_game') spec(name, params, result, () => this.importStartGame());
    }
    return [...game, ...ant];
  }

  /** Main's load_module (ptr, len): i32. */
  private importLoadModule(ctx: HostCallContext, caller: ModuleRecord, ptr: number, len: number): LoadResult & { path?: string } {
    if (this.startedValue) return { result: GAME_IS_RUNNING_ERROR, reason: 'the game has started' }; // 1
    const path = stringFromBytes(ctx.guest?.memory, ptr, len); // 2
    if (typeof path === 'number') return { result: path, reason: unreadablePath(ctx.guest?.memory, ptr, len) };
    if (hasCorePrefix(path)) return { path, result: PATH_RESOLUTION_ERROR, reason: 'a Main may not load /core/ modules' }; // 3
    if (isCorePath(path)) return { path, result: PATH_RESOLUTION_ERROR, reason: 'a Main may not load the Core' }; // 4
    if (isMainPath(path)) return { path, result: PATH_RESOLUTION_ERROR, reason: 'a Main may not load itself' }; // 5
    return { path, ...this.loadModule(path, 'module', caller) }; // 6
  }

  /** Core's load_module_core (ptr, len): i32. */
  private importLoadModuleCore(ctx: HostCallContext, caller: ModuleRecord, ptr: number, len: number): LoadResult & { path?: string } {
    if (this.startedValue) return { result: GAME_IS_RUNNING_ERROR, reason: 'the game has started' }; // 1
    const path = stringFromBytes(ctx.guest?.memory, ptr, len); // 2
    if (typeof path === 'number') return { result: path, reason: unreadablePath(ctx.guest?.memory, ptr, len) };
    if (isCorePath(path)) return { path, result: PATH_RESOLUTION_ERROR, reason: 'the Core may not load itself' }; // 3
    if (!hasCorePrefix(path)) return { path, result: PATH_RESOLUTION_ERROR, reason: 'load_module_core loads /core/ paths only' }; // 4
    return { path, ...this.loadModule(path, 'core-module', caller) }; // 5
  }

  /** Core's load_main (): void — or (): i32 to receive the result (docs/antwasm.md). */
  private importLoadMain(caller: ModuleRecord): LoadResult & { path?: string } {
    if (this.startedValue) return { result: GAME_IS_RUNNING_ERROR, reason: 'the game has started' }; // 1
    if (this.mainLoaded) return { path: MAIN_PATH, result: GENERIC_FAILURE, reason: 'the Main is already loaded (load_main succeeds once)' };
    const r = this.loadModule(MAIN_PATH, 'main', caller); // 2
    if (r.result > 0) this.mainLoaded = true;
    return { path: MAIN_PATH, ...r };
  }

  /** start_game (): void — or (): i32, which returns 0, or GAME_IS_RUNNING_ERROR (-5) when already started. */
  private importStartGame(): LoadResult {
    if (this.startedValue) return { result: GAME_IS_RUNNING_ERROR, reason: 'the game has already started' };
    this.startedValue = true; // 1. Start the Game.
    this.setPhase('game');
    return { result: 0 };
  }

  /** [[%LoadModule%]] (path, Imports): i32. */
  private loadModule(path: string, role: AntRole, loader: ModuleRecord): LoadResult {
    if (this.startedValue) return { result: GAME_IS_RUNNING_ERROR, reason: 'the game has started' }; // 1
    const entry = entryNameOf(path); // 2. resolve in the package: an absolute, safe, case-sensitive entry name
    const bytes = entry === undefined ? undefined : this.package.files.get(entry);
    if (entry === undefined || bytes === undefined) { // 3
      return { result: PATH_RESOLUTION_ERROR, reason: entry === undefined ? 'not an absolute package path to a file' : 'no such file in the package' };
    }
    const compiled = this.compiled.get(entry) ?? this.compileEntry(entry, bytes);
    if (!compiled) return { result: RESOLUTION_ERROR, reason: this.compileErrors.get(entry) ?? 'not a WebAssembly module' }; // 4
    if (this.instantiations >= this.maxModules) {
      return { result: NO_MORE_MEMORY_ERROR, reason: `the game may instantiate at most ${this.maxModules} modules (maxModules)` };
    }
    this.instantiations++;
    const ref: ModuleRecord = { id: undefined, path, role, loadedBy: loader.id };
    let instance: WasGoInstance;
    try {
      instance = this.engine.instantiateSync(compiled, { level: this.options.level, imports: this.importsFor(ref, compiled.info) }); // 5
    } catch (e) {
      // The engine's memory budget (totalMemoryMb) refusing is "more memory than can be granted".
      if (e instanceof MemoryLimit) return { result: NO_MORE_MEMORY_ERROR, reason: describe(e) };
      return { result: RESOLUTION_ERROR, reason: describe(e) }; // 6
    }
    if (this.isOver()) {
      instance.dispose();
      return { result: GENERIC_FAILURE, reason: `the game is ${this.phaseValue}` };
    }
    ref.id = ++this.wasmModulesLoaded; // 7
    const m = this.add(ref, instance);
    try {
      const callback = moduleLoadCallback(compiled.info); // 8
      if (callback) instance.call(callback, [ref.id]);
      if (role === 'main') {
        const main = findEntry(compiled.info);
        if (main.problem) throw new EntryNotFound(main.problem.message, { module: instance.name });
        if (main.name && !this.isOver()) instance.runMain([], { entry: main.name });
      }
    } catch (e) {
      this.remove(m);
      return { result: RESOLUTION_ERROR, reason: `${role === 'main' ? 'the Main' : 'the module'} failed while loading: ${describe(e)}` };
    }
    return { result: ref.id }; // 9
  }

  /**
   * Compiles a module on its first LoadModule, synchronously (the import returns the ModuleId),
   * within the engine's synchronous-compile ceiling (SYNC_COMPILE_MAX_BYTES, ModuleTooLarge past
   * it). The result (or the error) is kept: loading the path again instantiates at once.
   */
  private compileEntry(entry: string, bytes: Uint8Array): CompiledModule | undefined {
    if (this.compileErrors.has(entry) || !hasWasmMagic(bytes)) return undefined;
    try {
      const compiled = this.engine.compileSync({ name: this.moduleName(`/${entry}`), bytes });
      this.compiled.set(entry, compiled);
      return compiled;
    } catch (e) {
      if (!(e instanceof WasGoError)) throw e;
      this.compileErrors.set(entry, e.describe());
      return undefined;
    }
  }

  // ---------------------------------------------------------------- bookkeeping

  private add(ref: ModuleRecord, instance: WasGoInstance): AntModule {
    ref.instance = instance;
    const m: AntModule = Object.freeze({ id: ref.id!, path: ref.path, role: ref.role, loadedBy: ref.loadedBy, instance });
    this.live.push(m);
    this.emit({ type: 'loaded', module: m });
    return m;
  }

  private remove(m: AntModule): void {
    const i = this.live.indexOf(m);
    if (i >= 0) this.live.splice(i, 1);
    m.instance.dispose();
  }

  private usableModule(id: number): AntModule {
    if (this.isOver()) throw new AntRuntimeError(GENERIC_FAILURE, `the game is ${this.phaseValue}`);
    const m = this.module(id);
    if (!m) throw new AntRuntimeError(GENERIC_FAILURE, `no loaded module with ModuleId ${id}`);
    return m;
  }

  private refOf(r: ModuleRecord): AntModuleRef {
    return { id: r.id, path: r.path, role: r.role, loadedBy: r.loadedBy };
  }

  private moduleName(path: string): string {
    return `${this.label}:${path}`;
  }

  private isOver(): boolean {
    return this.phaseValue === 'failed' || this.phaseValue === 'disposed';
  }

  private fail(): void {
    for (const m of this.live.splice(0)) m.instance.dispose();
    this.setPhase('failed');
  }

  private setPhase(phase: AntPhase): void {
    if (this.phaseValue === phase) return;
    this.phaseValue = phase;
    this.emit({ type: 'phase', phase });
  }

  private emit(e: AntEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        console.error('WasGo: an ANT event listener threw:', err);
      }
    }
  }
}

function describe(e: unknown): string {
  if (e instanceof WasGoError) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof WasGoError ? cause.describe() : e.describe();
  }
  return (e as Error)?.message ?? String(e);
}
