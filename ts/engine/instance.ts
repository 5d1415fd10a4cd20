import { BadSignature, EntryNotFound, InstanceFailed, MemoryLimit, OutOfFuel, ProcExit, Timeout, type WasGoError } from './errors';
import type { SafetyLevel } from './settings';
import { clock, type FuelPort, type Meter } from './meter';
import { classify } from './traps';
import { allocatorOf, writeArgv } from '../guest/argv';
import type { GuestMemory } from '../guest/memory';
import { bindInstance, type Binding, type ImportLink, type RefusedGrow } from '../table/linker';
import type { HostFunctionSpec } from '../table/host-function';
import type { FunctionTable } from '../table/function-table';
import { startMain, type MainRun, type StartOptions } from '../isolate/run';
import type { ModuleInfo } from '../wasm/info';
import type { WorkerMemory } from './grow-gate';
import { FUEL_EXPORT, START_EXPORT } from '../wasm/fuel-names';
import { RESERVED_PREFIX } from '../wasm/reserved';

/** `exited`: a WASI guest called proc_exit; like `failed`, nothing more can be called, but it is no error. */
export type InstanceState = 'ready' | 'running' | 'failed' | 'exited' | 'disposed';
export type WasmValue = number | bigint;

export interface CallOptions {
  /** Fuel budget for this call; overrides the engine's `fuelPerCall`. 0 = unmetered. */
  fuel?: number;
}

/** How `main` is called: `main()`, `main(argc, argv)`, WASI `_start()`, or a caller-given export. */
export interface EntryPoint {
  name: string;
  form: 'no-args' | 'argc-argv';
}

export interface InstanceParts {
  id: number;
  name: string;
  level: SafetyLevel;
  module: WebAssembly.Module;
  instance: WebAssembly.Instance;
  info: ModuleInfo;
  links: ImportLink[];
  binding: Binding;
  importedMemory?: WebAssembly.Memory | undefined;
  fuelPerCall: number;
  /** The instance's fuel side: its counter, slices and the engine's current meter (engine/meter.ts). */
  port: FuelPort;
  /** The meter its instantiation ran under (the start function's charges); its counter is settled against it. */
  startMeter?: Meter | undefined;
  /** memory.grow requests the cap or the budget refused (recorded by the grow gate, engine/grow-gate.ts). */
  memoryRefusals: { count: number; last?: RefusedGrow | undefined };
  /** Fault recorded by a host function or stub during the current call (sticky). */
  fault: { error?: WasGoError | undefined };
  reportError(error: WasGoError): void;
  onDispose(): void;
  /** Opens the engine's memory budget account for a worker main's own copy of the memories (and its grow gate). */
  workerMemory?: () => WorkerMemory;
  /** main is about to run with this argv (WASI args_get). */
  mainStarting?(argv: readonly string[]): void;
  /** main ended: emit text still buffered for the WASI console. */
  flushOutput?(): void;
  /** Worker mode (start): the table the instance was linked against, and engine limits. */
  table?: FunctionTable;
  memoryMb?: number;
  mainTimeoutMs?: number;
  /** Worker mode: default fuel budget of one main (settings.fuelPerMain) and the cap on concurrent worker mains. */
  fuelPerMain?: number;
  maxWorkers?: number;
}

/** Value types the JS API can pass to and from an export. */
const JS_TYPES = new Set(['i32', 'i64', 'f32', 'f64', 'externref', 'funcref']);

/** One instantiated mod. Inline calls run on the caller's thread under a fuel budget. */
export class WasGoInstance {
  readonly id: number;
  readonly name: string;
  readonly level: SafetyLevel;
  readonly module: WebAssembly.Module;
  readonly info: ModuleInfo;
  readonly links: readonly ImportLink[];
  /** Fuel used by all calls so far, and by the last call. */
  fuelUsed = 0;
  lastCallFuel = 0;
  /**
   * `memory.grow` requests the memory cap or the engine's memory budget refused, in all calls
   * (and worker mains) so far, and the last one. A call that fails after one throws MemoryLimit
   * (the cap or the budget, the size asked), wrapping what the guest did next; a WASI program
   * that exits non-zero after one leaves it here.
   */
  get refusedGrows(): { count: number; last?: RefusedGrow | undefined } {
    return this.parts.memoryRefusals;
  }
  private stateValue: InstanceState = 'ready';
  private worker: MainRun | undefined;
  private depth = 0;
  private readonly exportsObj: WebAssembly.Exports;
  private readonly port: FuelPort;

  constructor(private readonly parts: InstanceParts) {
    this.id = parts.id;
    this.name = parts.name;
    this.level = parts.level;
    this.module = parts.module;
    this.info = parts.info;
    this.links = parts.links;
    this.exportsObj = parts.instance.exports;
    const fuel = this.exportsObj[FUEL_EXPORT];
    this.port = parts.port;
    this.port.attach(fuel instanceof WebAssembly.Global ? fuel : undefined, parts.startMeter);
    bindInstance(parts.binding, this.exportsObj, parts.importedMemory, parts.name);
  }

