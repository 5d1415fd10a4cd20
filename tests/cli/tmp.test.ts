// Hygiene: tests leave no temporary folders behind.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { tempDir } from '../helpers/tmp';

describe('temporary folders', () => {
  it('every run has its own TMPDIR, which the global teardown removes', () => {
    const root = process.env.WASGO_TEST_TMPDIR;
    expect(root).toBeTruthy();
    expect(existsSync(root!)).toBe(true);
    const rel = relative(root!, tmpdir());
    expect(rel.startsWith('..')).toBe(false); // os.tmpdir() in this worker is the run's folder
  });

  let previous = '';
  it('tempDir() makes a folder for one test…', () => {
    previous = tempDir();
    writeFileSync(join(previous, 'x.txt'), 'x');
    expect(existsSync(previous)).toBe(true);
  });
  it('…and removes it when that test finishes', () => {
    expect(previous).not.toBe('');
    expect(existsSync(previous)).toBe(false);
  });
});
