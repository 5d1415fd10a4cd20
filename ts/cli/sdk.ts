// `wasgo sdk --api <file.json> -o <dir>`: typed AssemblyScript and C bindings of the game's own
// functions (game-sdk.ts; docs/sdk.md, "The game's API"). The file is the JSON twin of the
// game's WasGoApi resource, checked exactly as by `wasgo run --api` (readApiFile).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readApiFile } from './api';
import { parse, UsageError } from './args';
import { fileError } from './files';
import { GAME_SDK_STEM, generateGameSdk } from './game-sdk';

export const SDK_OPTIONS = {
  api: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

export function sdkCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, SDK_OPTIONS);
  if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')} (the API file goes after --api)`);
  const file = values.api;
  if (!file) throw new UsageError('which API? --api <file.json> (the JSON twin of the game\'s WasGoApi resource)');
  const dir = values.output;
  if (!dir) throw new UsageError('where to? -o <dir>');
  const api = readApiFile(file);
  const files = generateGameSdk(api, basename(file));
  const out = { [`${GAME_SDK_STEM}.ts`]: files.assemblyscript, [`${GAME_SDK_STEM}.h`]: files.c };
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(out)) writeFileSync(join(dir, name), text);
  } catch (e) {
    throw fileError(e, dir, 'folder', true) ?? e;
  }
  const count = api.functions.length;
  process.stdout.write(`wrote ${Object.keys(out).map((n) => join(dir, n)).join(' and ')} (${count} function${count === 1 ? '' : 's'})\n`);
  return 0;
}
