#!/usr/bin/env node
// The fastest look at WasGo (npm run demo:cli): one mod that wants to write a file, run with the
// wasgo command at level 1 (refused, exit 125) and then at level 2 (the player is asked:
// --allow-writes says yes). The file goes to a temporary folder, removed afterwards.
// Exits 0 when both did what they should.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mod = 'examples/demo/diary.wasm';
if (!existsSync(join(root, mod)) || !existsSync(join(root, 'dist/cli.js'))) {
  console.error(`demo:cli: ${mod} or dist/cli.js is missing: run npm run build`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'wasgo-demo-cli-'));
const run = (title, args) => {
  console.log(`\n== ${title}\n$ wasgo ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [join(root, 'bin/wasgo.mjs'), ...args], { cwd: root, stdio: 'inherit' });
  console.log(`(exit ${r.status})`);
  return r.status;
};
let ok = false;
try {
  const refused = run('Level 1 (Safe, the default): the mod may print, not write files', ['run', mod, '--file-dir', dir]);
  const allowed = run('Level 2 (Wrapped): writes go to the mod\'s own folder, after the player says yes', ['run', mod, '--level', '2', '--allow-writes', '--file-dir', dir]);
  const note = join(dir, 'diary', 'note.txt');
  const written = existsSync(note) ? readFileSync(note, 'utf8') : null;
  console.log(`\nThe note it saved at level 2 (<file-dir>/diary/note.txt): ${written === null ? 'not found' : JSON.stringify(written)}`);
  console.log('Next: npm run demo (four mods in a Godot game, in your browser); docs/README.md');
  ok = refused === 125 && allowed === 0 && written !== null;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
