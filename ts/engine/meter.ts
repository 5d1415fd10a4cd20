/**
 * Fuel contract v2, engine side (see docs/limits.md "Fuel" and the contract in the repo notes).
 *
 * A `Meter` is one budget: the fuel and the wall-clock deadline of one outermost inline call.
 * Everything that call causes draws on it: the guest's own instructions (through slices handed
 * to every instance it enters), every host function it calls (declared cost + bytes moved +
 * measured time), nested instantiations (ANT `load_module*`: start functions and
 * `on_module_load`) and host→guest re-entry (Godot signals). The engine keeps the *current*
 * meter (`Metering`): an outermost call creates one, nested calls reuse it.
 *
 * Slices. A metered instance holds a slice of the budget in its exported i32 global
 * `__wasgo_fuel` and charges `F -= c; if (F < 0) F = fuel_refill(F)`. A slice is billed to the
 * meter when it is handed out (so `used` never under-counts); entering an instance that is not
 * already on the stack hands it one, leaving it credits the unused part back (at most the last
 * slice given: a guest cannot mint fuel by writing its counter) and zeroes the global. Host
 * charges may therefore find the budget exhausted up to one slice per instance on the stack
 * early. SLICE (100 000 units ≈ 0.1 ms) bounds how long guest code runs between two deadline
 * checks, and makes the refill call (≈ 0.1 µs) cost ~0.1 % of the work it pays for.
 *
 * Exhaustion is sticky: once a meter has run out of fuel or time, every later refill, host
 * charge and slice request of the same call throws the same error, so a guest that swallows
 * the exception with `catch_all` cannot make progress (every handler starts with a charge).
 */
import { HostError, InternalError, OutOfFuel, Timeout, type WasGoError } from './errors';
import { captureStack, guestFrames } from './traps';

/** Units handed to an instance per refill: ~0.1 ms of guest work between deadline checks. */
export const SLICE = 100_000;
/** The contract's largest slice (and largest single charge): F − c never overflows an i32. */
export const MAX_SLICE = 2 ** 30;
/**
 * Every host call costs at least this many units: the JS↔wasm transition, the adapter and the
 * time measurement itself, which the measured time does not include. The engine's calibration
 * replaces it by the measured overhead when that is higher.
 */
export const HOST_CALL_FLOOR = 50;
/** Used until the engine has calibrated (and when calibration cannot run): the design target, 1 unit ≈ 1 ns. */
export const DEFAULT_UNITS_PER_NS = 1;
/**
 * Calibration results outside this range are clamped. One unit is one wasm instruction
 * (~0.05–0.2 ns of plain compiled wasm: the calibration measures ~10 units/ns on this kind of
 * machine). Host time is billed at the rate clamped to at most 3 units/ns: a loop of cheap host
 * calls then costs at most ~3× a plain loop's ns per unit (issue 8's bound; at 2 it measured
 * 3.2–3.6×), while a default budget (1e8) still buys ~33 ms of host time (Godot calls). The low
 * end guards against a broken timer (a debugger, a coarse browser clock).
 */
export const UNITS_PER_NS_RANGE: readonly [number, number] = [0.25, 3];

/**
 * The most of one host call's measured time that is billed in fuel. Past it, the call's wall-clock
 * deadline (maxCallMs) is the limit: a single slow host call — a cold engine path (Godot's first
 * ColorRect compiles shaders for 50-80 ms), a GC pause — cannot spend a whole default budget
 * (~33 ms of host time) on its own, while a loop of slow calls still pays at least this much per
 * call and meets the deadline. docs/limits.md.
 */
export const HOST_TIME_BILLED_MS = 5;

/** Milliseconds, sub-microsecond where the platform allows (Node), coarsened in browsers. */
export const clock: () => number = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

