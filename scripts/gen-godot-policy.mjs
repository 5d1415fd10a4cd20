#!/usr/bin/env node
// Regenerates the data half of the Godot safety policy from the REAL engine:
//
//   node scripts/gen-godot-policy.mjs [--from=dump.json] [--save=dump.json] [--chromium=PATH]
//   (npm run gen:policy)
//
// 1. Boots tools/classdb-dump/ in the Godot 4.6 web engine through the e2e harness
//    (tests/godot/lib/harness.ts, headless Chromium) and collects its `WASGO_CLASSDB i/n <base64>`
//    lines: gzip-compressed JSON of every ClassDB class (parent, instantiable, own methods,
//    signals, properties with getter/setter) and Engine.get_singleton_list() with their classes.
//    --from=FILE reads a saved dump instead; --save=FILE keeps the dump (uncompressed JSON).
// 2. Writes ts/godot/policy/classdb.ts (one line per class, tab-separated; see its header).
// 3. Writes tests/godot/projects/policy-classdb/policy.json: the hand-written level-1 allowlist and
//    denials from ts/godot/policy/rules.ts, which that e2e project checks against the real
//    ClassDB (a vitest test checks the file is up to date with rules.ts).
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const log = (s) => process.stdout.write(s + '\n');

async function bundle(entry, name) {
  const cacheDir = join(root, 'node_modules/.cache/wasgo-e2e');
  mkdirSync(cacheDir, { recursive: true });
  const outfile = join(cacheDir, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', external: ['playwright-core', 'esbuild'], logLevel: 'error',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

/** Runs tools/classdb-dump in the real engine; returns the parsed dump. */
async function dumpFromEngine() {
  // The harness runs projects from <root>/tests/godot/projects: give it a root of symlinks in
  // which the dump project is the only one.
  const fake = mkdtempSync(join(tmpdir(), 'wasgo-classdb-'));
  try {
    mkdirSync(join(fake, 'tests/godot/projects'), { recursive: true });
    symlinkSync(join(root, 'tools/classdb-dump'), join(fake, 'tests/godot/projects/classdb-dump'));
    symlinkSync(join(root, 'tests/godot/common'), join(fake, 'tests/godot/common'));
    mkdirSync(join(fake, 'addons'));
    symlinkSync(join(root, 'addons/wasgo'), join(fake, 'addons/wasgo'));
    symlinkSync(join(root, 'package.json'), join(fake, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(fake, 'node_modules'));
    const { runHarness } = await bundle('tests/godot/lib/harness.ts', 'harness');
    const chunks = [];
    let count = -1;
    const reports = await runHarness({
      root: fake, only: ['classdb-dump'], timeoutMs: 120_000, quiet: false, keepDir: null,
      chromiumPath: opt('chromium') ?? process.env.CHROMIUM ?? '/usr/bin/chromium',
      log: (line) => {
        const m = /WASGO_CLASSDB (\d+)\/(\d+) (\S*)$/.exec(line);
        if (m) {
          chunks[Number(m[1])] = m[3];
          count = Number(m[2]);
        } else log(line);
      },
    });
    const failed = reports.flatMap((r) => r.results).filter((r) => !r.ok);
    if (failed.length) throw new Error(`the dump project failed: ${failed.map((r) => r.name + (r.detail ? ': ' + r.detail : '')).join('; ')}`);
    if (count <= 0 || chunks.length !== count || chunks.some((c) => c === undefined)) {
      throw new Error(`incomplete dump: ${chunks.filter(Boolean).length} of ${count} chunks`);
    }
    return JSON.parse(gunzipSync(Buffer.from(chunks.join(''), 'base64')).toString('utf8'));
  } finally {
    rmSync(fake, { recursive: true, force: true });
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROP = /^[A-Za-z_][A-Za-z0-9_/]*$/;

/** The text of ts/godot/policy/classdb.ts. */
function classDbModule(dump) {
  const lines = [];
  let methods = 0;
  for (const name of Object.keys(dump.classes).sort()) {
    const c = dump.classes[name];
    if (!NAME.test(name)) throw new Error(`odd class name ${name}`);
    // Names starting with '_' are virtual methods (_ready, _process...): the engine calls them,
    // a mod never does; keep them anyway so the data is what the engine reports.
    const ms = [...new Set(c.methods)].filter((m) => NAME.test(m)).sort();
    methods += ms.length;
    const sigs = [...new Set(c.signals)].filter((s) => NAME.test(s)).sort();
    const props = Object.keys(c.properties).filter((p) => PROP.test(p)).sort().map((p) => {
      const [g, s] = c.properties[p];
      return g === `get_${p}` && s === `set_${p}` ? p : `${p}:${g}:${s}`;
    });
    lines.push([name, c.parent, c.instantiable ? 'i' : '-', ms.join(' '), sigs.join(' '), props.join(' ')].join('\t'));
  }
  const singletons = Object.keys(dump.singletons).sort().map((s) => `  ${JSON.stringify(s)}: ${JSON.stringify(dump.singletons[s])},`);
  const text = `// GENERATED by scripts/gen-godot-policy.mjs (npm run gen:policy) from what Godot ${dump.engine}
// reports at run time (tools/classdb-dump). Do not edit; the hand-written decisions are in ./rules.ts.
// ${lines.length} classes, ${methods} methods.

/** Engine.get_version_info().string of the engine the data was taken from. */
export const ENGINE_VERSION = ${JSON.stringify(dump.engine)};

/** Engine.get_singleton_list(): singleton name → the class of the singleton object. */
export const SINGLETONS: Readonly<Record<string, string>> = {
${singletons.join('\n')}
};

/**
 * ClassDB, one class per line, tab-separated: name, parent ('' for Object), 'i' if
 * ClassDB.can_instantiate else '-', then space-separated lists of the methods, signals and
 * properties the class declares itself (not inherited). A property is \`name\` when its getter and
 * setter are get_name/set_name, else \`name:getter:setter\` (either may be empty).
 */
export const CLASSES = \`
${lines.join('\n')}
\`;
`;
  return { text, classes: lines.length, methods };
}

let dump;
const from = opt('from');
if (from) dump = JSON.parse(readFileSync(from, 'utf8'));
else dump = await dumpFromEngine();
if (opt('save')) writeFileSync(opt('save'), JSON.stringify(dump, null, 1) + '\n');

const mod = classDbModule(dump);
writeFileSync(join(root, 'ts/godot/policy/classdb.ts'), mod.text);
log(`ts/godot/policy/classdb.ts: Godot ${dump.engine}, ${mod.classes} classes, ${mod.methods} methods, ${Object.keys(dump.singletons).length} singletons (${(mod.text.length / 1024).toFixed(0)} KiB)`);

const { policyCheckData } = await bundle('ts/godot/policy/check-data.ts', 'check-data');
writeFileSync(join(root, 'tests/godot/projects/policy-classdb/policy.json'), JSON.stringify(policyCheckData(), null, 1) + '\n');
log('tests/godot/projects/policy-classdb/policy.json: written from ts/godot/policy/rules.ts');
