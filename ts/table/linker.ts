import { HostError, ImportRefused, LinkError, MemoryLimit, StackOverflow, UncaughtException, WasGoError } from '../engine/errors';
import { clock, type FuelPort, type Meter } from '../engine/meter';
import { isStackOverflow, registerFrames, type FrameMap } from '../engine/traps';
import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME, MEMORY_EXPORT } from '../wasm/fuel-names';
import type { SafetyLevel } from '../engine/settings';
import { GuestMemory } from '../guest/memory';
import { formatFuncType, sameFuncType, type FuncType, type ModuleInfo } from '../wasm/info';
import type { FunctionTable } from './function-table';
import { signature, wasmType, type GuestAccess, type HostCallContext, type HostFunctionSpec } from './host-function';
import { decodeArgs, encodeResult, guestSide, movedBytes, movesBytes, qualifiedName } from './marshal';

const PAGE = 65536;
/** A `memory.grow` the cap refused, as the instance counts it. */
export interface RefusedGrow {
  memory: number;
  /** Pages asked for. */
  askedPages: number;
  /** The memory's size when it was refused, pages. */
  sizePages: number;
  /** The memory's maximum (the cap, or a smaller declared maximum), pages. */
  maxPages: number;
  /** What refused it: the memory's maximum, or the engine-wide budget (totalMemoryMb) with what it held. */
  refusedBy?: 'cap' | { budgetBytes: number; heldBytes: number } | undefined;
}
/** Imported tables are created by the host; this bounds what a guest may ask for. */
export const MAX_TABLE_ELEMENTS = 1_000_000;

export type ImportStatus = 'linked' | 'refused' | 'not provided' | 'host memory' | 'host table';

export interface ImportLink {
  module: string;
  name: string;
  kind: string;
  status: ImportStatus;
  /** Lowest level exposing it (for refused imports), null when nobody provides it. */
  levelNeeded?: number | null;
  signature?: string;
}

export interface LinkOptions {
  table: FunctionTable;
  level: SafetyLevel;
  moduleName: string;
  instanceId: number;
  memoryMb: number;
  /** Cap on an imported table's size (the host creates it); default MAX_TABLE_ELEMENTS. */
  maxTableEntries?: number | undefined;
  strictImports: boolean;
  /** Filled in after instantiation (`bindInstance`): host functions reach the guest through it. */
  binding: Binding;
  /**
   * Records a fatal error for the instance (sticky: a guest that catches it with
   * exception handling still fails when the call returns) and returns it to throw.
   */
  fault(error: WasGoError): WasGoError;
  /** The instance's current sticky fault, if any: every later host call fails with it. */
  currentFault(): WasGoError | undefined;
  /**
   * The instance's fuel side (engine/meter.ts): host calls are charged to its current meter, and
   * `__wasgo.fuel_refill` (contract v2) is linked to it. Without it host calls are not charged
   * and a module importing the refill cannot be linked.
   */
  fuel?: FuelPort | undefined;
  /**
   * The module went through the fuel pass: its `__wasgo.fuel_refill` import (which `info`, the
   * guest's own view, does not list) is linked to the meter.
   */
  metered?: boolean | undefined;
  /**
   * A metered module's `memory.grow` (contract v2 + grow: `fuel_refill(v)` with v ≥ 0 asks for v
   * more pages of memory 0): returns the old size in pages, or -1 when refused. See growGate.
   */
  grow?: ((pages: number) => number) | undefined;
}

/** A memory.grow request pays like a host call's floor (a hand-written refill loop cannot spin for free). */
export const GROW_REQUEST = 'memory.grow';

/** What host functions need of their instance, known only once it exists. */
export interface Binding {
  guest?: GuestAccess | undefined;
  /** The fuel counter of a metered module. */
  fuel?: WebAssembly.Global | undefined;
  /** How the fuel pass moved function indices (from `info.frames`): guest stacks undo it (engine/traps.ts). */
  frames?: FrameMap | undefined;
  /** The instance's memory 0 itself (what `guest.memory` reads), for the grow gate. */
  memory?: WebAssembly.Memory | undefined;
}

