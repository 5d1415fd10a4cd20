import { basename } from 'node:path';
import { WasGoEngine } from '../engine/engine';
import { isAntPackageArg, runAntCommand } from './ant';
import { parse, settingOption, sandboxSettings, SANDBOX_OPTIONS, UsageError } from './args';
import { checkInput } from './files';
import { registerApiStubs } from './api';
import { godotStubs } from './godot-stubs';

export const RUN_OPTIONS = {
  ...SANDBOX_OPTIONS,
  entry: { type: 'string' },
  worker: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  api: { type: 'string' },
  'godot-stubs': { type: 'boolean' },
} as const;

/** `wasgo run <file> [options] [-- args]`: prints the mod's output, exits with main's result. */
export async function runCommand(argv: string[]): Promise<number> {
  if (isAntPackageArg(argv)) return runAntCommand(argv); // an ANT.zip game (ts/cli/ant.ts)
  const { values, positionals, passthrough } = parse(argv, RUN_OPTIONS);
  const file = positionals[0];
  if (!file) throw new UsageError('which mod? name a .wasm or .ant.zip file');
  if (positionals.length > 1) throw new UsageError(`one mod at a time (got ${positionals.join(', ')}); arguments for the mod go after --`);
  const timeoutMs = settingOption(values['timeout-ms'], 'timeout-ms', 'mainTimeoutMs');
  if (timeoutMs !== undefined && !values.worker) throw new UsageError('--timeout-ms applies to --worker runs (inline runs are bounded by --fuel)');
  const settings = sandboxSettings(values);
  checkInput(file, '.wasm file');
  const engine = WasGoEngine.get().init({ ...settings, mainTimeoutMs: timeoutMs });
  engine.on('print', (e) => process.stdout.write(`${e.text}\n`));
  engine.on('guest-error', (e) => process.stderr.write(`${basename(e.mod)}: error: ${e.text}\n`));
  // The game's API (the JSON twin of its WasGoApi resource): stubs that log their calls.
  if (values.api) registerApiStubs(engine, values.api, (line) => process.stderr.write(`${line}\n`));
  const entry = values.entry ? { entry: values.entry } : {};
  if (values['godot-stubs']) {
    if (values.worker) throw new UsageError('--godot-stubs runs inline (not with --worker)');
    const imports = godotStubs((t) => process.stdout.write(`${t}\n`), (t) => process.stderr.write(`${basename(file)}: error: ${t}\n`));
    return engine.run(file, { args: passthrough, ...entry, imports });
  }
  if (!values.worker) return engine.run(file, { args: passthrough, ...entry });
  // --worker: main runs in a worker thread (killable, async host functions such as http_request work).
  const instance = await engine.loadMod(file);
  try {
    const fuel = settingOption(values.fuel, 'fuel', 'fuelPerMain');
    return await instance.start(passthrough, { ...entry, ...(fuel !== undefined ? { fuel } : {}) }).result;
  } finally {
    instance.dispose();
  }
}
