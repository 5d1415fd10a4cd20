/**
 * Spec conformance gate: the official WebAssembly test suite (../shared/wasm-testsuite, see its
 * SOURCE.md) converted with wabt's `wast2json`, every command run against the module as written
 * and as WasGo rewrites it (tests/conformance/adapter.ts), results compared NaN-aware.
 *
 * Used by tests/conformance/spec.test.ts (CI) and scripts/conformance.mjs-less local runs:
 *   npx vitest run tests/conformance/spec.test.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { FuelMeter, rewrite as adapterRewrite, roundTrip as adapterRoundTrip } from './adapter';
import { RESULT_BASE, SLOT, shapeOf, sigKey, wrapperModule, type ModuleShape, type Sig, type ValType } from './wasm-bin';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The suite lives next to the repository (`../shared/wasm-testsuite`); a git worktree one level
 * deeper (e.g. /work/wt/<name>) finds it one more level up. WASGO_SPEC_DIR overrides. Where
 * neither exists (a CI machine with only the clone), the copy vendored in this folder
 * (wasm-testsuite.tar.gz: the same files, commit in its SOURCE.md, Apache-2.0 LICENSE inside)
 * is unpacked into the temp folder: the gate never silently skips.
 */
export const SUITE_DIR = process.env.WASGO_SPEC_DIR
  ?? [join(ROOT, '../shared/wasm-testsuite'), join(ROOT, '../../shared/wasm-testsuite')].find((d) => existsSync(join(d, 'SOURCE.md')))
  ?? unpackVendoredSuite();

function unpackVendoredSuite(): string {
  const archive = join(ROOT, 'tests/conformance/wasm-testsuite.tar.gz');
  const into = join(tmpdir(), `wasgo-spec-suite-${userInfo().username}`);
  const dir = join(into, 'wasm-testsuite');
  if (!existsSync(join(dir, 'SOURCE.md')) && existsSync(archive)) {
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['xzf', archive, '-C', into]);
  }
  return dir;
}

/** What WasGo does with each group of the suite. Move a proposal between lists when support changes. */
export interface Group {
  name: string;
  /** Directory under the suite ('' = top level, the Wasm 2.0 core). */
  dir: string;
  flags: string[];
  /** accept: run and compare everything; refuse: modules using the feature must be refused with UnsupportedFeature. */
  expect: 'accept' | 'refuse';
  /** wabt feature names that define "uses the feature" (refused groups). */
  features?: string[];
}

export const GROUPS: Group[] = [
  { name: 'core', dir: '', flags: [], expect: 'accept' },
  { name: 'exception-handling', dir: 'proposals/exception-handling', flags: ['--enable-exceptions'], expect: 'accept' },
  { name: 'tail-call', dir: 'proposals/tail-call', flags: ['--enable-tail-call'], expect: 'accept' },
  { name: 'extended-const', dir: 'proposals/extended-const', flags: ['--enable-extended-const'], expect: 'refuse', features: ['extended_const'] },
  { name: 'multi-memory', dir: 'proposals/multi-memory', flags: ['--enable-multi-memory'], expect: 'refuse', features: ['multi_memory'] },
  { name: 'memory64', dir: 'proposals/memory64', flags: ['--enable-memory64'], expect: 'refuse', features: ['memory64'] },
  { name: 'threads', dir: 'proposals/threads', flags: ['--enable-threads'], expect: 'refuse', features: ['threads'] },
  { name: 'relaxed-simd', dir: 'proposals/relaxed-simd', flags: ['--enable-relaxed-simd'], expect: 'refuse', features: ['relaxed_simd'] },
  { name: 'function-references', dir: 'proposals/function-references', flags: ['--enable-function-references'], expect: 'refuse', features: ['function_references'] },
  { name: 'gc', dir: 'proposals/gc', flags: ['--enable-gc'], expect: 'refuse', features: ['gc', 'function_references'] },
  // Text-format only (custom annotations): nothing binary to test; wabt 1.0.32 cannot convert it anyway.
  { name: 'annotations', dir: 'proposals/annotations', flags: ['--enable-annotations'], expect: 'accept' },
];