export class Meter {
  /** Units billed so far (slices count when handed out). May pass `budget` by the last charge's overshoot. */
  used = 0;
  /** The error that ended this budget, if it ended: thrown again by every later charge (sticky). */
  exhausted: WasGoError | undefined;
  /**
   * Milliseconds of this call already accounted for by frames that returned: host calls (priced
   * by time) and nested guest calls (priced in units). A host call charges its own time minus what
   * its nested frames accounted for, so re-entered guest work is not billed twice.
   */
  accountedMs = 0;
  /** Units every host call costs before its declared cost, bytes and time (the calibrated floor). */
  hostFloor = HOST_CALL_FLOOR;

  constructor(
    /** Units for the whole call; Infinity = unmetered. */
    readonly budget: number,
    /** `clock()` value past which the call times out; Infinity = none. */
    readonly deadline: number,
    /** How many units one nanosecond of host time costs (the engine's calibration; 0 = time not priced). */
    public unitsPerNs: number,
    /** For messages. */
    readonly maxCallMs = 0,
  ) {}

  /** Units left (0 when exhausted or over). */
  get remaining(): number {
    return Math.max(0, this.budget - this.used);
  }

  /** What a call reports as its fuel: used, at most the budget. */
  get reported(): number {
    return Math.max(0, Math.min(this.used, this.budget === Infinity ? this.used : this.budget));
  }

  /** Hands out up to `max` units, billed now. Throws (sticky) when nothing is left. */
  take(max: number): number {
    if (this.exhausted) throw this.exhausted;
    const s = Math.min(max, this.budget - this.used);
    if (!(s >= 1)) throw this.outOfFuel('the call ran out of fuel');
    this.used += s;
    return s;
  }

  /**
   * Gives back units of a slice that were not spent. Not once the budget ran out of fuel: the
   * slices still held by instances on the stack were handed out of a budget that is spent, and
   * crediting them would report a call that ran out of fuel as having used less than its budget.
   */
  credit(units: number): void {
    if (units > 0 && !(this.exhausted instanceof OutOfFuel)) this.used -= units;
  }

  /** Bills `units`; throws OutOfFuel past the budget (sticky). */
  charge(units: number, what?: string): void {
    if (this.exhausted) throw this.exhausted;
    this.used += units;
    if (this.used > this.budget) throw this.outOfFuel(what ? `${what} exceeds the fuel left for this call` : 'the call ran out of fuel');
  }

  /** Bills `ns` nanoseconds of host time at the calibrated rate, at most HOST_TIME_BILLED_MS of it. */
  chargeTime(ns: number, what?: string): void {
    this.charge(Math.ceil(Math.min(Math.max(0, ns), HOST_TIME_BILLED_MS * 1e6) * this.unitsPerNs), what);
  }

  /** Throws Timeout (sticky) once the wall clock is past the deadline. */
  checkDeadline(now = clock()): void {
    if (this.exhausted) throw this.exhausted;
    if (now > this.deadline) {
      throw this.exhaust(new Timeout(`the call ran longer than maxCallMs (${this.maxCallMs} ms)`));
    }
  }

  /** Records the end of this budget (the first cause wins) and returns the error to throw. */
  exhaust(error: WasGoError): WasGoError {
    if (this.exhausted) return this.exhausted;
    // Formatting a stack with wasm frames can take tens of ms the first time: do it only when
    // someone reads the guest stack (describe, toJSON), not on the way out of a timed-out call.
    // The call sites are captured now (cheap) and formatted on first read.
    let frames: string[] | undefined;
    if (error.place.guestStack === undefined) {
      const stack = captureStack();
      Object.defineProperty(error.place, 'guestStack', {
        enumerable: true, configurable: true,
        get: () => (frames ??= guestFrames(stack).slice(0, 16)),
        set: (v: string[]) => { frames = v; },
      });
    }
    this.exhausted = error;
    return error;
  }

  private outOfFuel(message: string): WasGoError {
    return this.exhaust(new OutOfFuel(message));
  }
}

