// `wasgo pack`, `wasgo keygen`, `wasgo validate` and `wasgo run <file.ant.zip>` (docs/antwasm.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { WasGoEngine } from '../engine/engine';
import { WasGoError } from '../engine/errors';
import type { SafetyLevel } from '../engine/settings';
import { fromBase64 } from '../ant/encoding';
import { generateSigningKey, parseSigningKey } from '../ant/keys';
import { readDirectoryFiles } from '../ant/node-files';
import { packPackage } from '../ant/pack';
import { loadGame, type AntEvent } from '../ant/runtime';
import { checkGameShape } from '../ant/runtime-validate';
import { describeAntResult } from '../ant/spec-codes';
import { validatePackage } from '../ant/validate';
import { readZip } from '../ant/zip';
import { intOption, parse, settingOption, sandboxSettings, SANDBOX_OPTIONS, UsageError } from './args';
import { checkInput, CliFileError, fileError, readInput } from './files';

const EXIT_FAILED = 125;

/** True when `wasgo run` should treat its file as an ANT.zip package. */
export function isAntPackageArg(argv: readonly string[]): boolean {
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  return own.some((a) => !a.startsWith('-') && /\.zip$/i.test(a));
}

const TRUST_OPTIONS = {
  'allow-unsigned': { type: 'boolean' },
  'require-signature': { type: 'boolean' },
  trust: { type: 'string', multiple: true },
  level: { type: 'string' },
  'memory-mb': { type: 'string' },
} as const;

const ANT_RUN_OPTIONS = {
  ...SANDBOX_OPTIONS,
  ...TRUST_OPTIONS,
  frames: { type: 'string' },
  trace: { type: 'boolean' },
} as const;

interface TrustValues {
  'allow-unsigned'?: boolean | undefined;
  'require-signature'?: boolean | undefined;
  trust?: string[] | undefined;
}

/**
 * The CLI's trust policy: a signature from a trusted key is required at levels 2 and 3 (files,
 * network, everything) and with --require-signature; at level 1 — where a package can do no
 * more than any `wasgo run file.wasm` — unsigned packages run unless --require-signature.
 * A signature that is present must always verify, and ant.json's hashes must always match.
 */