/** Features WasGo accepts (wabt names): "uses a refused feature" = invalid with only these. */
const BASE_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true, simd: true,
  multi_value: true, tail_call: true, bulk_memory: true, reference_types: true,
  // wabt turns some of these on by default: say no explicitly.
  threads: false, function_references: false, gc: false, memory64: false, extended_const: false,
  relaxed_simd: false, multi_memory: false, annotations: false, code_metadata: false,
};

// ---------------------------------------------------------------------------------------------
// Conversion

export interface ScriptFile {
  group: Group;
  /** e.g. core/address.wast */
  id: string;
  wast: string;
  json: string | undefined;
  error: string | undefined;
}

export function cacheDir(): string {
  let user = 'user';
  try { user = userInfo().username; } catch { /* no passwd entry */ }
  return process.env.WASGO_SPEC_CACHE ?? join(tmpdir(), `wasgo-spec-${user}`);
}

export function wast2jsonVersion(): string | undefined {
  try {
    return execFileSync('wast2json', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

/** Converts every .wast of every group (cached by content hash). */
export function convertAll(groups = GROUPS): ScriptFile[] {
  const version = wast2jsonVersion();
  const out: ScriptFile[] = [];
  for (const group of groups) {
    const dir = join(SUITE_DIR, group.dir);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.wast')).sort()) {
      const wast = join(dir, f);
      const id = `${group.name}/${f}`;
      if (!version) { out.push({ group, id, wast, json: undefined, error: 'wast2json not installed (Debian package wabt)' }); continue; }
      const base = f.slice(0, -5);
      const hash = createHash('sha1').update(readFileSync(wast)).update(version).update(group.flags.join(' ')).digest('hex').slice(0, 12);
      const outDir = join(cacheDir(), group.name, `${base}-${hash}`);
      const json = join(outDir, `${base}.json`);
      const failed = join(outDir, 'FAILED');
      if (existsSync(json)) { out.push({ group, id, wast, json, error: undefined }); continue; }
      if (existsSync(failed)) { out.push({ group, id, wast, json: undefined, error: readFileSync(failed, 'utf8') }); continue; }
      mkdirSync(outDir, { recursive: true });
      try {
        execFileSync('wast2json', [...group.flags, wast, '-o', json], { stdio: ['ignore', 'pipe', 'pipe'] });
        out.push({ group, id, wast, json, error: undefined });
      } catch (e) {
        const err = e as { stderr?: Buffer; message: string };
        const msg = (err.stderr?.toString() || err.message).split('\n').find((l) => l.trim()) ?? 'wast2json failed';
        writeFileSync(failed, msg);
        out.push({ group, id, wast, json: undefined, error: msg });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

interface JsonValue { type: string; value?: string | string[]; lane_type?: string }
interface JsonAction { type: 'invoke' | 'get'; module?: string; field: string; args?: JsonValue[] }
interface Command {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  text?: string;
  module_type?: 'binary' | 'text';
  action?: JsonAction;
  expected?: JsonValue[];
}

type Val = { t: ValType; v: unknown };
export type Outcome =
  | { kind: 'values'; values: Val[] }
  | { kind: 'trap'; msg: string }
  | { kind: 'exhaustion' }
  | { kind: 'exception' }
  | { kind: 'error'; msg: string };

/** Host references for `ref.extern N`: the same object in both worlds. */
const hostRefs = new Map<number, object>();
function hostRef(n: number): object {
  let r = hostRefs.get(n);
  if (!r) hostRefs.set(n, (r = { hostref: n }));
  return r;
}

function classify(e: unknown): Outcome {
  if (e instanceof WebAssembly.RuntimeError) return { kind: 'trap', msg: e.message };
  if (e instanceof RangeError && /call stack/i.test(e.message)) return { kind: 'exhaustion' };
  if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception) return { kind: 'exception' };
  const err = e as Error;
  return { kind: 'error', msg: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}` };
}

const LANES: Record<string, [number, 'int' | 'f32' | 'f64']> = {
  i8: [1, 'int'], i16: [2, 'int'], i32: [4, 'int'], i64: [8, 'int'], f32: [4, 'f32'], f64: [8, 'f64'],
};

function writeArg(dv: DataView, at: number, a: JsonValue): void {
  const v = a.value as string;
  switch (a.type) {
    case 'i32': case 'f32': dv.setUint32(at, Number(BigInt.asUintN(32, BigInt(v))), true); return;
    case 'i64': case 'f64': dv.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true); return;
    case 'v128': {
      const [w] = LANES[a.lane_type!]!;
      (a.value as string[]).forEach((lane, i) => {
        const x = BigInt.asUintN(w * 8, BigInt(lane));
        for (let k = 0; k < w; k++) dv.setUint8(at + i * w + k, Number((x >> BigInt(8 * k)) & 0xffn));
      });
      return;
    }
    default: throw new Error(`argument type ${a.type}`);
  }
}

function refArg(a: JsonValue): unknown {
  if (a.value === 'null') return null;
  if (a.type === 'externref') return hostRef(Number(a.value));
  throw new Error(`cannot pass ${a.type} ${String(a.value)}`);
}

function readResult(dv: DataView, at: number, t: ValType): unknown {
  switch (t) {
    case 'i32': case 'f32': return dv.getUint32(at, true);
    case 'i64': case 'f64': return dv.getBigUint64(at, true);
    case 'v128': return new Uint8Array(dv.buffer.slice(dv.byteOffset + at, dv.byteOffset + at + 16));
    default: throw new Error(t);
  }
}

function f32Bits(x: number): number {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0]!;
}
function f64Bits(x: number): bigint {
  const f = new Float64Array([x]);
  return new BigUint64Array(f.buffer)[0]!;
}
const isNan32 = (b: number) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
const isNan64 = (b: bigint) => (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0xfffffffffffffn) !== 0n;

function lanesOf(bytes: Uint8Array, laneType: string): bigint[] {
  const [w] = LANES[laneType]!;
  const out: bigint[] = [];
  for (let i = 0; i < 16 / w; i++) {
    let x = 0n;
    for (let k = w - 1; k >= 0; k--) x = (x << 8n) | BigInt(bytes[i * w + k]!);
    out.push(x);
  }
  return out;
}

function laneMatches(x: bigint, want: string, kind: 'int' | 'f32' | 'f64', width: number): boolean {
  if (want === 'nan:canonical') {
    return kind === 'f32' ? (Number(x) & 0x7fffffff) === 0x7fc00000 : (x & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
  }
  if (want === 'nan:arithmetic') {
    return kind === 'f32' ? (Number(x) & 0x7fc00000) === 0x7fc00000 : (x & 0x7ff8000000000000n) === 0x7ff8000000000000n;
  }
  return x === BigInt.asUintN(width * 8, BigInt(want));
}

/** Does a value match the script's expectation (NaN patterns included)? */
function matchesExpected(v: Val, e: JsonValue): boolean {
  if (e.type === 'either') return ((e as unknown as { values: JsonValue[] }).values ?? []).some((x) => matchesExpected(v, x));
  if (v.t !== e.type && !(e.type === 'funcref' && v.t === 'funcref')) return false;
  switch (e.type) {
    case 'i32': return laneMatches(BigInt(v.v as number), e.value as string, 'int', 4);
    case 'f32': return laneMatches(BigInt(v.v as number), e.value as string, 'f32', 4);
    case 'i64': return laneMatches(v.v as bigint, e.value as string, 'int', 8);
    case 'f64': return laneMatches(v.v as bigint, e.value as string, 'f64', 8);
    case 'v128': {
      const [w, kind] = LANES[e.lane_type!]!;
      const lanes = lanesOf(v.v as Uint8Array, e.lane_type!);
      return (e.value as string[]).every((want, i) => laneMatches(lanes[i]!, want, kind, w));
    }
    case 'externref': return e.value === 'null' ? v.v === null : v.v === hostRef(Number(e.value));
    case 'funcref': return e.value === 'null' ? v.v === null : typeof v.v === 'function';
    default: return false;
  }
}

/** Original vs rewritten: same kind, same trap, same values (any NaN equals any NaN). */
function sameOutcome(a: Outcome, b: Outcome, expected?: JsonValue[]): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'trap' || a.kind === 'error') return a.msg === (b as typeof a).msg;
  if (a.kind !== 'values') return true;
  const bv = (b as typeof a).values;
  if (a.values.length !== bv.length) return false;
  return a.values.every((x, i) => sameValue(x, bv[i]!, expected?.[i]));
}

function sameValue(x: Val, y: Val, e?: JsonValue): boolean {
  if (x.t !== y.t) return false;
  switch (x.t) {
    case 'i32': case 'i64': return x.v === y.v;
    case 'f32': return x.v === y.v || (isNan32(x.v as number) && isNan32(y.v as number));
    case 'f64': return x.v === y.v || (isNan64(x.v as bigint) && isNan64(y.v as bigint));
    case 'v128': {
      const lt = e?.type === 'v128' && e.lane_type?.startsWith('f') ? e.lane_type : undefined;
      if (!lt) return Buffer.from(x.v as Uint8Array).equals(Buffer.from(y.v as Uint8Array));
      const [, kind] = LANES[lt]!;
      const la = lanesOf(x.v as Uint8Array, lt);
      const lb = lanesOf(y.v as Uint8Array, lt);
      return la.every((p, i) => p === lb[i] || (kind === 'f32' ? isNan32(Number(p)) && isNan32(Number(lb[i])) : isNan64(p) && isNan64(lb[i]!)));
    }
    case 'funcref': return (x.v === null) === (y.v === null);
    default: return x.v === y.v;
  }
}

export function describeOutcome(o: Outcome | undefined): string {
  if (!o) return 'nothing';
  if (o.kind === 'values') {
    return `[${o.values.map((v) => `${v.t}:${v.v instanceof Uint8Array ? Buffer.from(v.v).toString('hex') : typeof v.v === 'function' ? 'func' : typeof v.v === 'object' && v.v !== null ? JSON.stringify(v.v) : String(v.v)}`).join(', ')}]`;
  }
  if (o.kind === 'trap' || o.kind === 'error') return `${o.kind} "${o.msg}"`;
  return o.kind;
}

// ---------------------------------------------------------------------------------------------
// Worlds: one runs the modules as written, the other as rewritten.

interface Inst {
  instance: WebAssembly.Instance;
  shape: ModuleShape;
  meter: FuelMeter | undefined;
}

const wrapperCache = new Map<string, WebAssembly.Module>();
const callers = new WeakMap<WebAssembly.Instance, Map<string, { w: (...a: unknown[]) => unknown; dv: DataView }>>();

function spectest(): Record<string, unknown> {
  const noop = () => {};
  return {
    print: noop, print_i32: noop, print_i64: noop, print_f32: noop, print_f64: noop, print_i32_f32: noop, print_f64_f64: noop,
    global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
    global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
    global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
    global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
    table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  };
}

class World {
  readonly registry: Record<string, Record<string, unknown>> = { spectest: spectest() };
  readonly named = new Map<string, Inst | null>();
  /** null: the module was refused or could not be built in this world. */
  current: Inst | null | undefined;

  constructor(readonly rewritten: boolean) {}

  /** Compiles and instantiates (bytes already rewritten for the rewritten world). */
  instantiate(bytes: Uint8Array<ArrayBuffer>): Inst {
    const module = new WebAssembly.Module(bytes);
    const imports: Record<string, unknown> = { ...this.registry };
    let meter: FuelMeter | undefined;
    if (this.rewritten) {
      meter = new FuelMeter();
      meter.link(module, imports);
    }
    const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
    meter?.attach(instance);
    return { instance, shape: shapeOf(bytes), meter };
  }

  resolve(name: string | undefined): Inst | null | undefined {
    return name === undefined ? this.current : this.named.get(name);
  }

  register(name: string | undefined, as: string): void {
    const inst = this.resolve(name);
    if (inst) this.registry[as] = inst.instance.exports as Record<string, unknown>;
  }
}

function invoke(inst: Inst, action: JsonAction): Outcome {
  const exports = inst.instance.exports;
  try {
    if (action.type === 'get') {
      const g = exports[action.field] as WebAssembly.Global;
      const t = inst.shape.globalExports.get(action.field) ?? 'i32';
      const raw = g.value as unknown;
      const v = t === 'f32' ? f32Bits(raw as number) : t === 'f64' ? f64Bits(raw as number)
        : t === 'i32' ? (raw as number) >>> 0 : t === 'i64' ? BigInt.asUintN(64, raw as bigint) : raw;
      return { kind: 'values', values: [{ t, v }] };
    }
    const args = action.args ?? [];
    const sig = inst.shape.funcExports.get(action.field);
    const f = exports[action.field];
    if (typeof f !== 'function') return { kind: 'error', msg: `no exported function ${action.field}` };
    if (!sig) return { kind: 'error', msg: `signature of ${action.field} not decodable` };
    const { w, dv } = caller(inst, action.field, sig, f);
    const refArgs: unknown[] = [];
    args.forEach((a, i) => {
      if (a.type === 'funcref' || a.type === 'externref') refArgs.push(refArg(a));
      else writeArg(dv, SLOT * i, a);
    });
    const ret = w(...refArgs);
    const refResults = sig.results.filter((t) => t === 'funcref' || t === 'externref');
    const refVals = refResults.length === 0 ? [] : refResults.length === 1 ? [ret] : (ret as unknown[]);
    let r = 0;
    const values = sig.results.map((t, j): Val => (t === 'funcref' || t === 'externref')
      ? { t, v: refVals[r++] }
      : { t, v: readResult(dv, RESULT_BASE + SLOT * j, t) });
    return { kind: 'values', values };
  } catch (e) {
    return classify(e);
  }
}

function caller(inst: Inst, field: string, sig: Sig, f: unknown) {
  let m = callers.get(inst.instance);
  if (!m) callers.set(inst.instance, (m = new Map()));
  let c = m.get(field);
  if (!c) {
    const key = sigKey(sig);
    let mod = wrapperCache.get(key);
    if (!mod) wrapperCache.set(key, (mod = new WebAssembly.Module(wrapperModule(sig))));
    const wi = new WebAssembly.Instance(mod, { m: { f } } as WebAssembly.Imports);
    c = { w: wi.exports.w as (...a: unknown[]) => unknown, dv: new DataView((wi.exports.mem as WebAssembly.Memory).buffer) };
    m.set(field, c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Running a script

export interface Failure {
  /** `group/file.wast:line command` — what known-failure lists match on. */
  key: string;
  category: 'mismatch' | 'unexpected-refusal' | 'not-refused' | 'wrong-refusal' | 'round-trip';
  detail: string;
}

export interface Counts {
  filesConverted: number;
  filesNotConverted: number;
  modules: number;
  modulesCompared: number;
  assertionsCompared: number;
  mismatches: number;
  refusedAsExpected: number;
  refusedInvalid: number;
  refusedFeature: number;
  unexpectedRefusals: number;
  notRefused: number;
  wrongRefusals: number;
  roundTrips: number;
  roundTripFailures: number;
  /** Modules for which the adapter offers no round-trip entry. */
  roundTripsUnavailable: number;
  textModulesNotConvertible: number;
  notRunAfterRefusal: number;
  engineUnsupported: number;
  engineDeviations: number;
  outdatedInvalid: number;
}

export function emptyCounts(): Counts {
  return {
    filesConverted: 0, filesNotConverted: 0, modules: 0, modulesCompared: 0, assertionsCompared: 0, mismatches: 0,
    refusedAsExpected: 0, refusedInvalid: 0, refusedFeature: 0, unexpectedRefusals: 0, notRefused: 0, wrongRefusals: 0,
    roundTrips: 0, roundTripFailures: 0, roundTripsUnavailable: 0, textModulesNotConvertible: 0, notRunAfterRefusal: 0, engineUnsupported: 0,
    engineDeviations: 0, outdatedInvalid: 0,
  };
}

export interface RunReport {
  counts: Counts;
  failures: Failure[];
  /** The original module disagreed with the script (V8 or harness, not WasGo): informational. */
  deviations: string[];
  notConverted: { id: string; error: string }[];
}

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt | undefined;

function wabtValid(bytes: Uint8Array, features: Record<string, boolean>): boolean {
  let m: ReturnType<Wabt['readWasm']> | undefined;
  try {
    m = wabt!.readWasm(bytes, { readDebugNames: false, ...features });
    m.validate();
    return true;
  } catch {
    return false;
  } finally {
    m?.destroy();
  }
}

function errCode(e: unknown): string {
  const x = e as { code?: unknown; name?: string; message?: string };
  return typeof x?.code === 'string' ? x.code : (x?.name ?? 'Error');
}

function errText(e: unknown): string {
  const x = e as { message?: string };
  return `${errCode(e)}: ${(x?.message ?? String(e)).split('\n')[0]}`;
}

/** The rewrite under test (tests inject broken ones to prove the gate catches them). */
let rewrite: (bytes: Uint8Array, name: string, o?: { metered?: boolean }) => Uint8Array<ArrayBuffer> = adapterRewrite;

export async function runSpec(files: ScriptFile[], o: { rewrite?: typeof rewrite } = {}): Promise<RunReport> {
  wabt ??= await wabtInit();
  rewrite = o.rewrite ?? adapterRewrite;
  const report: RunReport = { counts: emptyCounts(), failures: [], deviations: [], notConverted: [] };
  for (const f of files) {
    if (!f.json) {
      report.counts.filesNotConverted++;
      report.notConverted.push({ id: f.id, error: f.error ?? '?' });
      continue;
    }
    report.counts.filesConverted++;
    runScript(f, report);
  }
  report.counts.mismatches = report.failures.filter((x) => x.category === 'mismatch').length;
  return report;
}

function runScript(file: ScriptFile, report: RunReport): void {
  const c = report.counts;
  const dir = resolve(file.json!, '..');
  const { commands } = JSON.parse(readFileSync(file.json!, 'utf8')) as { commands: Command[] };
  const orig = new World(false);
  const rewr = new World(true);
  const refused = file.group.expect === 'refuse';
  const fail = (cmd: Command, category: Failure['category'], detail: string) =>
    report.failures.push({ key: `${file.id}:${cmd.line} ${cmd.type}`, category, detail });
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  /**
   * The module must be refused, metered and unmetered (the unmetered path still validates and
   * gates features, CONTRACT.md 5); a refused feature with UnsupportedFeature.
   */
  const expectRefusal = (cmd: Command, bytes: Uint8Array, what: 'invalid' | 'malformed' | 'feature') => {
    const accepted: string[] = [];
    const wrong: string[] = [];
    for (const metered of [true, false]) {
      const mode = metered ? 'metered' : 'unmetered';
      try {
        rewrite(bytes, `${file.id}:${cmd.line}`, { metered });
        accepted.push(mode);
      } catch (e) {
        if (what === 'feature' && errCode(e) !== 'UnsupportedFeature') wrong.push(`${mode}: ${errText(e)}`);
      }
    }
    if (accepted.length) {
      fail(cmd, 'not-refused', what === 'feature'
        ? `module of refused feature ${file.group.name} was accepted by prepareModule (${accepted.join(', ')})`
        : `prepareModule accepted ${what === 'invalid' ? 'an' : 'a'} ${what} module ("${cmd.text}") (${accepted.join(', ')})`);
    } else if (wrong.length) {
      fail(cmd, 'wrong-refusal', `refused, but not with UnsupportedFeature: ${wrong.join('; ')}`);
    } else {
      c.refusedAsExpected++;
      if (what === 'feature') c.refusedFeature++;
      else c.refusedInvalid++;
    }
  };

  /** Does this module use a feature of a refused group (and nothing else WasGo lacks)? */
  const usesRefusedFeature = (bytes: Uint8Array): boolean => {
    if (!refused || !file.group.features) return false;
    if (wabtValid(bytes, BASE_FEATURES)) return false;
    tainted = true;
    return true;
  };
  /**
   * After a module of a refused feature, later commands may depend on it (registered exports,
   * data it wrote into a shared memory): they are not run, and counted as such.
   */
  let tainted = false;

  for (const cmd of commands) {
    switch (cmd.type) {
      case 'module': {
        c.modules++;
        const bytes = read(cmd.filename!);
        const setBoth = (o: Inst | null, r: Inst | null) => {
          orig.current = o; rewr.current = r;
          if (cmd.name) { orig.named.set(cmd.name, o); rewr.named.set(cmd.name, r); }
        };
        if (usesRefusedFeature(bytes)) {
          expectRefusal(cmd, bytes, 'feature');
          setBoth(null, null);
          break;
        }
        let o: Inst | null = null;
        try {
          o = orig.instantiate(bytes);
        } catch (e) {
          c.engineUnsupported++;
          report.deviations.push(`${file.id}:${cmd.line} module: original does not run on this engine: ${errText(e)}`);
          setBoth(null, null);
          break;
        }
        roundTrip(bytes, file, cmd, report, fail);
        let prepared: Uint8Array<ArrayBuffer>;
        try {
          prepared = rewrite(bytes, `${file.id}:${cmd.line}`);
          // The unmetered path (fuelPerCall 0 and fuelPerMain 0) must accept it too.
          rewrite(bytes, `${file.id}:${cmd.line}`, { metered: false });
        } catch (e) {
          c.unexpectedRefusals++;
          fail(cmd, 'unexpected-refusal', `prepareModule refused a valid module: ${errText(e)}`);
          setBoth(o, null);
          break;
        }
        try {
          setBoth(o, rewr.instantiate(prepared));
          c.modulesCompared++;
        } catch (e) {
          fail(cmd, 'mismatch', `rewritten module fails to compile/instantiate: ${errText(e)}`);
          setBoth(o, null);
        }
        break;
      }
      case 'register':
        orig.register(cmd.name, cmd.as!);
        rewr.register(cmd.name, cmd.as!);
        break;
      case 'action': case 'assert_return': case 'assert_trap': case 'assert_exhaustion': case 'assert_exception': {
        const action = cmd.action!;
        const io = orig.resolve(action.module);
        const ir = rewr.resolve(action.module);
        if (!io || tainted) { c.notRunAfterRefusal++; break; }
        const a = invoke(io, action);
        checkExpectation(cmd, a, report, file);
        if (!ir) { c.notRunAfterRefusal++; break; }
        const b = invoke(ir, action);
        c.assertionsCompared++;
        if (!sameOutcome(a, b, cmd.expected)) {
          fail(cmd, 'mismatch', `${action.type} ${action.field}(${(action.args ?? []).map((x) => Array.isArray(x.value) ? `${x.type}[${x.value.join(' ')}]` : `${x.type}:${x.value}`).join(', ')}): original ${describeOutcome(a)}, rewritten ${describeOutcome(b)}`);
        }
        break;
      }
      case 'assert_invalid': case 'assert_malformed': {
        if (cmd.module_type === 'text') { c.textModulesNotConvertible++; break; }
        const bytes = read(cmd.filename!);
        if (WebAssembly.validate(bytes) && wabtValid(bytes, BASE_FEATURES)) {
          // Valid under the features WasGo accepts (e.g. "multiple tables" in the threads
          // proposal's copy of the pre-reference-types tests): the assertion is outdated.
          c.outdatedInvalid++;
          report.deviations.push(`${file.id}:${cmd.line} ${cmd.type}: valid with WasGo's features, assertion outdated ("${cmd.text}")`);
          break;
        }
        expectRefusal(cmd, bytes, cmd.type === 'assert_invalid' ? 'invalid' : 'malformed');
        break;
      }
      case 'assert_unlinkable': case 'assert_uninstantiable': {
        c.modules++;
        if (tainted) { c.notRunAfterRefusal++; break; }
        const bytes = read(cmd.filename!);
        if (usesRefusedFeature(bytes)) {
          expectRefusal(cmd, bytes, 'feature');
          break;
        }
        let a: Outcome;
        try {
          orig.instantiate(bytes);
          a = { kind: 'values', values: [] };
        } catch (e) {
          a = classify(e);
          if (e instanceof WebAssembly.CompileError) {
            c.engineUnsupported++;
            report.deviations.push(`${file.id}:${cmd.line} ${cmd.type}: original does not compile on this engine: ${errText(e)}`);
            break;
          }
        }
        const wantTrap = cmd.type === 'assert_uninstantiable';
        if (wantTrap ? a.kind !== 'trap' : a.kind === 'values') {
          report.deviations.push(`${file.id}:${cmd.line} ${cmd.type}: original gave ${describeOutcome(a)}`);
        }
        let prepared: Uint8Array<ArrayBuffer>;
        try {
          prepared = rewrite(bytes, `${file.id}:${cmd.line}`);
        } catch (e) {
          if (wantTrap) {
            c.unexpectedRefusals++;
            fail(cmd, 'unexpected-refusal', `prepareModule refused a valid module: ${errText(e)}`);
          } else {
            c.assertionsCompared++; // refusing an unlinkable module is as good as failing to link it
          }
          break;
        }
        let b: Outcome;
        try {
          rewr.instantiate(prepared);
          b = { kind: 'values', values: [] };
        } catch (e) {
          b = classify(e);
        }
        c.assertionsCompared++;
        const same = wantTrap ? sameOutcome(a, b) : (a.kind === 'values') === (b.kind === 'values');
        if (!same) fail(cmd, 'mismatch', `instantiation: original ${describeOutcome(a)}, rewritten ${describeOutcome(b)}`);
        break;
      }
      default:
        throw new Error(`${file.id}:${cmd.line}: unknown command ${cmd.type}`);
    }
  }
}

/** The original module's result against the script: a disagreement is V8's or the harness's, not WasGo's. */
function checkExpectation(cmd: Command, a: Outcome, report: RunReport, file: ScriptFile): void {
  let ok = true;
  switch (cmd.type) {
    case 'assert_return':
      ok = a.kind === 'values' && a.values.length === (cmd.expected ?? []).length && a.values.every((v, i) => matchesExpected(v, cmd.expected![i]!));
      break;
    case 'assert_trap': ok = a.kind === 'trap'; break;
    case 'assert_exhaustion': ok = a.kind === 'exhaustion'; break;
    case 'assert_exception': ok = a.kind === 'exception'; break;
    default: ok = true;
  }
  if (!ok) {
    report.counts.engineDeviations++;
    report.deviations.push(`${file.id}:${cmd.line} ${cmd.type} ${cmd.action!.field}: original gave ${describeOutcome(a)}, script expects ${cmd.type === 'assert_return' ? JSON.stringify(cmd.expected) : cmd.text}`);
  }
}

function roundTrip(bytes: Uint8Array, file: ScriptFile, cmd: Command, report: RunReport, fail: (c: Command, k: Failure['category'], d: string) => void): void {
  try {
    const again = adapterRoundTrip(bytes, file.id);
    if (!again) { report.counts.roundTripsUnavailable++; return; }
    report.counts.roundTrips++;
    if (!Buffer.from(again).equals(Buffer.from(bytes))) {
      report.counts.roundTripFailures++;
      fail(cmd, 'round-trip', `read + write is not byte-identical (${bytes.length} -> ${again.length} bytes)`);
    }
  } catch (e) {
    report.counts.roundTrips++;
    report.counts.roundTripFailures++;
    fail(cmd, 'round-trip', `the reader refused a valid module: ${errText(e)}`);
  }
}
