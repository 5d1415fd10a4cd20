// `npm run bench`: every benchmark prints ratios against a baseline measured in the same run.
// `npm run bench -- adversarial load` runs only those; `--load-shape <name>` is the child mode
// of the load bench (one shape per process, killed at a time limit).
import { loadShape, runFuel as adversarial, runLoad as load } from './adversarial';
import { run as compile } from './compile';
import { run as fuel } from './fuel';
import { run as meter } from './meter';
import { run as worker } from './worker';

const args = process.argv.slice(2);
if (args[0] === '--load-shape') {
  loadShape(args[1]!);
} else {
  const benches: [string, () => Promise<void>][] = [
    ['fuel', fuel], ['meter', meter], ['adversarial', adversarial], ['compile', compile], ['load', load], ['worker', worker],
  ];
  for (const [name, bench] of benches) {
    if (args.length && !args.includes(name)) continue;
    await bench();
  }
}
