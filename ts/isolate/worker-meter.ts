/**
 * The fuel meter of one worker main (fuel contract v2, /work/wt/CONTRACT.md "Workers"): it lives
 * IN the worker thread, so neither the budget nor the deadline depends on the main thread being
 * idle. The guest's `__wasgo.fuel_refill` is bound to `refill`; host calls forwarded to the main
 * thread are charged with `charge` (a floor, their declared cost, the bytes they move and the
 * main-thread time they took, reported back with the answer; priced with the main thread's
 * calibration: `workerPricing`).
 *
 * - `refill(v)` bills the debt `max(0, -v)`, checks the deadline and the budget, and hands out
 *   a fresh slice of at most SLICE units (counted as used at once; what is left of it is given
 *   back by `settle`). A positive `v` is never credited.
 * - Once the budget or the deadline is passed, every later `refill`/`charge` throws the same
 *   error again (sticky): a guest catching it with `catch_all` cannot make progress.
 * - Every refill and charge stamps a heartbeat (wall-clock ms) into the run's shared buffer.
 */
import { OutOfFuel, Timeout, type WasGoError } from '../engine/errors';
import { DEFAULT_UNITS_PER_NS, HOST_CALL_FLOOR } from '../engine/meter';

/**
 * Units per slice: ≈ 1 ms of compiled wasm (units ≈ 1 ns), so the deadline is checked about
 * every millisecond of guest work and a refill costs the guest well under 0.1 % of its time.
 */
export const SLICE = 1 << 20;
/**
 * Main-thread work of one round trip that the main thread's clock does not see (noticing the
 * request, reading it off the channel, writing the answer, waking the worker), ns: ≥ 1 µs.
 * Priced with the main thread's calibration on top of its inline host-call floor.
 */
export const ROUND_TRIP_NS = 1000;

/** How host calls from a worker are priced: the main thread's calibration (engine/meter.ts). */
export interface HostPricing {
  /** Units every call pays before its declared cost and bytes: the inline floor + the round trip. */
  floor: number;
  /** Units per ns of main-thread time the call took (reported back with the answer). */
  unitsPerNs: number;
}

/** The pricing a worker uses, from the calibration the main thread passed (engine defaults without one). */
export function workerPricing(c: { unitsPerNs?: number | undefined; hostFloor?: number | undefined }): HostPricing {
  const unitsPerNs = c.unitsPerNs !== undefined && Number.isFinite(c.unitsPerNs) && c.unitsPerNs > 0 ? c.unitsPerNs : DEFAULT_UNITS_PER_NS;
  const hostFloor = c.hostFloor !== undefined && Number.isFinite(c.hostFloor) && c.hostFloor > 0 ? c.hostFloor : HOST_CALL_FLOOR;
  return { floor: Math.ceil(hostFloor + ROUND_TRIP_NS * unitsPerNs), unitsPerNs };
}

/** Wall-clock milliseconds comparable across threads (performance.now() has a per-thread origin). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export class WorkerMeter {
  /** Units handed out in slices or billed (host calls, debts). */
  used = 0;
  /** The sticky error once the budget or the deadline is passed. */
  exhausted: WasGoError | undefined;
  /** The guest's counter: what is left of its current slice (set once the instance exists). */
  counter: () => number = () => 0;

  /**
   * @param budget units; 0 = unmetered (slices never run dry, the deadline still holds)
   * @param deadline epoch ms; 0 = none
   */
  constructor(
    readonly budget: number,
    readonly deadline: number,
    private readonly timeoutMs: number,
    private readonly beat: (now: number, used: number) => void,
  ) {}

  /** The guest's `__wasgo.fuel_refill`: `v` is its (zero or negative) counter; returns the next slice. */
  readonly refill = (v: number): number => {
    this.check();
    if (v < 0) this.used += -v;
    let slice = SLICE;
    if (this.budget > 0) {
      const left = this.budget - this.used;
      if (left <= 0) throw this.exhaust(new OutOfFuel(`main ran out of fuel (budget ${this.budget} units)`));
      slice = Math.min(SLICE, left);
    }
    this.used += slice;
    return slice;
  };

  /** Bills host work; throws (sticky) past the budget or the deadline. */
  charge(units: number, what: string): void {
    this.check();
    this.used += units;
    if (this.budget > 0 && this.used - Math.max(0, this.counter()) > this.budget) {
      throw this.exhaust(new OutOfFuel(`${what}: main ran out of fuel (budget ${this.budget} units)`));
    }
  }

  /** Checks the deadline (and stamps the heartbeat); rethrows a sticky error. */
  check(): void {
    if (this.exhausted) throw this.exhausted;
    const now = epochNow();
    this.beat(now, this.used);
    if (this.deadline > 0 && now >= this.deadline) throw this.timedOut();
  }

  /** The deadline passed (seen by check or while waiting for the main thread). */
  timedOut(): WasGoError {
    return this.exhaust(new Timeout(`main did not finish within ${this.timeoutMs} ms`));
  }

  /** Fuel used, given what is left of the current slice in the guest's counter. */
  settle(counter: number): number {
    return Math.max(0, this.used - Math.max(0, counter));
  }

  private exhaust(e: WasGoError): WasGoError {
    this.exhausted ??= e;
    return this.exhausted;
  }
}
