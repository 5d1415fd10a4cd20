// `wasgo sdk --api <file.json> -o <dir>`: typed AssemblyScript and C bindings of the game's own
// functions (game-sdk.ts; docs/sdk.md, "The game's API"). The file is the JSON twin of the
// game's WasGoApi resource, checked by the same parser as Godot and `wasgo run --api`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SettingsError } from '../engine/errors';
import { parseGameApi } from '../godot/game-api-data';
import { parse, UsageError } from './args';
import { checkInput, fileError } from './files';
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
  checkInput(file, 'API file');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw fileError(e, file, 'API file') ?? new SettingsError(`${file}: not JSON: ${(e as Error).message}`);
  }
  const files = generateGameSdk(parseGameApi(json, file), basename(file));
  const out = { [`${GAME_SDK_STEM}.ts`]: files.assemblyscript, [`${GAME_SDK_STEM}.h`]: files.c };
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(out)) writeFileSync(join(dir, name), text);
  } catch (e) {
    throw fileError(e, dir, 'folder', true) ?? e;
  }
  const count = (json as { functions?: unknown[] }).functions?.length ?? 0;
  process.stdout.write(`wrote ${Object.keys(out).map((n) => join(dir, n)).join(' and ')} (${count} function${count === 1 ? '' : 's'})\n`);
  return 0;
}
