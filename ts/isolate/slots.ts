/**
 * The cap on concurrent worker mains (`maxWorkers`). One counter per JS realm, like the one
 * engine of a realm: a slot is taken by `start()` before anything is spawned and given back
 * exactly once when the run ends in any way (result, trap, fault, kill, timeout, dispose,
 * engine shutdown, a failed spawn). Past the cap `start()` throws WorkerLimit at once.
 */
import { WorkerLimit, type ErrorPlace } from '../engine/errors';

let active = 0;

/** Worker mains holding a slot now (started and not yet ended). */
export function activeMains(): number {
  return active;
}

/** Takes a slot or throws WorkerLimit; returns the (idempotent) release. */
export function acquireSlot(maxWorkers: number, place: ErrorPlace): () => void {
  if (active >= maxWorkers) {
    throw new WorkerLimit(
      `too many worker mains: maxWorkers is ${maxWorkers} and ${active} worker mains are running; ` +
      'wait for one to end (or kill it) before starting another, or raise maxWorkers',
      place,
    );
  }
  active++;
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    active--;
  };
}
