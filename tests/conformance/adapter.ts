/**
 * The ONE place the conformance gate (spec suite, fuzzer, load-time bench) touches WasGo's
 * rewriter. When prepareModule's options change, adjust `rewrite` here and nothing else.
 *
 * Fuel: works with both contracts.
 * - v1 (today): an i64 global `__wasgo_fuel` exported, initialised to the budget, no import.
 * - v2 (CONTRACT.md): an i32 global `__wasgo_fuel` (initial 0) plus an imported
 *   `__wasgo.fuel_refill (i32) -> (i32)`; the fake refill below hands out 2^30 per slice so that
 *   semantics are compared, never fuel exhaustion.
 */
import { prepareModule } from '../../ts/engine/prepare';
import { readModule } from '../../ts/wasm/module';
import { writeSections } from '../../ts/wasm/sections';

export const FUEL_EXPORT = '__wasgo_fuel';
export const REFILL_MODULE = '__wasgo';
export const REFILL_NAME = 'fuel_refill';
/** The start function, deferred past instantiation by the rewriter. */
export const START_EXPORT = '__wasgo_start';
/** Memory 0, exported for the host by the rewriter. */
export const MEMORY_EXPORT = '__wasgo_memory';
/** Slice the fake refill hands out (v2). */
export const SLICE = 2 ** 30;
/** Budget written into a v1 counter: large enough never to run out in a test. */
export const V1_BUDGET = 2 ** 50;

export interface RewriteOptions {
  /** Meter the module (default true). */
  metered?: boolean;
}

/**
 * Rewrites a module the way the engine does before compiling it. Limits are generous so that
 * they never change a module's semantics: a 4 GiB memory cap (the 32-bit maximum V8 allows
 * anyway) and a budget nobody can exhaust in a test.
 */
export function rewrite(bytes: Uint8Array, name: string, o: RewriteOptions = {}): Uint8Array<ArrayBuffer> {
  return prepareModule(bytes, { name, memoryMb: 4096, meter: o.metered !== false }).bytes;
}

/** Fuel accounting for one rewritten instance, whatever contract its rewriter used. */
export class FuelMeter {
  /** Units handed out through refills plus debts billed (v2). */
  private granted = 0;
  private global: WebAssembly.Global | undefined;
  private startValue = 0;
  refills = 0;

  /** Memory 0 as the rewriter exports it (`__wasgo_memory`), for grow requests. */
  private memory: WebAssembly.Memory | undefined;

  /** The `__wasgo` import object, to link only if the module imports it. */
  readonly imports = {
    [REFILL_NAME]: (v: number): number => {
      // v ≥ 0: a rewritten memory.grow (docs/limits.md "Committed memory"); grown here without
      // any budget, so the result is the instruction's own.
      if (v >= 2 ** 30) return 1; // a table.grow request: granted (the guest's own table.grow decides)
      if (v >= 0) return this.grow(v);
      this.refills++;
      this.granted += SLICE + Math.max(0, -v);
      return SLICE;
    },
  };

  /** Adds the refill import to `imports` when the compiled module asks for it. */
  link(module: WebAssembly.Module, imports: Record<string, unknown>): void {
    if (WebAssembly.Module.imports(module).some((i) => i.module === REFILL_MODULE && i.name === REFILL_NAME)) {
      imports[REFILL_MODULE] = this.imports;
    }
  }

  /**
   * After instantiation: run the start function the rewriter deferred (exported as
   * `__wasgo_start`, docs/limits.md "Host access"; it throws as instantiation would), then find
   * the counter. The start function's fuel is not counted, as when it ran inside instantiation.
   */
  attach(instance: WebAssembly.Instance): void {
    const memory = instance.exports[MEMORY_EXPORT];
    this.memory = memory instanceof WebAssembly.Memory ? memory : undefined;
    const start = instance.exports[START_EXPORT];
    if (typeof start === 'function') (start as () => void)();
    const g = instance.exports[FUEL_EXPORT];
    this.global = g instanceof WebAssembly.Global ? g : undefined;
    if (this.global && typeof this.global.value === 'bigint') this.global.value = BigInt(V1_BUDGET);
    this.startValue = this.value();
    this.granted = 0;
  }

  private grow(pages: number): number {
    if (!this.memory) throw new Error('a grow request from a module without __wasgo_memory');
    if (pages === 0) return this.memory.buffer.byteLength / 65536;
    try {
      return this.memory.grow(pages);
    } catch {
      return -1;
    }
  }

  get metered(): boolean {
    return this.global !== undefined;
  }

  private value(): number {
    return this.global ? Number(this.global.value) : 0;
  }

  /** Units used since `attach` (or the last `reset`). */
  used(): number {
    return this.startValue + this.granted - this.value();
  }

  reset(): void {
    if (this.global && typeof this.global.value === 'bigint') this.global.value = BigInt(V1_BUDGET);
    this.startValue = this.value();
    this.granted = 0;
  }
}

/**
 * The reader/writer round trip with nothing changed (today: decode every section, write the
 * sections back). Returns undefined when the rewriter offers no such entry (the gate then skips
 * the round-trip check and says so). Throws if the reader refuses the module.
 */
export function roundTrip(bytes: Uint8Array, name: string): Uint8Array | undefined {
  return writeSections(readModule(bytes, name).sections);
}
