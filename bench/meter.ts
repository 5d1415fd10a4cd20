/**
 * The meter's figures (docs/limits.md "Fuel", "Host calls", "Wall clock"), measured in this run:
 * - the calibration: units per ns of plain metered wasm, the host-call floor;
 * - k = ns per fuel unit of a default call (fuelPerCall 1e8) of a plain loop, through the engine;
 * - the price of pricing host calls by time: a no-op host call through the linker with and
 *   without a meter (two clock reads, the charge, the deadline check), and a clock read alone.
 * Guest modules are assembled by hand (no wabt in the bench bundle).
 */
import { WasGoEngine } from '../ts/index';
import { hostCallLoop, LOOP, measure } from '../ts/engine/calibrate';
import { Metering, UNITS_PER_NS_RANGE } from '../ts/engine/meter';
import { OutOfFuel } from '../ts/engine/errors';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function hostCallNs(metered: boolean, calls: number): number {
  const metering = new Metering(() => 0);
  const run = hostCallLoop(metering, 'bench');
  const times: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    metering.current = metered ? metering.create(0) : undefined;
    const t0 = performance.now();
    run(calls);
    times.push(((performance.now() - t0) * 1e6) / calls);
    metering.current = undefined;
  }
  return median(times.slice(1));
}

export async function run(): Promise<void> {
  console.log('\n## the meter: calibration, k, the price of time pricing (median of %d runs)', RUNS);
  const cal = measure();
  console.log(`calibration: measured ${cal.measured.toFixed(2)} units/ns, used ${cal.unitsPerNs.toFixed(2)} (clamped to [${UNITS_PER_NS_RANGE.join(", ")}]); host-call floor ${cal.hostFloor} units; took ${cal.tookMs.toFixed(1)} ms`);

  const engine = WasGoEngine.get().init({ fuelPerCall: 100_000_000, maxCallMs: 0 });
  const ks: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const i = await engine.loadMod(LOOP, { name: 'loop.wasm' });
    const t0 = performance.now();
    try {
      i.call('run', [0x7fffffff]);
    } catch (e) {
      if (!(e instanceof OutOfFuel)) throw e;
    }
    ks.push(((performance.now() - t0) * 1e6) / 1e8);
    i.dispose();
  }
  console.log(`default call (fuelPerCall 1e8) of a plain loop: ${(median(ks) * 1e8 / 1e6).toFixed(1)} ms → k = ${median(ks).toFixed(3)} ns/unit`);

  let x = 0;
  const N = 1_000_000;
  const t0 = performance.now();
  for (let k = 0; k < N; k++) x += performance.now();
  const clockNs = ((performance.now() - t0) * 1e6) / N;
  const plain = hostCallNs(false, 200_000);
  const timed = hostCallNs(true, 200_000);
  console.log(`no-op host call through the linker: ${plain.toFixed(0)} ns unmetered, ${timed.toFixed(0)} ns priced by time (+${(timed - plain).toFixed(0)} ns); one performance.now(): ${clockNs.toFixed(0)} ns${x < 0 ? '' : ''}`);
  engine.shutdown();
}
