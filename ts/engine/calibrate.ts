/**
 * Calibration of host-call time pricing (docs/limits.md, "Host calls"): how many fuel units one
 * nanosecond of host time costs, so a host function is billed at the same rate as the guest code
 * the budget would otherwise have paid for. Measured once per JS realm (or worker), when the first
 * engine starts: a small plain wasm loop is rewritten by the real fuel pass (whatever cost model
 * it has), run under a meter, and timed. units/ns = units billed / ns elapsed, best of a few runs
 * (the fastest tier is the conservative figure: it makes host time the most expensive).
 * Takes ~2-5 ms. Falls back to DEFAULT_UNITS_PER_NS if anything fails (e.g. the pass refuses).
 */
import { clock, DEFAULT_UNITS_PER_NS, FuelPort, Metering, UNITS_PER_NS_RANGE } from './meter';
import { prepareModule } from './prepare';
import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from '../wasm/fuel';

/**
 * (func (export "run") (param $n i32) (result i32) (local $i i32) (local $x i32)
 *   (loop $l (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $i)))
 *     (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
 *   (local.get $x))
 */
const LOOP = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, 0x0a, 0x21, 0x01, 0x1f, 0x01, 0x02, 0x7f, 0x03, 0x40, 0x20, 0x02,
  0x41, 0x1f, 0x6c, 0x20, 0x01, 0x6a, 0x21, 0x02, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00,
  0x0b, 0x20, 0x02, 0x0b,
]);

export interface Calibration {
  /** Fuel units per nanosecond of plain metered wasm on this machine (clamped to UNITS_PER_NS_RANGE). */
  unitsPerNs: number;
  /** Before clamping; NaN when it could not be measured. */
  measured: number;
  /** How long calibrating took, ms. */
  tookMs: number;
}

let cached: Calibration | undefined;

/** The calibration of this realm (measured on first use). */
export function calibration(): Calibration {
  return (cached ??= measure());
}

/** Measures again (bench, tests). `iterations` per timed run. */
export function measure(iterations = 200_000, runs = 5): Calibration {
  const start = clock();
  let best = NaN;
  try {
    const bytes = prepareModule(LOOP, { name: 'wasgo-calibration', memoryMb: 1, fuelPerCall: 1e8 });
    const module = new WebAssembly.Module(bytes);
    const metering = new Metering(() => 0);
    const port = new FuelPort(metering);
    const imports: WebAssembly.Imports = {};
    if (WebAssembly.Module.imports(module).some((i) => i.module === FUEL_REFILL_MODULE && i.name === FUEL_REFILL_NAME)) {
      port.expectSlices();
      imports[FUEL_REFILL_MODULE] = { [FUEL_REFILL_NAME]: (v: number) => port.refill(v) };
    }
    const instance = new WebAssembly.Instance(module, imports);
    const g = instance.exports[FUEL_EXPORT];
    port.attach(g instanceof WebAssembly.Global ? g : undefined, undefined);
    const run = instance.exports.run as (n: number) => number;
    for (let k = 0; k <= runs; k++) { // run 0 warms up (compiles), untimed
      const meter = metering.create(0);
      metering.current = meter;
      port.enter(meter);
      const t0 = clock();
      try {
        run(k === 0 ? 1000 : iterations);
      } finally {
        port.leave(meter);
        metering.current = undefined;
      }
      const ns = (clock() - t0) * 1e6;
      const rate = meter.used / ns;
      if (k > 0 && ns > 0 && meter.used > 0 && !(rate <= best)) best = rate;
    }
  } catch {
    best = NaN;
  }
  const [lo, hi] = UNITS_PER_NS_RANGE;
  const unitsPerNs = Number.isFinite(best) ? Math.min(hi, Math.max(lo, best)) : DEFAULT_UNITS_PER_NS;
  return { unitsPerNs, measured: best, tookMs: clock() - start };
}