async function trustFrom(values: TrustValues, level: number): Promise<{ requireSignature: boolean; trustedKeys: string[] }> {
  if (values['allow-unsigned'] && values['require-signature']) throw new UsageError('--allow-unsigned and --require-signature contradict each other');
  const requireSignature = values['require-signature'] === true || (level > 1 && values['allow-unsigned'] !== true);
  const trustedKeys: string[] = [];
  for (const t of values.trust ?? []) {
    if (fromBase64(t)?.length === 32) trustedKeys.push(t);
    else if (existsSync(t)) {
      const text = await readFile(t, 'utf8');
      const key = /^\s*\{/.test(text) ? (JSON.parse(text) as { publicKey?: unknown }).publicKey : text.trim();
      if (typeof key !== 'string' || fromBase64(key)?.length !== 32) throw new UsageError(`--trust ${t}: no base64 Ed25519 public key in that file`);
      trustedKeys.push(key);
    } else throw new UsageError(`--trust ${t}: neither a base64 public key nor a readable key file`);
  }
  return { requireSignature, trustedKeys };
}

/** `wasgo run <file.ant.zip>`: loads the game, and if it started, calls every module's `update(frame)` for --frames frames. */
export async function runAntCommand(argv: string[]): Promise<number> {
  const { values, positionals, passthrough } = parse(argv, ANT_RUN_OPTIONS);
  const file = positionals[0];
  if (!file) throw new UsageError('which package?');
  if (positionals.length > 1) throw new UsageError(`one package at a time (got ${positionals.join(', ')}); arguments for the game go after --`);
  const sandbox = sandboxSettings(values);
  const frames = intOption(values.frames, 'frames', 0, 1_000_000) ?? 3;
  const trust = await trustFrom(values, sandbox.level);
  const engine = WasGoEngine.get().init({ ...sandbox, ...trust });
  engine.on('print', (e) => process.stdout.write(`${e.text}\n`));
  engine.on('guest-error', (e) => process.stderr.write(`${e.mod}: error: ${e.text}\n`));
  if (values.trace) engine.on('error', (e) => process.stderr.write(`ant: ${e.error.describe()}\n`));
  const bytes = await readInput(file, '.ant.zip package');
  const game = await loadGame(bytes, {
    engine, name: basename(file), args: passthrough,
    onEvent: values.trace ? (e) => process.stderr.write(`ant: ${traceLine(e)}\n`) : undefined,
  });
  try {
    if (!game.started) {
      process.stderr.write('wasgo: the Core returned without calling start_game; the game never entered the Game Phase\n');
      return game.coreResult ?? 0;
    }
    let failed = 0;
    for (let frame = 0; frame < frames; frame++) {
      for (const m of game.modules) {
        if (m.instance.state !== 'ready' || !m.instance.functions.includes('update')) continue;
        try {
          game.call(m.id, 'update', [frame]);
        } catch (e) {
          if (!(e instanceof WasGoError)) throw e;
          failed++;
          process.stderr.write(`wasgo: ${m.path}: ${e.describe()}\n`);
        }
      }
    }
    return failed ? EXIT_FAILED : (game.coreResult ?? 0);
  } finally {
    game.dispose();
  }
}

function traceLine(e: AntEvent): string {
  switch (e.type) {
    case 'phase': return `phase ${e.phase}`;
    case 'loaded': return `loaded ${e.module.path} as ModuleId ${e.module.id} (${e.module.role})`;
    case 'import': {
      const arg = e.fn === 'load_module' || e.fn === 'load_module_core' ? (e.path === undefined ? '…' : JSON.stringify(e.path)) : '';
      return `${e.caller.path} ${e.fn}(${arg}) → ${describeAntResult(e.result)}${e.reason ? ` (${e.reason})` : ''}`;
    }
  }
}

/** `wasgo pack <dir> [-o game.ant.zip] [--sign keyfile] [--name N] [--version V]` */
export async function packCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' }, sign: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' },
  } as const);
  const dir = positionals[0];
  if (!dir) throw new UsageError('which folder?');
  if (positionals.length > 1) throw new UsageError(`one folder at a time (got ${positionals.join(', ')})`);
  checkInput(dir, 'folder to pack', 'directory');
  // Default: ./<folder name>.ant.zip in the current directory (*.ant.zip is git-ignored in this repository).
  const output = values.output ?? `${basename(resolve(dir))}.ant.zip`;
  const key = values.sign ? await readSigningKey(values.sign) : undefined;
  const files = await readDirectoryFiles(dir);
  const out = relative(resolve(dir), resolve(output));
  if (!out.startsWith('..') && !out.startsWith(sep)) files.delete(out.split(sep).join('/')); // never pack a previous output
  const bytes = await packPackage(files, { sign: key, name: values.name ?? basename(resolve(dir)), version: values.version });
  try {
    await writeFile(output, bytes);
  } catch (e) {
    throw fileError(e, output, 'file', true) ?? e;
  }
  if (!files.has('core.wasm')) process.stderr.write('wasgo: warning: there is no core.wasm at the top of the folder; the package will not load\n');
  console.log(`packed ${files.size} file${files.size === 1 ? '' : 's'} into ${output} (${bytes.length} bytes, ${key ? `signed by ${key.publicKey}` : 'unsigned'})`);
  return 0;
}