  get state(): InstanceState {
    return this.stateValue;
  }

  /** The error that failed this instance, if it failed. */
  get fault(): WasGoError | undefined {
    return this.parts.fault.error;
  }

  /**
   * Whether the module went through the fuel pass (imports `__wasgo.fuel_refill`, exports the
   * counter): true when `fuelPerCall` or `fuelPerMain` was above 0 when it was compiled (fuel
   * contract v2: one compiled module serves inline calls and worker mains). It says nothing about
   * a budget: with `fuelPerCall` 0 a metered module's inline calls have no fuel limit, but every
   * refill still checks `maxCallMs`. False: only validated, gated, shape-checked and capped; then
   * neither fuel nor `maxCallMs` can stop guest code that makes no host calls.
   */
  get metered(): boolean {
    return this.port.metered;
  }

  /** Names of exported functions. */
  get functions(): string[] {
    return Object.entries(this.exportsObj).filter(([k, v]) => typeof v === 'function' && !k.startsWith(RESERVED_PREFIX)).map(([k]) => k);
  }

  get memory(): GuestMemory | undefined {
    return this.parts.binding.guest?.memory;
  }

  /** Calls an exported function inline. Any abnormal end fails the instance and throws a classified WasGoError. */
  call(name: string, args: readonly WasmValue[] = [], options: CallOptions = {}): WasmValue | undefined {
    // WasGo's own exports (the deferred start function, the memory) are not the guest's API.
    if (name.startsWith(RESERVED_PREFIX)) throw new EntryNotFound(`no exported function ${JSON.stringify(name)}`, { module: this.name, instance: this.id });
    return this.invoke(name, args, options);
  }

  /**
   * The module's wasm start function, deferred by the rewriter (START_EXPORT): the engine runs it
   * once, right after instantiation, on the start meter. Host functions it calls see the
   * instance's memory and fuel counter, like any call's. Returns false when there is none.
   */
  runStartFunction(): boolean {
    if (typeof this.exportsObj[START_EXPORT] !== 'function') return false;
    this.invoke(START_EXPORT, [], {});
    return true;
  }

  private invoke(name: string, args: readonly WasmValue[], options: CallOptions): WasmValue | undefined {
    this.assertUsable();
    if (this.worker) throw new InstanceFailed(`instance ${this.id} (${this.name}) is running main in a worker`, { module: this.name, instance: this.id });
    const fn = this.exportsObj[name];
    if (typeof fn !== 'function') throw new EntryNotFound(`no exported function ${JSON.stringify(name)}`, { module: this.name, instance: this.id });
    this.checkCallable(name, args);
    const outer = this.depth === 0;
    // The outermost inline call of the engine gets a fresh meter (its fuel and deadline); a call
    // made while another is running (a host function calling back into a guest: signals, ANT
    // on_module_load) draws on the current one.
    const metering = this.port.metering;
    const fresh = metering.current === undefined;
    const meter = fresh ? metering.create(options.fuel ?? this.parts.fuelPerCall) : metering.current!;
    const before = meter.used;
    const refusedBefore = this.parts.memoryRefusals.count;
    const t0 = fresh ? 0 : clock();
    const accounted = meter.accountedMs;
    if (outer) {
      this.parts.fault.error = undefined;
      this.stateValue = 'running';
    }
    const prev = metering.swap(meter);
    this.depth++;
    let result: unknown;
    try {
      this.port.enter(meter);
      try {
        result = (fn as (...a: WasmValue[]) => unknown)(...args);
      } finally {
        this.port.leave(meter);
      }
      // The guest caught a host error or the fuel/time exception (exception handling) and carried on.
      const sticky = this.parts.fault.error ?? meter.exhausted;
      if (sticky) throw sticky;
    } catch (e) {
      let error = classify(this.parts.fault.error ?? meter.exhausted ?? e, { module: this.name, export: name, instance: this.id });
      const refused = this.parts.memoryRefusals;
      if (refused.count > refusedBefore && refused.last && !(error instanceof ProcExit || error instanceof OutOfFuel || error instanceof Timeout || error instanceof MemoryLimit)) {
        error = memoryLimit(refused.last, error);
      }
      if (error instanceof ProcExit) this.exit(error);
      else this.fail(error);
      throw error;
    } finally {
      this.depth--;
      metering.restore(prev);
      if (!fresh) meter.accountedMs = accounted + (clock() - t0); // billed in units, not as the host call's time
      const used = Math.max(0, Math.min(meter.used, meter.budget) - before);
      this.lastCallFuel = used;
      if (outer) this.fuelUsed += used;
    }
    if (outer && this.stateValue === 'running') this.stateValue = 'ready'; // a host function may have disposed it
    return result as WasmValue | undefined;
  }

