import { EngineShutDown, InstantiateError, LoadError, ModuleTooLarge, OutOfFuel, Timeout, WasGoError } from './errors';
import { calibration } from './calibrate';
import { clock, FuelPort, Metering, type Meter } from './meter';
import { Events, type EngineEvents } from './events';
import { WasGoInstance, type CallOptions } from './instance';
import { resolveSettings, type SafetyLevel, type WasGoSettings } from './settings';
import { classify, type FrameMap } from './traps';
import { platform } from '../platform/platform';
import { builtins } from '../table/builtins';
import { FunctionTable } from '../table/function-table';
import type { HostCallContext, HostFunctionSpec } from '../table/host-function';
import { link, type Binding, type Linked, type RefusedGrow } from '../table/linker';
import { Random } from '../table/random';
import { unsafeFunctions, wrappers } from '../table/wrappers';
import { LineBuffer, wasiFunctions } from '../table/wasi';
import type { ModuleInfo } from '../wasm/info';
import { prepareModule, rewriteKey, rewrittenInvalid, type PreparedModule } from './prepare';
import { GrowGate, growGate, workerGrowGate, type WorkerMemory } from './grow-gate';
import { commitPages } from './commit-pages';
import { loadCache } from './load-cache';
import { offThreadByDefault, prepareOffThread } from '../isolate/loader';
import { initialMemoryBytes, maxMemoryBytes, MemoryBudget, tableShapes } from './memory-budget';

/** A module's bytes, as loaded (lifecycle step 2). */
export interface ModuleBinary {
  name: string;
  bytes: Uint8Array;
}

/** A compiled module (step 3): the bytes as rewritten for the sandbox, and what it imports/exports. */
export interface CompiledModule {
  name: string;
  /** The bytes actually compiled (memory caps and fuel applied). */
  bytes: Uint8Array;
  module: WebAssembly.Module;
  info: ModuleInfo;
  /** Capped maximum entries of all its tables (host memory ~8 bytes each). */
  tableEntries?: number;
  /** Went through the fuel pass (imports `__wasgo.fuel_refill`, exports `__wasgo_fuel`). */
  metered?: boolean;
  /** Metered: how the fuel pass moved function indices, so guest stacks name the module's own (engine/traps.ts). */
  frames?: FrameMap | undefined;
}

export type ModSource = Uint8Array | ArrayBuffer | string | URL;

export interface InstanceOptions {
  /** Overrides the engine's level for this instance. */
  level?: SafetyLevel;
  /** Extra host functions for this instance only (a Godot node's API, ANT functions). */
  imports?: readonly HostFunctionSpec[];
  /** Fuel for each inline call; defaults to the engine's `fuelPerCall`. */
  fuelPerCall?: number;
}

export interface RunOptions extends InstanceOptions, CallOptions {
  name?: string;
  entry?: string;
  args?: readonly string[];
}

const PAGE = 65536;

const REALM_KEY = Symbol.for('wasgo.engine');

/**
 * Largest module `compileSync` takes (Godot's load_mod, ANT LoadModule): it validates, rewrites
 * and compiles on the calling thread, which is the game's, and browsers refuse synchronous
 * compiles over 8 MB on the main thread anyway (Chrome). Bigger modules load with `compile`.
 */
export const SYNC_COMPILE_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The one WasGo engine of this JS realm. It owns the settings, the function table, the
 * instances and error reporting. Each lifecycle step of the design is its own method with
 * its own error type: load → compile → link → instantiate → findMain/runMain → shutdown.
 */
export class WasGoEngine {
  private settingsValue: WasGoSettings = resolveSettings();
  private tableValue = new FunctionTable();
  private readonly events = new Events();
  private readonly live = new Map<number, WasGoInstance>();
  private readonly randoms = new Map<number, Random>();
  private budget = new MemoryBudget(resolveSettings().totalMemoryMb * 1024 * 1024);
  /** Per-instance WASI state: argv and the line buffers of stdout and stderr. */
  private readonly wasi = new Map<number, WasiSession>();
  private nextId = 1;
  private up = false;
  /** The current meter of inline calls (engine/meter.ts) and the calibrated price of host time. */
  private readonly metering = new Metering(() => this.settingsValue.maxCallMs);

  private constructor() {}

  /** The engine of this realm (created on first use; call `init` to configure it). */
  static get(): WasGoEngine {
    const g = globalThis as unknown as Record<symbol, WasGoEngine | undefined>;
    return (g[REALM_KEY] ??= new WasGoEngine());
  }

