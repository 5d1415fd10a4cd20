// What `wasgo help`, `wasgo <command> --help` and every usage error print. docs/cli.md says the same at length.
import { VERSION } from '../version';

export interface CommandHelp {
  summary: string;
  usage: string[];
  details: string;
}

const SANDBOX = `  --level 1|2|3        safety level (default 1): 1 Safe, 2 Wrapped (files after confirmation,
                       allowlisted HTTP), 3 Unsafe
  --allow-writes       level 2: answer "yes" when the mod asks to write a file (default: declined)
  --file-dir DIR       level 2: where each mod gets its own folder (default ./wasgo-data, git-ignored)
  --allow-url PREFIX   level 2: an HTTP(S) URL prefix the mod may fetch (repeatable)
  --strict             refuse to load a mod that imports something its level does not expose
                       (default: it loads, and calling that import stops it with ImportRefused)
  --fuel N             fuel per call, about one unit per wasm instruction (default 100000000; 0 = unmetered)
  --memory-mb N        cap for the mod's memory in MiB (default 64, at most 4096)
  --max-call-ms N      wall-clock backstop for one inline call (default 250; 0 = none)
  --seed N             seed for the mod's random numbers
  --verbose            with a failure, also print the JavaScript stack`;

export const COMMANDS: Record<string, CommandHelp> = {
  run: {
    summary: 'run a mod (.wasm) or an ANT.zip game package',
    usage: [
      'wasgo run <file.wasm> [options] [-- args for the mod...]',
      'wasgo run <game.ant.zip> [--level N] [--frames N] [--trace] [--allow-unsigned | --require-signature] [--trust KEY]... [-- args...]',
    ],
    details: `Runs the mod's main (main(), main(argc, argv), _start or --entry NAME) and exits with its
i32 result (0 for void). Its prints go to stdout, its errors to stderr.

options for a .wasm:
${SANDBOX}
  --entry NAME         call this export instead of main
  --worker             run main in a worker thread: killable, and asynchronous host functions
                       (http_request) work there
  --timeout-ms N       with --worker: wall-clock limit for main (default 10000; 0 = none)
  --api FILE.json      the game's modding API (the JSON twin of its WasGoApi resource): its
                       functions are linked as stubs that log their calls to stderr and return 0
  --godot-stubs        answer the godot module with stubs (print to stdout, mod_node = 1, every other
                       call 0): runs a Godot mod's main outside a game (docs/sdk.md)

options for a .ant.zip (docs/antwasm.md):
  --frames N           call every module's update(frame) N times after the game starts (default 3)
  --trace              print each phase, module load and ant.* call on stderr
  --allow-unsigned     run an unsigned package at level 2 or 3 (default: levels 2 and 3 need a
                       signature from a trusted key)
  --require-signature  refuse unsigned packages at level 1 too
  --trust KEY          a trusted signer: a base64 public key, or a key file from wasgo keygen

examples:
  wasgo run examples/hello-as/hello.wasm
  wasgo run examples/hello-c/hello.wasm -- save                      # refused: needs level 2
  wasgo run examples/hello-c/hello.wasm --level 2 --allow-writes -- save`,
  },
  inspect: {
    summary: 'list a mod\'s imports with the level each needs, its exports and memory',
    usage: ['wasgo inspect <file.wasm> [--json]'],
    details: `  --json               one JSON object: { module, bytes, imports, exports, memories }`,
  },
  validate: {
    summary: 'list every problem an ANT.zip package has; exit 0 only if it would load',
    usage: ['wasgo validate <game.ant.zip> [--level N] [--allow-unsigned | --require-signature] [--trust KEY]... [--json]'],
    details: `Exit status 0 when the package would load under these options, 1 when it has problems.
  --level N, --allow-unsigned, --require-signature, --trust KEY: as for wasgo run
  --json               one JSON object: { ok, problems, warnings, signature, signer }`,
  },
  pack: {
    summary: 'zip a folder into an ANT.zip package, optionally signed',
    usage: ['wasgo pack <dir> [-o <game.ant.zip>] [--sign <keyfile>] [--name N] [--version V]'],
    details: `  -o, --output FILE    where to write the package (default ./<dir name>.ant.zip; *.ant.zip is
                       git-ignored in this repository)
  --sign KEYFILE       sign it with a key made by wasgo keygen
  --name N, --version V  the package's name and version in ant.json (default: the folder's name)`,
  },
  keygen: {
    summary: 'make an Ed25519 signing key for wasgo pack --sign',
    usage: ['wasgo keygen <keyfile>'],
    details: `Writes a new signing key to <keyfile> (mode 0600; never overwrites) and prints its public
key, which games list as trusted (--trust KEY, or trustedKeys in the settings). The key file is
private: keep it out of version control (*.key.json and *.key are git-ignored here).`,
  },
  new: {
    summary: 'scaffold a mod project on the typed Godot bindings',
    usage: ['wasgo new <name> [--lang as|c] [--level 1|2|3] [--dir PATH]'],
    details: `Creates the folder <name> (or --dir) with package.json, src/<name>.ts (AssemblyScript,
the default) or src/<name>.c, README.md and .gitignore. Then: npm install && npm run build
(build/<name>.wasm, name section kept) && npm test (runs main once: wasgo run --godot-stubs).
The source imports the bindings of --level (default 1): using what that level does not allow
fails the build with a message naming the level. docs/sdk.md.

options:
  --lang as|c          AssemblyScript (default; needs the assemblyscript package) or C (needs clang)
  --level 1|2|3        the safety level the mod is written for (default 1)
  --dir PATH           where to create the project (default ./<name>); must not exist`,
  },
  sdk: {
    summary: 'typed AssemblyScript and C bindings of the game\'s own functions',
    usage: ['wasgo sdk --api <file.json> -o <dir>'],
    details: `Reads the game's modding API (the JSON twin of its WasGoApi resource, as for wasgo run --api)
and writes <dir>/game_api.ts and <dir>/game_api.h: one typed function per entry, so a mod calls
spawnEnemy("orc", 1, 2) (AssemblyScript; game_spawn_enemy("orc", 1, 2) in C) instead of an
import with pointer/length pairs. Each doc comment names the original module.name and its
level. A malformed API file is refused, naming the entry (SettingsError). docs/sdk.md.

options:
  --api FILE.json      the game's API
  -o, --output DIR     where to write the two files (created if missing; they are overwritten)

example:
  wasgo sdk --api mod_api.json -o src && wasgo run build/my-mod.wasm --api mod_api.json`,
  },
  help: {
    summary: 'this help, or a command\'s: wasgo help <command>',
    usage: ['wasgo help [command]', 'wasgo <command> --help'],
    details: '',
  },
};