  /**
   * Refuses, before any guest code runs and without failing the instance, a call JS cannot make:
   * a v128 (or other non-JS) parameter or result, or an argument the JS API would reject (a number
   * for an i64, a BigInt or Symbol for an i32/f32/f64). V8's TypeError used to surface as
   * `HostError: unexpected host failure` and fail the instance.
   */
  private exportTypes: Map<string, { params: string[]; nonJs: string | undefined }> | undefined;

  private checkCallable(name: string, args: readonly WasmValue[]): void {
    if (!this.exportTypes) {
      // Once per instance: the calls are hot, the export types never change.
      this.exportTypes = new Map();
      for (const e of this.info.exports) {
        if (e.kind !== 'function' || !e.type) continue;
        this.exportTypes.set(e.name, { params: e.type.params, nonJs: [...e.type.params, ...e.type.results].find((t) => !JS_TYPES.has(t)) });
      }
    }
    const type = this.exportTypes.get(name);
    if (!type) return;
    const place = () => ({ module: this.name, export: name, instance: this.id });
    if (type.nonJs) throw new BadSignature(`export ${JSON.stringify(name)} has a ${type.nonJs} parameter or result, which cannot cross to JavaScript`, place());
    for (let i = 0; i < type.params.length && i < args.length; i++) {
      const t = type.params[i]!, v = args[i] as unknown, k = typeof v;
      const ok = t === 'i64' ? k === 'bigint' : t === 'externref' ? true : t === 'funcref' ? v === null || k === 'function' : k !== 'bigint' && k !== 'symbol';
      if (!ok) throw new BadSignature(`export ${JSON.stringify(name)}: argument ${i} (${t}) cannot be ${k === 'object' ? 'this object' : `a ${k}`}${t === 'i64' ? ' (pass a BigInt)' : ''}`, place());
    }
  }

  /** Finds the entry point: `entry` if given, else `main`, `_start`, `__main_argc_argv`. */
  findMain(entry?: string): EntryPoint {
    this.assertUsable();
    const candidates = entry ? [entry] : ['main', '_start', '__main_argc_argv'];
    for (const name of candidates) {
      const exp = this.info.exports.find((e) => e.name === name && e.kind === 'function');
      if (!exp) continue;
      const n = exp.type?.params.length ?? 0;
      if (n === 0) return { name, form: 'no-args' };
      if (n === 2 && exp.type!.params.every((p) => p === 'i32')) return { name, form: 'argc-argv' };
      throw new EntryNotFound(`export ${name} takes (${exp.type!.params.join(' ')}); an entry point takes () or (argc: i32, argv: i32)`, { module: this.name });
    }
    const exported = this.functions.filter((n) => !n.startsWith('__wasgo'));
    throw new EntryNotFound(
      entry ? `no exported function ${JSON.stringify(entry)} (exports: ${exported.join(', ') || 'none'})`
        : `no entry point: export main, _start or pass an entry name (exports: ${exported.join(', ') || 'none'})`,
      { module: this.name, instance: this.id },
    );
  }

  /**
   * Runs the entry point inline and returns its i32 result (0 for void).
   * `(argc, argv)` entries get argv[0] = the mod's name plus `args`, as NUL-terminated
   * strings in guest memory allocated with the guest's exported `host_malloc` or `malloc`.
   */
  runMain(args: readonly string[] = [], options: CallOptions & { entry?: string } = {}): number {
    const entry = this.findMain(options.entry);
    this.parts.mainStarting?.([this.name, ...args]);
    try {
      const callArgs = entry.form === 'argc-argv' ? writeArgv([this.name, ...args], this.memory, allocatorOf(this.exportsObj), (f, n) => Number(this.call(f, [n])), this.name) : [];
      const r = this.call(entry.name, callArgs, options);
      return r === undefined ? 0 : Number(r) | 0;
    } catch (e) {
      if (e instanceof ProcExit) return e.exitCode; // WASI proc_exit: a clean end with its code
      throw e;
    } finally {
      this.parts.flushOutput?.();
    }
  }