/** Completes a binding once the instance exists: its memory (exported, else imported) and fuel counter. */
export function bindInstance(binding: Binding, exports: WebAssembly.Exports, importedMemory: WebAssembly.Memory | undefined, moduleName: string): void {
  // The rewriter exports a defined memory as MEMORY_EXPORT whether or not the guest does.
  const own = exports[MEMORY_EXPORT];
  const memory = own instanceof WebAssembly.Memory ? own
    : (Object.values(exports).find((v) => v instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined) ?? importedMemory;
  binding.guest = memory ? { memory: new GuestMemory(memory, moduleName), exports } : undefined;
  binding.memory = memory;
  const fuel = exports[FUEL_EXPORT];
  binding.fuel = fuel instanceof WebAssembly.Global ? fuel : undefined;
  registerFrames(exports, binding.frames);
}

export interface Linked {
  imports: WebAssembly.Imports;
  links: ImportLink[];
  /** A host-created memory satisfying a memory import (capped), if the module imports one. */
  memory?: WebAssembly.Memory;
}

/**
 * Step 4 of the lifecycle, "connect external functions": resolves every import of a module
 * against the function table at the configured level. Imports that the level does not expose
 * (or nobody provides) are linked to error stubs that stop the call with ImportRefused, so a
 * module that merely imports them still runs; `strictImports` refuses instead.
 */
export function link(info: ModuleInfo, o: LinkOptions): Linked {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  const links: ImportLink[] = [];
  let memory: WebAssembly.Memory | undefined;
  const set = (m: string, n: string, v: WebAssembly.ImportValue) => ((imports[m] ??= {})[n] = v);
  o.binding.frames = (info as ModuleInfo & { frames?: FrameMap }).frames;
  if (o.metered) set(FUEL_REFILL_MODULE, FUEL_REFILL_NAME, refillImport(o));

  for (const imp of info.imports) {
    const where = `${imp.module}.${imp.name}`;
    switch (imp.kind) {
      case 'function': {
        const spec = o.table.lookup(imp.module, imp.name, o.level);
        if (spec) {
          const expected = wasmType(spec);
          if (!sameFuncType(expected, imp.type)) {
            throw new LinkError(
              `import ${where} is declared as ${formatFuncType(imp.type)} but WasGo's ${qualifiedName(spec)} ${signature(spec)} is ${formatFuncType(expected)}`,
              { module: o.moduleName, instance: o.instanceId },
            );
          }
          set(imp.module, imp.name, adapt(spec, o));
          links.push({ module: imp.module, name: imp.name, kind: 'function', status: 'linked', signature: formatFuncType(imp.type) });
        } else {
          const needed = o.table.find(imp.module, imp.name)?.level ?? null;
          set(imp.module, imp.name, refusedStub(imp.module, imp.name, imp.type, needed, o));
          links.push({ module: imp.module, name: imp.name, kind: 'function', status: needed === null ? 'not provided' : 'refused', levelNeeded: needed, signature: formatFuncType(imp.type) });
        }
        break;
      }
      case 'memory': {
        const l = imp.limits;
        if (l.shared || l.memory64) throw new LinkError(`memory import ${where}: ${l.shared ? 'shared' : '64-bit'} memory is not supported`, { module: o.moduleName });
        if (memory) throw new LinkError(`memory import ${where}: only one memory import is supported`, { module: o.moduleName });
        const cap = Math.floor((o.memoryMb * 1024 * 1024) / PAGE);
        if (l.min > cap) throw new MemoryLimit(`memory import ${where} asks for ${l.min} pages initially; the cap is ${cap} pages (${o.memoryMb} MiB)`, { module: o.moduleName });
        memory = new WebAssembly.Memory({ initial: l.min, maximum: Math.min(l.max ?? cap, cap) });
        set(imp.module, imp.name, memory);
        links.push({ module: imp.module, name: imp.name, kind: 'memory', status: 'host memory' });
        break;
      }
      case 'table': {
        const l = imp.limits;
        if (imp.elem !== 'funcref' && imp.elem !== 'externref') throw new LinkError(`table import ${where}: element type ${imp.elem} is not supported`, { module: o.moduleName });
        const cap = o.maxTableEntries ?? MAX_TABLE_ELEMENTS;
        if (l.min > cap) throw new LinkError(`table import ${where} asks for ${l.min} elements; at most ${cap} (maxTableEntries)`, { module: o.moduleName });
        const desc: WebAssembly.TableDescriptor = { element: imp.elem === 'funcref' ? 'anyfunc' : 'externref', initial: l.min, maximum: Math.min(l.max ?? cap, cap) };
        set(imp.module, imp.name, new WebAssembly.Table(desc));
        links.push({ module: imp.module, name: imp.name, kind: 'table', status: 'host table' });
        break;
      }
      default:
        throw new LinkError(`import ${where} is a ${imp.kind}; WasGo provides only functions, one memory and tables`, { module: o.moduleName });
    }
  }

  if (o.strictImports) {
    const bad = links.filter((l) => l.status === 'refused' || l.status === 'not provided');
    if (bad.length) {
      throw new LinkError(
        `strictImports: ${bad.map((b) => `${b.module}.${b.name} (${b.levelNeeded ? `needs level ${b.levelNeeded}` : 'not provided'})`).join(', ')} not available at level ${o.level}`,
        { module: o.moduleName, instance: o.instanceId },
      );
    }
  }
  return memory ? { imports, links, memory } : { imports, links };
}

/**
 * `__wasgo.fuel_refill (i32) -> (i32)`, added by the fuel rewriter (contract v2): bound to the
 * instance's FuelPort, never to the function table (no guest can import `__wasgo` names itself:
 * ts/wasm/reserved.ts refuses them before rewriting).
 */
function refillImport(o: LinkOptions) {
  const port = o.fuel;
  if (!port) throw new LinkError(`${FUEL_REFILL_MODULE}.${FUEL_REFILL_NAME}: this module is metered but nothing meters it here`, { module: o.moduleName });
  port.linkRefill();
  return (v: number): number => {
    // A host error the guest caught (catch_all) ends the call anyway (instance.call rethrows it):
    // stop the guest at its next refill instead of letting it loop on cheap rethrows (issue: attack).
    const prior = o.currentFault();
    if (prior) throw prior;
    try {
      if (v >= 0) {
        // A memory.grow request (its units were charged before it, by the rewriter's dynamic charge).
        const meter = port.meter();
        meter?.charge(meter.hostFloor, GROW_REQUEST);
        meter?.checkDeadline();
        return o.grow ? o.grow(v) : -1;
      }
      return port.refill(v);
    } catch (e) {
      throw o.fault(asWasGoError(e, FUEL_REFILL_NAME, o));
    }
  };
}

function refusedStub(module: string, name: string, type: FuncType, needed: number | null, o: LinkOptions) {
  return (): never => {
    throw o.fault(new ImportRefused(module, name, formatFuncType(type), needed, o.level, { module: o.moduleName, instance: o.instanceId }));
  };
}

/** The wasm-callable function for one host function, bound to one instance. */
function adapt(spec: Readonly<HostFunctionSpec>, o: LinkOptions) {
  const fn = qualifiedName(spec);
  const ctx: HostCallContext = {
    instanceId: o.instanceId,
    mod: o.moduleName,
    level: o.level,
    get guest() { return o.binding.guest; },
    // Work sized only during the call (e.g. the bytes a Godot call produced) goes on the same meter.
    charge(units: number) { o.fuel?.meter()?.charge(units, `${fn}: ${units} units of results`); },
  };
  const memory = (): GuestMemory => {
    const g = o.binding.guest;
    if (!g) throw new HostError(`${fn} needs guest memory, but the module has no memory`);
    return g.memory;
  };
  const impl = spec.implementation as (ctx: HostCallContext, ...a: unknown[]) => unknown;
  const moves = movesBytes(spec.params);
  const cost = spec.cost ?? 0;
  const port = o.fuel;
  /** Decodes, runs, encodes; charges `meter` (if any) for the floor, the declared cost and the bytes moved first. */
  const body = (meter: Meter | undefined, raw: unknown[]): unknown => {
    const chargeWrite = (bytes: number) => meter?.charge(bytes, `${fn}: writing ${bytes} bytes`);
    if (meter) {
      const bytes = moves ? movedBytes(spec.params, raw, memory, fn) : 0;
      meter.charge(meter.hostFloor + cost + bytes, bytes ? `${fn}: moving ${bytes} bytes` : fn);
    }
    const args = decodeArgs(spec.params, raw, memory, fn).map((a, i) => guestSide(spec.params[i]!, a, memory, chargeWrite));
    const r = impl(ctx, ...args);
    if (r instanceof Promise) {
      r.catch(() => undefined);
      throw new HostError(`${fn} is asynchronous and can only be called from a mod running in worker mode`);
    }
    return encodeResult(spec.result, r as never, fn);
  };
  return (...raw: unknown[]) => {
    const prior = o.currentFault();
    if (prior) {
      // Still billed its floor and cost: a guest that swallows the fault must not loop on free calls.
      try { port?.meter()?.charge(port.meter()!.hostFloor + cost, fn); } catch { /* the fault wins */ }
      throw prior;
    }
    const meter = port?.meter();
    if (!port || !meter) {
      try {
        return body(undefined, raw);
      } catch (e) {
        throw o.fault(asWasGoError(e, fn, o));
      }
    }
    // Priced by time too: whatever the host really spends (cost-0 or mispriced functions, a
    // print flood in Godot) is billed, even when the call throws; then the deadline is checked.
    const t0 = clock();
    const accounted = meter.accountedMs;
    // Nothing between the swap and the try may throw (a stack overflow there would leave this meter current).
    const prev = port.metering.swap(meter); // guest code this call re-enters draws on the same meter
    let result: unknown;
    let failure: { error: unknown } | undefined;
    try {
      result = body(meter, raw);
    } catch (e) {
      failure = { error: e };
    } finally {
      port.metering.restore(prev);
    }
    const t1 = clock();
    const own = t1 - t0 - (meter.accountedMs - accounted); // nested guest calls were billed in units
    meter.accountedMs = accounted + (t1 - t0);
    try {
      meter.chargeTime(own * 1e6, fn);
      meter.checkDeadline(t1);
    } catch (e) {
      failure ??= { error: e }; // the call's own error wins; the meter stays exhausted (sticky)
    }
    if (failure) throw o.fault(asWasGoError(failure.error, fn, o));
    return result;
  };
}

/*
 * Host calls are metered by the host work they cause: the meter's floor + the function's `cost`
 * + 1 unit per byte moved (string, bytes, out capacity, iovec buffers, result slots: see
 * movedBytes), charged BEFORE anything is read — otherwise a loop of cheap calls passing huge
 * buffers would do unbounded host work for a few units — then the measured time the call took
 * × the engine's calibrated units per ns. `region` results are charged when written.
 */

function asWasGoError(e: unknown, fn: string, o: LinkOptions): WasGoError {
  const place = { module: o.moduleName, instance: o.instanceId };
  if (e instanceof WasGoError) return e.at(place);
  // Host→guest re-entry that exhausted the JS stack surfaces here, inside a host function.
  if (isStackOverflow(e)) {
    return new StackOverflow(`${fn}: the call stack is exhausted (host→guest re-entry too deep?)`, place, { cause: e });
  }
  if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception) {
    return new UncaughtException(`${fn}: a guest exception (wasm throw) was not caught`, place, { cause: e });
  }
  return new HostError(`${fn} failed: ${(e as Error)?.message ?? String(e)}`, place, { cause: e });
}