export const EXIT_CODES = `exit status:
  0-255  wasgo run: the mod's main result (0 for void), or the code a WASI program passed to exit()
  0      other commands: done
  1      wasgo validate: the package has problems
  2      usage error (the usage is printed), or a file named on the command line cannot be
         read or written ("wasgo: FileNotFound: ...")
  70     internal error: a bug in WasGo (--verbose prints the stack; please report it)
  125    the mod was refused, trapped, ran out of fuel or time, or was killed
         (one line on stderr: "wasgo: <ErrorName>: message")`;

export function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `wasgo ${VERSION} — run WebAssembly mods with exactly the power you choose

usage: wasgo <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}

wasgo <command> --help shows a command's options; wasgo --version prints the version.
Docs: docs/cli.md (this, at length), docs/README.md (everything else).

${EXIT_CODES}`;
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name]!;
  return `usage: ${c.usage.join('\n       ')}\n\n${c.summary}.\n${c.details ? `\n${c.details}\n` : ''}`;
}

export function usageLines(name: string | undefined): string {
  const c = name ? COMMANDS[name] : undefined;
  if (!c) return `usage: wasgo <command> [options]; commands: ${Object.keys(COMMANDS).join(', ')}; see wasgo help`;
  return `usage: ${c.usage.join('\n       ')}${name === 'help' ? '' : `\n(wasgo ${name} --help for the options)`}`;
}