/** The signing key for `pack --sign`, with a pointer to `keygen` when there is none yet. */
async function readSigningKey(file: string) {
  let text: string;
  try {
    checkInput(file, 'signing key');
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e instanceof CliFileError ? e : fileError(e, file);
    if (err?.code === 'FileNotFound') throw new CliFileError('FileNotFound', `${file}: no such signing key; make one first with: wasgo keygen ${file}`);
    throw err ?? e;
  }
  try {
    return parseSigningKey(text);
  } catch (e) {
    throw new CliFileError('BadKeyFile', `${file} is not a signing key made by wasgo keygen (${e instanceof WasGoError ? e.message : String(e)})`);
  }
}

/** `wasgo keygen <keyfile>`: a new Ed25519 signing key (mode 0600); prints the public key for trustedKeys. */
export async function keygenCommand(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {} as const);
  const file = positionals[0];
  if (!file) throw new UsageError('where should the key go? name a new file, e.g. wasgo keygen my-mods.key.json');
  if (positionals.length > 1) throw new UsageError(`one key file at a time (got ${positionals.join(', ')})`);
  const key = await generateSigningKey();
  try {
    await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    const err = fileError(e, file, 'file', true);
    if (err?.code === 'FileExists') throw new CliFileError('FileExists', `${file} exists; keygen never overwrites a key`);
    throw err ?? e;
  }
  console.log(`signing key: ${file} (private, mode 0600: keep it secret and out of version control)`);
  if (trackableByGit(file)) process.stderr.write(`wasgo: warning: ${file} is inside a git work tree and not git-ignored; add it to .gitignore (or keep keys outside the repository)\n`);
  console.log(`public key: ${key.publicKey}`);
  console.log(`sign with: wasgo pack <dir> --sign ${file}; games trust it with --trust ${key.publicKey} (or trustedKeys)`);
  return 0;
}

/** True when `file` lies in a git work tree and git would not ignore it (false when git is missing). */
function trackableByGit(file: string): boolean {
  const r = spawnSync('git', ['check-ignore', '-q', basename(file)], { cwd: dirname(resolve(file)), stdio: 'ignore', timeout: 5000 });
  return r.status === 1; // 0 = ignored, 1 = not ignored, 128 = not a work tree
}

/** `wasgo validate <file>`: lists every problem; exit 0 only if the package would load under these options. */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...TRUST_OPTIONS, json: { type: 'boolean' } } as const);
  const file = positionals[0];
  if (!file) throw new UsageError('which package?');
  if (positionals.length > 1) throw new UsageError(`one package at a time (got ${positionals.join(', ')})`);
  const level = (settingOption(values.level, 'level', 'level') ?? 1) as SafetyLevel;
  const trust = await trustFrom(values, level);
  const bytes = await readInput(file, '.ant.zip package');
  const result = await validatePackage(bytes, trust);
  const problems: { code: string; message: string; entry?: string | undefined }[] = [...result.problems];
  const warnings: { code: string; message: string; entry?: string | undefined }[] = [];
  if (result.trust) {
    const files = await readZip(bytes, { report: () => undefined }).catch(() => new Map<string, Uint8Array>());
    const engine = WasGoEngine.get().init({ level, memoryMb: settingOption(values['memory-mb'], 'memory-mb', 'memoryMb') });
    const shape = await checkGameShape(files, engine);
    engine.shutdown();
    problems.push(...shape.problems);
    warnings.push(...shape.warnings);
  }
  const ok = problems.length === 0;
  if (values.json) {
    console.log(JSON.stringify({ ok, problems, warnings, signature: result.trust?.signature ?? null, signer: result.trust?.signer ?? null }, null, 2));
  } else {
    for (const p of problems) console.log(`problem: ${p.code}: ${p.entry ? `${p.entry}: ` : ''}${p.message}`);
    for (const w of warnings) console.log(`warning: ${w.code}: ${w.entry ? `${w.entry}: ` : ''}${w.message}`);
    const sig = result.trust ? `signature: ${result.trust.signature}${result.trust.signer ? ` (${result.trust.signer})` : ''}` : 'unreadable zip';
    console.log(ok ? `ok: ${file} would load (${sig})` : `invalid: ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${sig})`);
  }
  return ok ? 0 : 1;
}