  /**
   * Lifecycle step 7: runs the entry point (same rules as runMain) in a worker thread that
   * `kill()` or `timeoutMs` can stop; host functions keep running on this thread, and
   * asynchronous ones work. Any abnormal end fails the instance. See docs/isolation.md.
   */
  start(args: readonly string[] = [], options: StartOptions = {}): MainRun {
    const entry = this.findMain(options.entry);
    if (this.stateValue === 'running') throw new InstanceFailed(`instance ${this.id} (${this.name}) is already running`, { module: this.name, instance: this.id });
    const table = this.parts.table;
    const functions = new Set<Readonly<HostFunctionSpec>>();
    for (const i of this.info.imports) {
      const spec = i.kind === 'function' ? table?.find(i.module, i.name) : undefined;
      if (spec) functions.add(spec);
    }
    const copy = this.parts.workerMemory?.();
    const releaseMemory = copy ? copy.release : () => undefined;
    if (copy) functions.add(copy.gate); // last: the worker finds it by its reserved name
    const refusedBefore = this.parts.memoryRefusals.count;
    this.parts.mainStarting?.([this.name, ...args]);
    let run: MainRun;
    try {
      run = startMain({
        instance: this.id, name: this.name, level: this.level, module: this.module, info: this.info, entry,
        argv: [this.name, ...args], functions: [...functions], memoryMb: this.parts.memoryMb ?? 64,
        // Metered in the worker (fuel contract v2), bounded by the wall clock (mainTimeoutMs) and kill().
        fuel: options.fuel ?? this.parts.fuelPerMain ?? 0, fuelGlobal: FUEL_EXPORT,
        unitsPerNs: this.port.metering.unitsPerNs, hostFloor: this.port.metering.hostFloor,
        timeoutMs: options.timeoutMs ?? this.parts.mainTimeoutMs ?? 0, maxWorkers: this.parts.maxWorkers ?? 16,
        explain: (error) => {
          const r = this.parts.memoryRefusals;
          return r.count > refusedBefore && r.last && !(error instanceof ProcExit || error instanceof OutOfFuel || error instanceof Timeout || error instanceof MemoryLimit)
            ? memoryLimit(r.last, error) : error;
        },
        end: (error, fuelUsed) => {
          releaseMemory();
          this.parts.flushOutput?.();
          this.worker = undefined;
          this.lastCallFuel = fuelUsed;
          this.fuelUsed += fuelUsed;
          if (error) this.fail(error);
          else if (this.stateValue === 'running') this.stateValue = 'ready';
        },
      }, options.channel);
    } catch (e) {
      releaseMemory();
      throw e;
    }
    this.worker = run;
    this.stateValue = 'running';
    return run;
  }

  dispose(): void {
    if (this.stateValue === 'disposed') return;
    this.stateValue = 'disposed';
    this.worker?.kill();
    this.parts.binding.guest = undefined;
    this.parts.onDispose();
  }

  /** WASI proc_exit: the instance is done (sticky, like a failure) but nothing is reported. */
  private exit(error: ProcExit): void {
    if (this.stateValue === 'disposed' || this.stateValue === 'failed') return;
    this.parts.fault.error ??= error;
    this.stateValue = 'exited';
  }

  /** Marks the instance failed (sticky) and reports the error once. */
  fail(error: WasGoError): void {
    if (this.stateValue === 'disposed') return;
    this.parts.fault.error ??= error;
    if (this.stateValue !== 'failed') {
      this.stateValue = 'failed';
      this.parts.reportError(error);
    }
  }

  private assertUsable(): void {
    if (this.stateValue === 'disposed') throw new InstanceFailed(`instance ${this.id} (${this.name}) was disposed`, { module: this.name, instance: this.id });
    if (this.stateValue === 'exited') {
      const code = this.parts.fault.error instanceof ProcExit ? this.parts.fault.error.exitCode : 0;
      throw new InstanceFailed(`instance ${this.id} (${this.name}) exited with code ${code} (WASI proc_exit)`, { module: this.name, instance: this.id });
    }
    if (this.stateValue === 'failed') {
      const f = this.parts.fault.error;
      throw new InstanceFailed(`instance ${this.id} (${this.name}) failed earlier: ${f ? f.describe() : 'unknown error'}`, { module: this.name, instance: this.id }, { cause: f });
    }
  }


}

/** A call that failed after a refused grow: MemoryLimit naming the cap or the budget, the original as its cause. */
function memoryLimit(r: RefusedGrow, after: WasGoError): MemoryLimit {
  const mib = (pages: number) => `${+(pages * 65536 / 2 ** 20).toFixed(2)} MiB`;
  const asked = `memory.grow asked for ${r.askedPages} more pages (${mib(r.sizePages + r.askedPages)} in all)`;
  const by = r.refusedBy;
  const why = by && by !== 'cap'
    ? `memory ${r.memory} holds ${r.sizePages} pages; ${asked} and the engine's memory budget refused it ` +
      `(totalMemoryMb: ${mib(by.heldBytes / 65536)} of ${mib(by.budgetBytes / 65536)} held by all instances)`
    : `memory ${r.memory} is capped at ${r.maxPages} pages (${mib(r.maxPages)}); ${asked} and was refused`;
  return new MemoryLimit(`${why}; the call then failed: ${after.describe()}`, after.place, { cause: after });
}
