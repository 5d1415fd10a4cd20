// `npm run bench`: every benchmark prints ratios against a baseline measured in the same run.
// `npm run bench -- adversarial shapes` runs only those (shapes: adversarial module shapes, each in a child process killed at a time limit; load: the same shapes in-process with code growth); `--load-shape <name>` is the child mode
// of the load bench (one shape per process, killed at a time limit).
import { loadShape, runFuel as adversarial, runLoad as shapes } from './adversarial';
import { run as compile } from './compile';
import { run as fuel } from './fuel';
import { run as load } from './load';
import { run as meter } from './meter';
import { run as worker } from './worker';
import { run as workerLimits } from './worker-limits';

const args = process.argv.slice(2);
if (args[0] === '--load-shape') {
  loadShape(args[1]!);
} else {
  const benches: [string, () => Promise<void>][] = [
    ['fuel', fuel], ['meter', meter], ['adversarial', adversarial], ['compile', compile], ['load', load], ['shapes', shapes], ['worker', worker], ['worker-limits', workerLimits],
  ];
  for (const [name, bench] of benches) {
    if (args.length && !args.includes(name)) continue;
    await bench();
  }
}
