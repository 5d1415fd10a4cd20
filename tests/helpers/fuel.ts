import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from '../../ts/wasm/fuel';

/** Thrown by the fake refill once the budget is gone (the real engine throws OutOfFuel). */
export class FakeOutOfFuel extends Error {
  constructor() { super('fake meter: out of fuel'); }
}

/**
 * A stand-in for the engine's Meter (fuel contract v2) so rewritten modules can run before the
 * engine side lands: `fuel_refill(v)` bills max(0, -v) as debt, hands out slices of at most
 * `slice` units, and throws FakeOutOfFuel once the budget is used up — and on every later call
 * (sticky), as the contract requires.
 */
export class FakeMeter {
  given = 0;
  debt = 0;
  refills = 0;
  exhausted = false;
  fuel: WebAssembly.Global | undefined;

  constructor(public budget: number, readonly slice = 100_000) {}

  /** Memory 0 (`__wasgo_memory`), for grow requests. */
  memory: WebAssembly.Memory | undefined;

  readonly refill = (v: number): number => {
    if (v >= 2 ** 30) return 1; // a table.grow request: granted, the guest's table.grow decides
    if (v >= 0) return this.grow(v);
    this.refills++;
    if (v < 0) this.debt += -v;
    if (this.exhausted || this.given + this.debt >= this.budget) {
      this.exhausted = true;
      throw new FakeOutOfFuel();
    }
    const s = Math.max(1, Math.min(this.slice, this.budget - this.given - this.debt, 2 ** 30));
    this.given += s;
    return s;
  };

  /** Units the guest has used: slices handed out plus debts, minus what is left in the counter. */
  get used(): number {
    const left = this.fuel ? (this.fuel.value as number) : 0;
    return this.given + this.debt - Math.max(0, left);
  }

  /** Starts a new call with this budget (the counter starts at 0: the first charge refills). */
  reset(budget = this.budget): void {
    this.budget = budget;
    this.given = 0;
    this.debt = 0;
    this.refills = 0;
    this.exhausted = false;
    if (this.fuel) this.fuel.value = 0;
  }

  imports(extra: WebAssembly.Imports = {}): WebAssembly.Imports {
    return { ...extra, [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: this.refill } };
  }

  /** A rewritten memory.grow (fuel_refill with v ≥ 0): grows memory 0 within its maximum, like the engine without a budget. */
  grow(pages: number): number {
    const m = this.memory;
    if (!m) throw new Error('fake meter: a grow request from a module without __wasgo_memory');
    try {
      return pages === 0 ? m.buffer.byteLength / 65536 : m.grow(pages);
    } catch {
      return -1;
    }
  }

  /** After instantiation: the counter and the memory, then the deferred start function (`__wasgo_start`). */
  bind(instance: WebAssembly.Instance): void {
    this.fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global;
    this.memory = instance.exports.__wasgo_memory as WebAssembly.Memory | undefined;
    (instance.exports.__wasgo_start as (() => void) | undefined)?.();
  }
}

/** Instantiates rewritten bytes against a FakeMeter; `run` calls an export under a budget. */
export async function instantiateMetered(bytes: Uint8Array<ArrayBuffer>, budget = 1e9, extra: WebAssembly.Imports = {}, slice?: number) {
  const meter = new FakeMeter(budget, slice);
  const { instance } = await WebAssembly.instantiate(bytes, meter.imports(extra));
  meter.bind(instance);
  const run = (name: string, b: number, ...args: number[]) => {
    meter.reset(b);
    let result: unknown;
    let outOfFuel = false;
    try {
      result = (instance.exports[name] as (...a: number[]) => unknown)(...args);
    } catch (e) {
      if (e instanceof FakeOutOfFuel) outOfFuel = true;
      result = e;
    }
    return { result, outOfFuel, used: meter.used, refills: meter.refills };
  };
  return { instance, meter, run };
}
