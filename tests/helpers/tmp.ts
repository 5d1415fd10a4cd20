// Temporary folders for tests: each is removed when its test finishes, so a run leaves nothing
// behind (tests/helpers/tmp-setup.ts also gives every run its own TMPDIR and removes it at the end).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A new empty folder under the OS temp folder, removed when the current test finishes. */
export function tempDir(prefix = 'wasgo-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