  /**
   * Step 1: (re)starts the engine with these settings. Existing instances are shut down and
   * game-registered functions are cleared: register them again after init.
   */
  init(settings: Partial<WasGoSettings> = {}): this {
    const resolved = resolveSettings(settings);
    if (this.up) this.shutdown();
    this.settingsValue = resolved;
    const cal = calibration();
    this.metering.unitsPerNs = cal.unitsPerNs;
    this.metering.hostFloor = cal.hostFloor;
    this.metering.current = undefined;
    this.budget = new MemoryBudget(resolved.totalMemoryMb * 1024 * 1024);
    this.tableValue = new FunctionTable();
    const services = {
      print: (ctx: HostCallContext, text: string) => this.events.emit('print', { instance: ctx.instanceId, mod: ctx.mod, text }),
      pushError: (ctx: HostCallContext, text: string) => this.events.emit('guest-error', { instance: ctx.instanceId, mod: ctx.mod, text }),
      random: (ctx: HostCallContext) => this.randomFor(ctx.instanceId),
    };
    const wasi = {
      args: (ctx: HostCallContext) => this.wasiFor(ctx.instanceId, ctx.mod).argv,
      write: (ctx: HostCallContext, fd: 1 | 2, data: Uint8Array) => this.wasiFor(ctx.instanceId, ctx.mod)[fd === 1 ? 'out' : 'err'].write(data),
      random: (ctx: HostCallContext) => this.randomFor(ctx.instanceId),
    };
    for (const spec of [...builtins(services), ...wasiFunctions(wasi), ...wrappers(() => this.settingsValue), ...unsafeFunctions()]) this.tableValue.register(spec);
    this.up = true;
    return this;
  }

  get running(): boolean {
    return this.up;
  }

  get settings(): Readonly<WasGoSettings> {
    return this.settingsValue;
  }

  get table(): FunctionTable {
    return this.tableValue;
  }

  /**
   * Fuel units billed per nanosecond of host-function time, calibrated when the first engine of
   * this realm started (a metered wasm loop timed: docs/limits.md). The Godot bridge and the bench
   * read it; `1 / unitsPerNs` is k, the ns one unit stands for.
   */
  get unitsPerNs(): number {
    return this.metering.unitsPerNs;
  }

  /** Units every host call costs on top of its declared cost, bytes and measured time (calibrated). */
  get hostCallFloor(): number {
    return this.metering.hostFloor;
  }

  /** The meter of the inline call running now, if any (its budget, used units, deadline). */
  get currentMeter(): Meter | undefined {
    return this.metering.current;
  }

  /** Registers a game's own host function (its modding API) at a level. */
  register(spec: HostFunctionSpec): void {
    this.ensureUp();
    this.tableValue.register(spec);
  }

  /** Removes a game-registered host function (see FunctionTable.unregister); false when there is none. */
  unregister(module: string, name: string): boolean {
    this.ensureUp();
    return this.tableValue.unregister(module, name);
  }

