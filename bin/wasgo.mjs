#!/usr/bin/env node
// `npx wasgo` in a clone: builds dist/ on first use, then runs the CLI.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
await import(cli);
