// `wasgo new <name> [--lang as|c] [--level 1|2|3] [--dir PATH]`: scaffolds a mod project outside
// the WasGo repository (docs/sdk.md, "wasgo new"). The project depends on `wasgo` (for the typed
// bindings and `wasgo run`) and, in AssemblyScript, on `assemblyscript`; `npm run build` writes
// build/<name>.wasm with its name section, `npm test` runs its main once with the godot module
// stubbed (`wasgo run --godot-stubs`).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VERSION } from '../version';
import { parse, UsageError } from './args';
import { CliFileError, fileError } from './files';

/** The assemblyscript version WasGo's SDK is built and tested with (tests/cli checks it matches package.json). */
export const ASSEMBLYSCRIPT_VERSION = '0.28.20';

export const NEW_OPTIONS = {
  lang: { type: 'string' },
  level: { type: 'string' },
  dir: { type: 'string' },
} as const;

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function newCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, NEW_OPTIONS);
  const name = positionals[0];
  if (!name) throw new UsageError('which name? e.g. wasgo new my-mod');
  if (positionals.length > 1) throw new UsageError(`one name (got ${positionals.join(', ')})`);
  if (!NAME.test(name)) throw new UsageError(`bad mod name ${JSON.stringify(name)}: lowercase letters, digits, '-' and '_', starting with a letter, at most 64`);
  const lang = values.lang ?? 'as';
  if (lang !== 'as' && lang !== 'c') throw new UsageError(`--lang must be as or c, got ${JSON.stringify(lang)}`);
  const level = Number(values.level ?? '1');
  if (level !== 1 && level !== 2 && level !== 3) throw new UsageError(`--level must be 1, 2 or 3, got ${JSON.stringify(values.level)}`);
  const dir = resolve(values.dir ?? name);
  if (existsSync(dir)) throw new CliFileError('FileExists', `${dir} exists; wasgo new makes a new folder`);
  const files = lang === 'as' ? asProject(name, level) : cProject(name, level);
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text, { flag: 'wx' });
    }
  } catch (e) {
    throw fileError(e, dir, 'folder', true) ?? e;
  }
  process.stdout.write(`created ${dir} (${lang === 'as' ? 'AssemblyScript' : 'C'}, level ${level})\n  cd ${values.dir ?? name} && npm install && npm run build && npm test\n`);
  return 0;
}

const entryOf = (level: number) => (level === 1 ? 'wasgo/godot' : `wasgo/godot/level${level}`);

function packageJson(name: string, scripts: Record<string, string>, deps: Record<string, string>): string {
  return `${JSON.stringify({ name, version: '0.1.0', private: true, type: 'module', scripts, devDependencies: deps }, null, 2)}\n`;
}

const gitignore = 'node_modules/\nbuild/\n';

function readme(name: string, level: number, lang: string): string {
  return `# ${name}

A WasGo mod (${lang === 'as' ? 'AssemblyScript' : 'C'}, safety level ${level}), written against the typed Godot bindings.

    npm install
    npm run build      # build/${name}.wasm (with its name section: guest stacks show function names)
    npm test           # runs main once with the godot module stubbed (wasgo run --godot-stubs)

Load it in a game with \`WasGoEngine.load_mod("res://mods/${name}.wasm", node, {"level": ${level}})\`.
Using something your level does not allow fails the build with a message naming the level it needs.
See the WasGo docs: docs/sdk.md (the typed bindings) and docs/sdk-api/level${level}.md (what level ${level} offers).
`;
}

function asProject(name: string, level: number): Record<string, string> {
  return {
    'package.json': packageJson(name, {
      build: `asc src/${name}.ts -o build/${name}.wasm --runtime incremental -O3 --debug`,
      test: `wasgo run build/${name}.wasm --godot-stubs --level ${level}`,
    }, { assemblyscript: ASSEMBLYSCRIPT_VERSION, wasgo: `^${VERSION}` }),
    '.gitignore': gitignore,
    'README.md': readme(name, level, 'as'),
    [`src/${name}.ts`]: `// ${name}: a WasGo mod on the typed Godot bindings (level ${level}).
import { Node2D, Vector2, print } from "${entryOf(level)}";

// Wrappers are made on first use: a wasm start function runs before the mod has its node.
let self: Node2D | null = null;
function node(): Node2D {
  if (self === null) self = Node2D.self();
  return self!;
}

/** Runs once when the game starts the mod. */
export function main(): i32 {
  print("${name}: ready");
  return 0;
}

/** Called every frame when the game sets mod.process_each_frame = true: 60 px/s to the right. */
export function _process(delta: f64): void {
  const n = node();
  n.position = n.position + new Vector2(<f32>(60 * delta), 0);
}
`,
  };
}

function cProject(name: string, level: number): Record<string, string> {
  const c = `-I node_modules/wasgo/sdk/c`;
  return {
    'package.json': packageJson(name, {
      build: `node -e "require('fs').mkdirSync('build',{recursive:true})" && clang --target=wasm32 -nostdlib -O2 -mbulk-memory -Wl,--no-entry -Wl,--strip-debug ${c} -o build/${name}.wasm src/${name}.c`,
      test: `wasgo run build/${name}.wasm --godot-stubs --level ${level}`,
    }, { wasgo: `^${VERSION}` }),
    '.gitignore': gitignore,
    'README.md': readme(name, level, 'c'),
    [`src/${name}.c`]: `/* ${name}: a WasGo mod on the typed Godot bindings (level ${level}).
 * Build: clang --target=wasm32 (Debian: apt-get install clang lld). */
#include "godot/level${level}.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* Runs once when the game starts the mod. */
EXPORT(main) int main(void) {
  godot_print("${name}: ready");
  return 0;
}

/* Called every frame when the game sets mod.process_each_frame = true: 60 px/s to the right. */
EXPORT(_process) void _process(double delta) {
  int32_t self = godot_mod_node();
  godot_Vector2 p = Node2D_get_position(self);
  p.x += (float)(60 * delta);
  Node2D_set_position(self, p);
}
`,
  };
}
