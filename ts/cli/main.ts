import { ProcExit, WasGoError } from '../engine/errors';
import { nodePlatform } from '../platform/node';
import { setPlatform } from '../platform/platform';
import { configureLoadCache } from '../engine/load-cache';
import { VERSION } from '../version';
import { keygenCommand, packCommand, validateCommand } from './ant';
import { parse, UsageError, wantsHelp } from './args';
import { CliFileError, fileError } from './files';
import { COMMANDS, commandHelp, generalHelp, usageLines } from './help';
import { inspectCommand } from './inspect';
import { newCommand } from './new';
import { runCommand } from './run';
import { sdkCommand } from './sdk';

/** Exit status for a mod that was refused, trapped or killed (like `docker run`). */
export const EXIT_MOD_FAILED = 125;
/** A command-line or file problem: the command could not start. */
export const EXIT_USAGE = 2;
/** A bug in WasGo (EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command && command in COMMANDS && command !== 'help' && wantsHelp(rest)) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  switch (command) {
    case 'run': return runCommand(rest);
    case 'pack': return packCommand(rest);
    case 'validate': return validateCommand(rest);
    case 'keygen': return keygenCommand(rest);
    case 'new': return newCommand(rest);
    case 'sdk': return sdkCommand(rest);
    case 'inspect': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } } as const);
      if (positionals.length !== 1) throw new UsageError(positionals.length ? 'expected one file' : 'which file?');
      return inspectCommand(positionals[0]!, values.json === true);
    }
    case '--version': case '-v': console.log(VERSION); return 0;
    case undefined: case '--help': case '-h': console.log(generalHelp()); return 0;
    case 'help': {
      const topic = rest[0];
      if (topic === undefined) { console.log(generalHelp()); return 0; }
      if (!(topic in COMMANDS) || rest.length > 1) throw new UsageError(`no help for ${JSON.stringify(rest.join(' '))}`);
      process.stdout.write(topic === 'help' ? `${generalHelp()}\n` : commandHelp(topic));
      return 0;
    }
    default: throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

setPlatform(nodePlatform);
// Prepared modules kept on disk across runs only when asked (docs/limits.md "Load cache").
if (process.env.WASGO_CACHE_DIR) configureLoadCache({ dir: process.env.WASGO_CACHE_DIR });
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const verbose = (dash >= 0 ? argv.slice(0, dash) : argv).includes('--verbose');
const command = argv[0] !== undefined && argv[0] in COMMANDS ? argv[0] : undefined;
main(argv).then(
  (code) => { process.exitCode = code & 0xff; },
  (e: unknown) => {
    const file = e instanceof CliFileError ? e : fileError(e);
    if (e instanceof ProcExit) {
      process.exitCode = e.exitCode & 0xff; // a WASI exit that reached the top (runMain/start already return it)
    } else if (e instanceof UsageError) {
      process.stderr.write(`wasgo: ${e.message}\n${usageLines(e.command ?? command)}\n`);
      process.exitCode = EXIT_USAGE;
    } else if (file) {
      process.stderr.write(`wasgo: ${file.code}: ${file.message}\n`);
      process.exitCode = EXIT_USAGE;
    } else if (e instanceof WasGoError) {
      process.stderr.write(`wasgo: ${e.describe()}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      process.exitCode = EXIT_MOD_FAILED;
    } else {
      process.stderr.write(`wasgo: internal error: ${(e as Error)?.message ?? String(e)}\n${verbose ? `${(e as Error)?.stack}\n` : '(run again with --verbose for the stack, and please report it)\n'}`);
      process.exitCode = EXIT_INTERNAL;
    }
  },
);