/** The engine's current meter (one per realm/thread), and how new ones are made. */
export class Metering {
  current: Meter | undefined;
  /** Units per ns of host time: set by the engine's calibration (docs/limits.md). */
  unitsPerNs = DEFAULT_UNITS_PER_NS;
  /** Units per host call on top of its measured time (calibrated; at least HOST_CALL_FLOOR). */
  hostFloor = HOST_CALL_FLOOR;
  constructor(private readonly maxCallMs: () => number) {}

  /** A fresh meter for an outermost call: `budget` units (0 = unmetered), deadline now + maxCallMs. */
  create(budget: number): Meter {
    const ms = this.maxCallMs();
    const meter = new Meter(budget > 0 ? budget : Infinity, ms > 0 ? clock() + ms : Infinity, this.unitsPerNs, ms);
    meter.hostFloor = this.hostFloor;
    return meter;
  }

  /** Makes `meter` current; returns what to restore with `restore`. */
  swap(meter: Meter | undefined): Meter | undefined {
    const prev = this.current;
    this.current = meter;
    return prev;
  }

  restore(prev: Meter | undefined): void {
    this.current = prev;
  }
}

/**
 * The fuel side of one instance: its counter, the slice it holds, how deep it is on the stack,
 * and the meter its code runs under. Also what the linker needs to charge host calls and to
 * link `fuel_refill`.
 */
export class FuelPort {
  private global: WebAssembly.Global | undefined;
  /** The linker linked `__wasgo.fuel_refill` to this port: the module went through the fuel pass. */
  private refillLinked = false;
  /** Units handed out and not yet accounted: the most that can be credited back. */
  private slice = 0;
  private depth = 0;
  /** The meter of an instantiation in progress (the start function runs before any call). */
  pending: Meter | undefined;

  constructor(readonly metering: Metering, private readonly sliceSize = SLICE) {}

  /** The meter this instance's code runs under now. */
  meter(): Meter | undefined {
    return this.pending ?? this.metering.current;
  }

  /** The module imports `__wasgo.fuel_refill` and the linker bound it here (before instantiation). */
  linkRefill(): void {
    this.refillLinked = true;
  }

  /**
   * The instance exists: its i32 counter global `__wasgo_fuel` (if metered). What the start
   * function left of its last slice is credited back to `meter`, and the counter is zeroed until
   * the next call.
   */
  attach(global: WebAssembly.Global | undefined, meter: Meter | undefined): void {
    if (!global) return;
    if (typeof global.value !== 'number') {
      throw new InternalError(`__wasgo_fuel is not an i32 counter (fuel contract v2): the module was not rewritten by this version of WasGo`);
    }
    this.global = global;
    this.settleSlice(meter);
  }

  /** Whether the module went through the fuel pass (it has the counter and imports the refill). */
  get metered(): boolean {
    return this.global !== undefined || this.refillLinked;
  }

  /** A call enters the instance under `meter`: the outermost frame gets a slice. */
  enter(meter: Meter): void {
    if (this.depth++ > 0 || !this.global) return;
    try {
      this.slice = meter.take(this.sliceSize);
      this.global.value = this.slice;
    } catch (e) {
      this.depth--;
      throw e;
    }
  }

  /** A call leaves the instance: the outermost frame credits the unused slice back. */
  leave(meter: Meter): void {
    if (--this.depth > 0 || !this.global) return;
    this.settleSlice(meter);
  }

  /**
   * `__wasgo.fuel_refill(v)`: bills the debt -v (a positive v is never credited), checks the
   * deadline and the budget, and returns a fresh slice, or throws OutOfFuel / Timeout (sticky).
   */
  refill(v: number): number {
    const meter = this.meter();
    if (!meter) throw new HostError('guest code ran outside an engine call (no meter): call exports through WasGoInstance.call');
    v |= 0;
    if (v < 0) meter.used -= v;
    meter.checkDeadline();
    this.slice = meter.take(this.sliceSize);
    return this.slice;
  }

  private settleSlice(meter: Meter | undefined): void {
    const g = this.global!;
    const left = (g.value as number) | 0;
    meter?.credit(Math.min(Math.max(left, 0), this.slice));
    g.value = 0;
    this.slice = 0;
  }
}
