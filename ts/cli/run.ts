import { basename } from 'node:path';
import { WasGoEngine } from '../engine/engine';
import type { SafetyLevel } from '../engine/settings';
import { intOption, parse, UsageError } from './args';

export const RUN_OPTIONS = {
  level: { type: 'string' },
  entry: { type: 'string' },
  strict: { type: 'boolean' },
  'file-dir': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  'allow-url': { type: 'string', multiple: true },
  seed: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** `wasgo run <file> [options] [-- args]`: prints the mod's output, exits with main's result. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals, passthrough } = parse(argv, RUN_OPTIONS);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('usage: wasgo run <file.wasm> [--level 1|2|3] [--entry NAME] [-- args...]');
  const engine = WasGoEngine.get().init({
    level: (intOption(values.level, 'level', 1, 3) ?? 1) as SafetyLevel,
    strictImports: values.strict ?? false,
    ...(values['file-dir'] ? { fileDir: values['file-dir'] } : {}),
    confirmWrite: () => values['allow-writes'] === true,
    networkAllowlist: values['allow-url'] ?? [],
    randomSeed: intOption(values.seed, 'seed', 0, 2 ** 32 - 1),
  });
  engine.on('print', (e) => process.stdout.write(`${e.text}\n`));
  engine.on('guest-error', (e) => process.stderr.write(`${basename(e.mod)}: error: ${e.text}\n`));
  const result = await engine.run(file, { args: passthrough, ...(values.entry ? { entry: values.entry } : {}) });
  return result;
}