  on<K extends keyof EngineEvents>(name: K, fn: (e: EngineEvents[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  /**
   * Bytes of the engine-wide memory budget (`totalMemoryMb`) held now: what instances have
   * committed (memories' current sizes, tables), plus running worker mains' copies.
   */
  get memoryCommitted(): number {
    return this.budget.reservedBytes;
  }

  instances(): WasGoInstance[] {
    return [...this.live.values()];
  }

  /** Step 2: bytes from a buffer, a file path (Node), or a URL. */
  async load(source: ModSource, name?: string): Promise<ModuleBinary> {
    this.ensureUp();
    const label = name ?? sourceName(source);
    try {
      if (source instanceof Uint8Array) return { name: label, bytes: source };
      if (source instanceof ArrayBuffer) return { name: label, bytes: new Uint8Array(source) };
      return { name: label, bytes: await platform().readSource(String(source)) };
    } catch (e) {
      throw new LoadError(`cannot load ${label}: ${(e as Error).message}`, { module: label }, { cause: e });
    }
  }

  /**
   * Step 3: validates, applies memory caps and fuel metering, compiles. With `offThread` (default:
   * in browsers, for modules of 64 KiB or more) the validation, rewrite and compile run in a loader
   * worker (ts/isolate/loader.ts): the game's main thread only hashes the bytes (Web Crypto) and
   * receives the compiled module. A module in the load cache skips the rewrite either way.
   */
  async compile(binary: ModuleBinary, options: { offThread?: boolean } = {}): Promise<CompiledModule> {
    if (options.offThread ?? offThreadByDefault(binary.bytes.length)) return this.compileOffThread(binary);
    const prepared = this.prepare(binary);
    try {
      return this.compiled(binary.name, prepared, await WebAssembly.compile(prepared.bytes));
    } catch (e) {
      throw rewrittenInvalid(prepared.bytes, binary.name, e);
    }
  }

  /**
   * Step 3 without awaiting, for hosts that cannot await (GDScript). Browsers refuse
   * synchronous compilation of large modules on the main thread (Chrome: over 8 MB).
   */
  compileSync(binary: ModuleBinary): CompiledModule {
    if (binary.bytes.length > SYNC_COMPILE_MAX_BYTES) {
      throw new ModuleTooLarge(`${binary.bytes.length} bytes is over the ${SYNC_COMPILE_MAX_BYTES}-byte ceiling of a synchronous load on the game thread (${SYNC_COMPILE_MAX_BYTES / 2 ** 20} MiB; browsers refuse bigger synchronous compiles): load it asynchronously (engine.compile / loadMod)`, { module: binary.name });
    }
    const prepared = this.prepare(binary);
    try {
      return this.compiled(binary.name, prepared, new WebAssembly.Module(prepared.bytes));
    } catch (e) {
      throw rewrittenInvalid(prepared.bytes, binary.name, e);
    }
  }

  private prepare(binary: ModuleBinary): PreparedModule {
    this.ensureUp();
    // Original validated and rewritten once; the compile right after is the rewritten bytes' validation.
    return prepareModule(binary.bytes, { ...this.prepareOptions(binary.name), revalidate: false });
  }

  private prepareOptions(name: string) {
    const s = this.settingsValue;
    return { name, memoryMb: s.memoryMb, meter: s.fuelPerCall > 0 || s.fuelPerMain > 0, maxTableEntries: s.maxTableEntries };
  }

  private async compileOffThread(binary: ModuleBinary): Promise<CompiledModule> {
    this.ensureUp();
    const options = this.prepareOptions(binary.name);
    // Our own copy before the first await: bytes the caller changes while the hash is pending must
    // not be rewritten and cached under the key of the bytes it passed (cache poisoning across mods).
    binary = { ...binary, bytes: binary.bytes.slice() };
    const key = await loadCache.keyAsync(binary.bytes, rewriteKey(options));
    const hit = loadCache.get(key);
    if (hit) {
      try {
        return this.compiled(binary.name, hit, await WebAssembly.compile(hit.bytes));
      } catch (e) {
        throw rewrittenInvalid(hit.bytes, binary.name, e);
      }
    }
    const { prepared, module } = await prepareOffThread(binary.bytes, options);
    loadCache.put(key, { ...prepared, rewritten: true, validated: true });
    return this.compiled(binary.name, prepared, module);
  }

  private compiled(name: string, p: PreparedModule, module: WebAssembly.Module): CompiledModule {
    return { name, bytes: p.bytes, module, info: p.info, tableEntries: p.tableEntries, metered: p.metered, frames: p.frames };
  }

  /** Steps 4–5: links against the function table of the level, instantiates. */
  async instantiate(compiled: CompiledModule, options: InstanceOptions = {}): Promise<WasGoInstance> {
    const pending = this.linkInstance(compiled, options);
    let raw: WebAssembly.Instance;
    try {
      raw = await WebAssembly.instantiate(compiled.module, pending.linked.imports);
    } catch (e) {
      throw pending.failed(e);
    } finally {
      pending.started();
    }
    return pending.finish(raw);
  }

  /**
   * Steps 4–5 synchronously, for host functions that must load a module before they return
   * (ANTwasm's load_module). Browsers may refuse synchronous instantiation of big modules on
   * the main thread; prefer `instantiate` everywhere else.
   */
  instantiateSync(compiled: CompiledModule, options: InstanceOptions = {}): WasGoInstance {
    const pending = this.linkInstance(compiled, options);
    let raw: WebAssembly.Instance;
    // Inside a host call (ANT load_module*), instantiating is billed as a call (the start
    // function's units), not as the host call's time; V8's own work here (data segments) is
    // bounded by the memory caps and the deadline.
    const meter = this.metering.current;
    const t0 = clock();
    const accounted = meter?.accountedMs ?? 0;
    try {
      raw = new WebAssembly.Instance(compiled.module, pending.linked.imports);
    } catch (e) {
      throw pending.failed(e);
    } finally {
      pending.started();
      if (meter) meter.accountedMs = accounted + (clock() - t0);
    }
    return pending.finish(raw);
  }

  private linkInstance(compiled: CompiledModule, options: InstanceOptions) {
    this.ensureUp();
    const id = this.nextId++;
    const level = options.level ?? this.settingsValue.level;
    const table = options.imports?.length ? this.tableWith(options.imports) : this.tableValue;
    const fault: { error?: WasGoError | undefined } = {};
    const binding: Binding = {};
    const memoryRefusals: { count: number; last?: RefusedGrow | undefined } = { count: 0 };
    const declared = (compiled.info.imports.find((i) => i.kind === 'memory') as { limits?: { max?: number } } | undefined)?.limits?.max ?? compiled.info.memories[0]?.max;
    const cap = Math.floor((this.settingsValue.memoryMb * 1024 * 1024) / PAGE);
    const maxPages = Math.min(declared ?? cap, cap);
    const growRefused = (memory: number, askedPages: number, refusedBy: RefusedGrow['refusedBy'] = 'cap') => {
      const mem = binding.guest?.memory;
      const sizePages = mem ? Math.floor(mem.size / PAGE) : 0;
      memoryRefusals.count++;
      memoryRefusals.last = { memory, askedPages, sizePages, maxPages, refusedBy };
    };
    const fuelPerCall = options.fuelPerCall ?? this.settingsValue.fuelPerCall;
    // The start function runs under the current meter (a module loaded from inside a call, e.g.
    // ANT load_module*, is billed to that call) or a fresh one; bound before instantiation, so
    // its instructions and host calls are charged like any call's.
    const port = new FuelPort(this.metering);
    const startMeter = this.metering.current ?? this.metering.create(fuelPerCall);
    port.pending = startMeter;
    // Committed memory (docs/limits.md "Committed memory"): a metered module's memory.grow asks
    // the budget (growGate); an unmetered one's cannot, so it holds its capped maximum.
    const tables = tableShapes(compiled.bytes, compiled.info, this.settingsValue.maxTableEntries);
    const held = compiled.metered
      ? initialMemoryBytes(compiled.info) + tables.reduce((n, t) => n + t.min * t.entryBytes, 0)
      : maxMemoryBytes(compiled.info, this.settingsValue.memoryMb) + tables.reduce((n, t) => n + t.max * t.entryBytes, 0);
    const place = { module: compiled.name, instance: id };
    const account = this.budget.open(held, `instance ${id} of ${compiled.name}`, place);
    const release = () => account.release();
    const grow = growGate(binding, new GrowGate(account, this.budget, maxPages, tables, growRefused));
    let linked: Linked;
    try {
      linked = link(compiled.info, {
        table, level, moduleName: compiled.name, instanceId: id,
        memoryMb: this.settingsValue.memoryMb, maxTableEntries: this.settingsValue.maxTableEntries,
        strictImports: this.settingsValue.strictImports, binding,
        fault: (error) => (fault.error ??= error),
        currentFault: () => fault.error,
        fuel: port, metered: compiled.metered, grow,
      });
    } catch (e) {
      release();
      throw e;
    }
    // A worker main's own copy of the memories counts the same way: its initial size from the
    // start, each grow asked of this thread through a host call (workerGrowGate), all of it
    // given back when the run ends.
    const workerMemory = (): WorkerMemory => {
      const copy = this.budget.open(held, `a worker main of instance ${id} of ${compiled.name}`, place);
      return { release: () => copy.release(), gate: workerGrowGate(new GrowGate(copy, this.budget, maxPages, tables, growRefused)) };
    };
    const failed = (e: unknown): WasGoError => {
      release();
      const place = { module: compiled.name, instance: id };
      // Running out of fuel or time in the start function is that, not a failed instantiation.
      const limit = startMeter.exhausted;
      if (limit instanceof OutOfFuel || limit instanceof Timeout) return limit.at(place);
      const c = classify(fault.error ?? e, place);
      return new InstantiateError(`cannot instantiate ${compiled.name}: ${c.describe()}`, { module: compiled.name, instance: id }, { cause: c });
    };
    const finish = (raw: WebAssembly.Instance): WasGoInstance => {
      const instance: WasGoInstance = new WasGoInstance({
        id, name: compiled.name, level, module: compiled.module, instance: raw, info: compiled.info,
        links: linked.links, binding, importedMemory: linked.memory,
        fuelPerCall, fault, port, startMeter, memoryRefusals,
        table, memoryMb: this.settingsValue.memoryMb, mainTimeoutMs: this.settingsValue.mainTimeoutMs,
        fuelPerMain: this.settingsValue.fuelPerMain, maxWorkers: this.settingsValue.maxWorkers,
        workerMemory,
        reportError: (error) => this.events.emit('error', { instance: id, mod: compiled.name, error }),
        mainStarting: (argv) => {
          this.wasiFor(id, compiled.name).argv = [...argv];
        },
        flushOutput: () => this.flushWasi(id),
        onDispose: () => {
          release();
          this.flushWasi(id);
          this.live.delete(id);
          this.randoms.delete(id);
          this.wasi.delete(id);
        },
      });
      this.live.set(id, instance);
      // The wasm start function (deferred by the rewriter, so host functions it calls see the
      // instance), then a WASI reactor's `_initialize`: once each, before anything else, on the start meter.
      const initialize = compiled.info.exports.some((e) => e.name === '_initialize' && e.kind === 'function' && !e.type?.params.length);
      const step = (what: string, run: () => unknown) => {
        const prev = this.metering.swap(startMeter);
        try {
          run();
        } catch (e) {
          instance.dispose();
          const c = classify(e, { module: compiled.name, instance: id });
          if (c instanceof OutOfFuel || c instanceof Timeout) throw c;
          throw new InstantiateError(`cannot instantiate ${compiled.name}: ${what}${c.describe()}`, { module: compiled.name, instance: id }, { cause: c });
        } finally {
          this.metering.restore(prev);
        }
      };
      // Inline instances commit their memory now (engine/commit-pages.ts); a worker main's copy is its own thread's.
      const memory = binding.memory;
      if (memory) commitPages(memory.buffer);
      step('', () => instance.runStartFunction());
      if (initialize) step('_initialize failed: ', () => instance.call('_initialize'));
      return instance;
    };
    /** Instantiation is over: the instance's code runs under the engine's current meter from now on. */
    const started = () => {
      port.pending = undefined;
    };
    return { linked, failed, finish, started };
  }

  /** load → compile → link → instantiate, in one call. */
  async loadMod(source: ModSource, options: InstanceOptions & { name?: string } = {}): Promise<WasGoInstance> {
    const binary = await this.load(source, options.name);
    return this.instantiate(await this.compile(binary), options);
  }

  /** The whole lifecycle for one mod: load it, run its main inline, dispose it. Returns main's result. */
  async run(source: ModSource, options: RunOptions = {}): Promise<number> {
    const instance = await this.loadMod(source, options);
    try {
      return instance.runMain(options.args ?? [], options);
    } finally {
      instance.dispose();
    }
  }

  /** Step 8: disposes every instance; the engine refuses work until `init` is called again. */
  shutdown(): void {
    for (const i of [...this.live.values()]) i.dispose();
    this.live.clear();
    this.randoms.clear();
    this.wasi.clear();
    this.up = false;
  }

  private ensureUp(): void {
    if (!this.up) throw new EngineShutDown('the WasGo engine is not running: call WasGoEngine.get().init(settings) first');
  }

  private tableWith(extra: readonly HostFunctionSpec[]): FunctionTable {
    const t = new FunctionTable();
    for (const e of this.tableValue.all()) t.register(e);
    for (const e of extra) t.register(e);
    return t;
  }

  private wasiFor(id: number, mod: string): WasiSession {
    let w = this.wasi.get(id);
    if (!w) {
      const line = (kind: 'print' | 'guest-error') => (text: string) => this.events.emit(kind, { instance: id, mod, text });
      this.wasi.set(id, (w = { argv: [mod], out: new LineBuffer(line('print')), err: new LineBuffer(line('guest-error')) }));
    }
    return w;
  }

  private flushWasi(id: number): void {
    const w = this.wasi.get(id);
    w?.out.flush();
    w?.err.flush();
  }

  private randomFor(id: number): Random {
    let r = this.randoms.get(id);
    if (!r) {
      const seed = this.settingsValue.randomSeed ?? globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
      this.randoms.set(id, (r = new Random(seed)));
    }
    return r;
  }
}

interface WasiSession {
  argv: string[];
  out: LineBuffer;
  err: LineBuffer;
}

function sourceName(source: ModSource): string {
  if (typeof source === 'string') return source.split(/[\\/]/).pop() || source;
  if (source instanceof URL) return source.pathname.split('/').pop() || source.href;
  return 'module';
}

export { WasGoError };
