import { basename } from 'node:path';
import { WasGoEngine } from '../engine/engine';
import type { SafetyLevel } from '../engine/settings';
import { isAntPackageArg, runAntCommand } from './ant';
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
  worker: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  fuel: { type: 'string' },
  'memory-mb': { type: 'string' },
} as const;

/** `wasgo run <file> [options] [-- args]`: prints the mod's output, exits with main's result. */
export async function runCommand(argv: string[]): Promise<number> {
  if (isAntPackageArg(argv)) return runAntCommand(argv); // an ANT.zip game (ts/cli/ant.ts)
  const { values, positionals, passthrough } = parse(argv, RUN_OPTIONS);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('usage: wasgo run <file.wasm> [--level 1|2|3] [--entry NAME] [--worker] [-- args...]');
  const timeoutMs = intOption(values['timeout-ms'], 'timeout-ms', 0, 2 ** 31 - 1);
  if (timeoutMs !== undefined && !values.worker) throw new UsageError('--timeout-ms applies to --worker runs (inline runs are bounded by --fuel)');
  const engine = WasGoEngine.get().init({
    level: (intOption(values.level, 'level', 1, 3) ?? 1) as SafetyLevel,
    strictImports: values.strict ?? false,
    ...(values['file-dir'] ? { fileDir: values['file-dir'] } : {}),
    confirmWrite: () => values['allow-writes'] === true,
    networkAllowlist: values['allow-url'] ?? [],
    randomSeed: intOption(values.seed, 'seed', 0, 2 ** 32 - 1),
    fuelPerCall: intOption(values.fuel, 'fuel', 0, Number.MAX_SAFE_INTEGER),
    memoryMb: intOption(values['memory-mb'], 'memory-mb', 1, 65536),
    mainTimeoutMs: timeoutMs,
  });
  engine.on('print', (e) => process.stdout.write(`${e.text}\n`));
  engine.on('guest-error', (e) => process.stderr.write(`${basename(e.mod)}: error: ${e.text}\n`));
  const entry = values.entry ? { entry: values.entry } : {};
  if (!values.worker) return engine.run(file, { args: passthrough, ...entry });
  // --worker: main runs in a worker thread (killable, async host functions such as http_request work).
  const instance = await engine.loadMod(file);
  try {
    const fuel = intOption(values.fuel, 'fuel', 0, Number.MAX_SAFE_INTEGER);
    return await instance.start(passthrough, { ...entry, ...(fuel !== undefined ? { fuel } : {}) }).result;
  } finally {
    instance.dispose();
  }
}
