// `wasgo pack`, `wasgo keygen`, `wasgo validate` and `wasgo run <file.ant.zip>` (docs/antwasm.md).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
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
  if (!file || positionals.length > 1) throw new UsageError('usage: wasgo run <file.ant.zip> [--level 1|2|3] [--frames N] [--trace] [--allow-unsigned | --require-signature] [--trust KEY]... [-- args...]');
  const sandbox = sandboxSettings(values);
  const frames = intOption(values.frames, 'frames', 0, 1_000_000) ?? 3;
  const trust = await trustFrom(values, sandbox.level);
  const engine = WasGoEngine.get().init({ ...sandbox, ...trust });
  engine.on('print', (e) => process.stdout.write(`${e.text}\n`));
  engine.on('guest-error', (e) => process.stderr.write(`${e.mod}: error: ${e.text}\n`));
  if (values.trace) engine.on('error', (e) => process.stderr.write(`ant: ${e.error.describe()}\n`));
  const game = await loadGame(new Uint8Array(await readFile(file)), {
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

/** `wasgo pack <dir> -o game.ant.zip [--sign keyfile] [--name N] [--version V]` */
export async function packCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    output: { type: 'string', short: 'o' }, sign: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' },
  } as const);
  const dir = positionals[0];
  if (!dir || positionals.length > 1 || !values.output) throw new UsageError('usage: wasgo pack <dir> -o <game.ant.zip> [--sign keyfile] [--name N] [--version V]');
  const files = await readDirectoryFiles(dir);
  const out = relative(resolve(dir), resolve(values.output));
  if (!out.startsWith('..') && !out.startsWith(sep)) files.delete(out.split(sep).join('/')); // never pack a previous output
  const key = values.sign ? parseSigningKey(await readFile(values.sign, 'utf8')) : undefined;
  const bytes = await packPackage(files, { sign: key, name: values.name ?? basename(resolve(dir)), version: values.version });
  await writeFile(values.output, bytes);
  if (!files.has('core.wasm')) process.stderr.write('wasgo: warning: there is no core.wasm at the top of the folder; the package will not load\n');
  console.log(`packed ${files.size} file${files.size === 1 ? '' : 's'} into ${values.output} (${bytes.length} bytes, ${key ? `signed by ${key.publicKey}` : 'unsigned'})`);
  return 0;
}

/** `wasgo keygen <keyfile>`: a new Ed25519 signing key (mode 0600); prints the public key for trustedKeys. */
export async function keygenCommand(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {} as const);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('usage: wasgo keygen <keyfile>');
  const key = await generateSigningKey();
  try {
    await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${file} exists; keygen never overwrites a key`);
    throw e;
  }
  console.log(key.publicKey);
  return 0;
}

/** `wasgo validate <file>`: lists every problem; exit 0 only if the package would load under these options. */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...TRUST_OPTIONS, json: { type: 'boolean' } } as const);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('usage: wasgo validate <file.ant.zip> [--level N] [--allow-unsigned | --require-signature] [--trust KEY]... [--json]');
  const level = (settingOption(values.level, 'level', 'level') ?? 1) as SafetyLevel;
  const trust = await trustFrom(values, level);
  const bytes = new Uint8Array(await readFile(file));
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
