// vitest globalSetup: every test run gets its own TMPDIR (the workers inherit it), and at the end
// the folder is removed with whatever a test left in it — `npm test` leaves no temporary folders.
// What was left is listed, so the test that leaked can be fixed; WASGO_STRICT_TMP=1 fails the run
// then. tests/cli/tmp.test.ts checks both halves.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'wasgo-vitest-'));
  process.env.TMPDIR = root;
  process.env.WASGO_TEST_TMPDIR = root;
  return () => {
    const left = readdirSync(root);
    rmSync(root, { recursive: true, force: true });
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    if (left.length) {
      const msg = `tests left ${left.length} temporary entr${left.length === 1 ? 'y' : 'ies'} (removed now): ${left.slice(0, 20).join(', ')}`;
      if (process.env.WASGO_STRICT_TMP === '1') throw new Error(msg);
      console.warn(`note: ${msg}`);
    }
  };
}
