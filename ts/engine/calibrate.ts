/**
 * Calibration of host-call time pricing (docs/limits.md, "Host calls"): how many fuel units one
 * nanosecond of host time costs, so a host function is billed at the same rate as the guest code
 * the budget would otherwise have paid for. Measured once per JS realm (or worker), when the first
 * engine starts: a small plain wasm loop is rewritten by the real fuel pass (contract v2: it imports
 * the refill and exports the i32 counter), run under a meter, and timed. units/ns = units billed / ns elapsed, best of a few runs
 * (the fastest tier is the conservative figure: it makes host time the most expensive).
 * Takes ~2-5 ms. Falls back to DEFAULT_UNITS_PER_NS if anything fails (e.g. the pass refuses).
 */
import { clock, DEFAULT_UNITS_PER_NS, FuelPort, HOST_CALL_FLOOR, Metering, UNITS_PER_NS_RANGE } from './meter';
import { prepareModule } from './prepare';
import { FunctionTable } from '../table/function-table';
import { link } from '../table/linker';
import { FUEL_EXPORT, FUEL_REFILL_MODULE, FUEL_REFILL_NAME } from '../wasm/fuel';

/**
 * (func (export "run") (param $n i32) (result i32) (local $i i32) (local $x i32)
 *   (loop $l (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $i)))
 *     (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
 *   (local.get $x))
 */
export const LOOP = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, 0x0a, 0x21, 0x01, 0x1f, 0x01, 0x02, 0x7f, 0x03, 0x40, 0x20, 0x02,
  0x41, 0x1f, 0x6c, 0x20, 0x01, 0x6a, 0x21, 0x02, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00,
  0x0b, 0x20, 0x02, 0x0b,
]);

/**
 * (import "c" "nop" (func $nop))
 * (func (export "run") (param $n i32) (local $i i32)
 *   (loop $l (call $nop) (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
 */
export const HOST_LOOP = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00, 0x02, 0x09,
  0x01, 0x01, 0x63, 0x03, 0x6e, 0x6f, 0x70, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e,
  0x00, 0x01, 0x0a, 0x17, 0x01, 0x15, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x10, 0x00, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01,
  0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b, 0x0b,
]);

export interface Calibration {
  /** Fuel units per nanosecond of plain metered wasm on this machine (clamped to UNITS_PER_NS_RANGE). */
  unitsPerNs: number;
  /**
   * Units every host call is charged on top of its declared cost, bytes and measured time: the
   * part of a call's wall time the measurement cannot see (JS↔wasm transition, the linker's
   * adapter, the two clock reads), measured with a no-op host function, × 1.5. At least HOST_CALL_FLOOR.
   */
  hostFloor: number;
  /** Wall time of one no-op host call through the linker, metered (ns): the whole overhead of pricing by time included. */
  hostCallNs: number;
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
export function measure(iterations = 100_000, runs = 3): Calibration {
  const start = clock();
  let best = NaN;
  try {
    const { bytes } = prepareModule(LOOP, { name: 'wasgo-calibration', memoryMb: 1, meter: true });
    const module = new WebAssembly.Module(bytes);
    const metering = new Metering(() => 0);
    const port = new FuelPort(metering);
    port.linkRefill();
    const imports: WebAssembly.Imports = { [FUEL_REFILL_MODULE]: { [FUEL_REFILL_NAME]: (v: number) => port.refill(v) } };
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
  const host = measureHostCalls(unitsPerNs, Math.max(500, iterations / 100), runs);
  return { unitsPerNs, hostFloor: host.floor, hostCallNs: host.ns, measured: best, tookMs: clock() - start };
}

/** A no-op host function called through the real linker adapter, metered: the untimed overhead per call, in units. */
/**
 * HOST_LOOP linked through the real linker to a no-op host function billed to `metering`:
 * `run(n)` makes n host calls (the calibration's floor and the meter bench measure it).
 */
export function hostCallLoop(metering: Metering, moduleName: string): (n: number) => void {
  const table = new FunctionTable();
  table.register({ module: 'c', name: 'nop', params: [], result: 'void', level: 1, kind: 'core', implementation: () => undefined });
  const { imports } = link({ imports: [{ module: 'c', name: 'nop', kind: 'function', type: { params: [], results: [] } }], exports: [], memories: [] }, {
    table, level: 1, moduleName, instanceId: 0, memoryMb: 1, strictImports: false, binding: {},
    fault: (e) => e, currentFault: () => undefined, fuel: new FuelPort(metering),
  });
  return new WebAssembly.Instance(new WebAssembly.Module(HOST_LOOP), imports).exports.run as (n: number) => void;
}

function measureHostCalls(unitsPerNs: number, calls: number, runs: number): { floor: number; ns: number } {
  let floor = HOST_CALL_FLOOR;
  let bestNs = NaN;
  try {
    const metering = new Metering(() => 0);
    metering.unitsPerNs = unitsPerNs;
    metering.hostFloor = 0;
    const run = hostCallLoop(metering, 'wasgo-calibration');
    const untimedPerRun: number[] = [];
    for (let k = 0; k <= runs; k++) {
      const meter = metering.create(0);
      metering.current = meter;
      const n = k === 0 ? 2 * calls : calls; // run 0 warms the adapter up (optimized code is what runs for long)
      const t0 = clock();
      try {
        run(n);
      } finally {
        metering.current = undefined;
      }
      const ns = ((clock() - t0) * 1e6) / n;
      if (k === 0) continue;
      // Units the call should have cost (its wall time) minus what time pricing billed.
      untimedPerRun.push(ns * unitsPerNs - meter.used / n);
      if (!(ns >= bestNs)) bestNs = ns;
    }
    // The quietest run (noise only ever adds time), with 50 % headroom: the untimed part grows
    // with the machine's load like everything else, but the floor is fixed once.
    floor = Math.max(HOST_CALL_FLOOR, Math.ceil(1.5 * Math.min(...untimedPerRun)));
  } catch {
    floor = HOST_CALL_FLOOR;
  }
  return { floor, ns: bestNs };
}
