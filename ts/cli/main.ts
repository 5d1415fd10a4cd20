import { ProcExit, WasGoError } from '../engine/errors';
import { nodePlatform } from '../platform/node';
import { setPlatform } from '../platform/platform';
import { VERSION } from '../version';
import { keygenCommand, packCommand, validateCommand } from './ant';
import { UsageError } from './args';
import { inspectCommand } from './inspect';
import { runCommand } from './run';

const HELP = `wasgo ${VERSION} — run WebAssembly mods with exactly the power you choose

usage:
  wasgo run <file.wasm> [--level 1|2|3] [--entry NAME] [--strict] [--allow-writes]
                        [--file-dir DIR] [--allow-url PREFIX]... [--seed N] [--verbose]
                        [--fuel N] [--memory-mb N] [--max-call-ms N] [--worker [--timeout-ms N]] [-- args...]
  wasgo inspect <file.wasm> [--json]
  wasgo run <game.ant.zip> [--level N] [--frames N] [--trace] [--allow-unsigned | --require-signature]
                           [--trust KEY]... [-- args...]
  wasgo pack <dir> -o <game.ant.zip> [--sign keyfile] [--name N] [--version V]
  wasgo validate <game.ant.zip> [--level N] [--allow-unsigned | --require-signature] [--trust KEY]... [--json]
  wasgo keygen <keyfile>
  wasgo --version

--fuel N: fuel per call (0 = unmetered); --memory-mb N: cap for guest memory (1-4096);
--max-call-ms N: wall-clock backstop for an inline call (default 250, 0 = none);
--worker: run main in a worker thread (asynchronous host functions such as http_request work
there); --timeout-ms N: wall-clock limit for a --worker main (default 10000, 0 = none).

Exit status: main's i32 result (0 for void), or the code a WASI program passed to exit()
(proc_exit); 125 when the mod was refused or trapped
(one line on stderr: "wasgo: <ErrorName>: message"); 2 for usage errors.`;

/** Exit status for a mod that was refused, trapped or killed (like `docker run`). */
export const EXIT_MOD_FAILED = 125;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': return runCommand(rest);
    case 'pack': return packCommand(rest);
    case 'validate': return validateCommand(rest);
    case 'keygen': return keygenCommand(rest);
    case 'inspect': return inspectCommand(requireFile(rest), rest.includes('--json'));
    case '--version': case '-v': console.log(VERSION); return 0;
    case undefined: case 'help': case '--help': case '-h': console.log(HELP); return 0;
    default: throw new UsageError(`unknown command ${JSON.stringify(command)}; see wasgo --help`);
  }
}

function requireFile(rest: string[]): string {
  const files = rest.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) throw new UsageError('expected exactly one file');
  return files[0]!;
}

setPlatform(nodePlatform);
const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
main(argv).then(
  (code) => { process.exitCode = code & 0xff; },
  (e: unknown) => {
    if (e instanceof ProcExit) {
      process.exitCode = e.exitCode & 0xff; // a WASI exit that reached the top (runMain/start already return it)
    } else if (e instanceof UsageError) {
      process.stderr.write(`wasgo: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof WasGoError) {
      process.stderr.write(`wasgo: ${e.describe()}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      process.exitCode = EXIT_MOD_FAILED;
    } else {
      process.stderr.write(`wasgo: internal error: ${(e as Error)?.message ?? String(e)}\n`);
      if (verbose) process.stderr.write(`${(e as Error)?.stack}\n`);
      process.exitCode = 1;
    }
  },
);
