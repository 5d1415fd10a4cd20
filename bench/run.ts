// `npm run bench`: every benchmark prints ratios against a baseline measured in the same run.
// `npm run bench -- adversarial load` runs only those.
import { runFuel as adversarial } from './adversarial';
import { run as compile } from './compile';
import { run as fuel } from './fuel';
import { run as load } from './load';
import { run as manyMods } from './many-mods';
import { run as meter } from './meter';
import { run as real } from './real';
import { run as sdk } from './sdk';
import { run as worker } from './worker';
import { run as workerLimits } from './worker-limits';

const only = process.argv.slice(2);
const benches: [string, () => Promise<void>][] = [
  ['fuel', fuel], ['meter', meter], ['adversarial', adversarial], ['compile', compile], ['load', load], ['real', real], ['worker', worker], ['worker-limits', workerLimits], ['many-mods', manyMods], ['sdk', sdk],
];
for (const [name, bench] of benches) {
  if (only.length && !only.includes(name)) continue;
  await bench();
}
