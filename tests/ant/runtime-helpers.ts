import { packPackage, type PackOptions } from '../../ts/ant/pack';
import { loadGame, type AntEvent, type AntGame, type LoadGameOptions } from '../../ts/ant/runtime';
import type { HostFunctionSpec } from '../../ts/table/host-function';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

/** Import lines for guests. `_I32` variants declare the spec's `(): void` imports as returning i32. */
export const IMP = {
  load_module_core: '(import "ant" "load_module_core" (func $load_module_core (param i32 i32) (result i32)))',
  load_module: '(import "ant" "load_module" (func $load_module (param i32 i32) (result i32)))',
  load_main: '(import "ant" "load_main" (func $load_main))',
  load_main_i32: '(import "ant" "load_main" (func $load_main (result i32)))',
  start_game: '(import "ant" "start_game" (func $start_game))',
  start_game_i32: '(import "ant" "start_game" (func $start_game (result i32)))',
  record: '(import "test" "record" (func $record (param i32)))',
  print: '(import "wasgo" "print" (func $print (param i32 i32)))',
} as const;

export interface GuestParts {
  imports?: (keyof typeof IMP | string)[];
  /** Body of an exported `main` (omit for no entry). */
  main?: string;
  /** Body of an exported `on_module_load (param $id i32)`. */
  onLoad?: string;
  /** Any other fields (functions, exports). */
  extra?: string;
  /** Export a bump host_malloc. Default true. */
  malloc?: boolean;
  /** Memory field; default one exported page. '' for no memory. */
  memory?: string;
}

/** WAT string literal contents (with escapes) → byte length. */
function watStringLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      n += new TextEncoder().encode(s[i]!).length;
      continue;
    }
    const c = s[++i]!;
    if (/[0-9a-fA-F]/.test(c)) { i++; n++; } else if (c === 'u') {
      const end = s.indexOf('}', i);
      n += new TextEncoder().encode(String.fromCodePoint(parseInt(s.slice(i + 2, end), 16))).length;
      i = end;
    } else n++;
  }
  return n;
}

/**
 * A guest module in WAT. In bodies, `@"text"` becomes `(i32.const ptr) (i32.const len)` of that
 * string (WAT escapes allowed, e.g. @"\ff"), placed in a data segment from address 1024.
 */
export function guest(p: GuestParts): string {
  const data: string[] = [];
  let at = 1024;
  const strings = (body: string) => body.replace(/@"((?:[^"\\]|\\.)*)"/g, (_m, raw: string) => {
    // wabt reads the text per UTF-16 unit: spell non-ASCII characters as UTF-8 byte escapes.
    const text = raw.replace(/[^\x00-\x7f]/gu, (c) => [...new TextEncoder().encode(c)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join(''));
    const len = watStringLength(text);
    data.push(`(data (i32.const ${at}) "${text}")`);
    const r = `(i32.const ${at}) (i32.const ${len})`;
    at += len + 8;
    return r;
  });
  const main = p.main === undefined ? '' : `(func (export "main") ${strings(p.main)})`;
  const onLoad = p.onLoad === undefined ? '' : `(func (export "on_module_load") (param $id i32) ${strings(p.onLoad)})`;
  const extra = strings(p.extra ?? '');
  const imports = (p.imports ?? []).map((i) => (i in IMP ? IMP[i as keyof typeof IMP] : i)).join('\n  ');
  const malloc = p.malloc === false ? '' : `(global $heap (mut i32) (i32.const 32768))
  (func (export "host_malloc") (param $n i32) (result i32) (local $p i32)
    (local.set $p (global.get $heap)) (global.set $heap (i32.add (global.get $heap) (local.get $n))) (local.get $p))`;
  const memory = p.memory ?? '(memory (export "memory") 1)';
  return `(module
  ${imports}
  ${memory}
  ${malloc}
  ${main}
  ${onLoad}
  ${extra}
  ${data.join('\n  ')}
)`;
}

export type Files = Record<string, string | Uint8Array | GuestParts>;

/** Packs entry name → WAT text (starting with "(module"), GuestParts, raw bytes, or other text. */
export async function makePackage(files: Files, options: PackOptions = {}): Promise<Uint8Array> {
  const map = new Map<string, Uint8Array>();
  for (const [name, v] of Object.entries(files)) {
    if (v instanceof Uint8Array) map.set(name, v);
    else if (typeof v === 'string') map.set(name, v.trimStart().startsWith('(module') ? await wat(v) : new TextEncoder().encode(v));
    else map.set(name, await wat(guest(v)));
  }
  return packPackage(map, options);
}

export interface Played {
  game: AntGame;
  events: AntEvent[];
  /** (module path, value) for every test.record call, in order. */
  records: [string, number][];
  /** Values recorded by one module. */
  recordedBy(path: string): number[];
  printed: string[];
  errors: { instance: number; code: string; message: string }[];
}

/** A `test.record(i32)` host function for every module, tagged with the module's path. */
export function recordImports(records: [string, number][]) {
  return (m: { path: string }): HostFunctionSpec[] => [{
    module: 'test', name: 'record', params: ['i32'], result: 'void', level: 1, kind: 'core',
    implementation: (_ctx, value: number) => { records.push([m.path, value]); },
  }];
}

/** Packs `files` (unsigned), loads the game on a fresh engine with requireSignature off. */
export async function play(files: Files | Uint8Array, options: LoadGameOptions = {}, settings: Parameters<typeof freshEngine>[0] = {}): Promise<Played> {
  const { engine, printed, errors } = freshEngine({ requireSignature: false, ...settings });
  const events: AntEvent[] = [];
  const records: [string, number][] = [];
  const bytes = files instanceof Uint8Array ? files : await makePackage(files);
  const game = await loadGame(bytes, { engine, imports: recordImports(records), onEvent: (e) => events.push(e), ...options });
  return { game, events, records, printed, errors, recordedBy: (path) => records.filter(([p]) => p === path).map(([, v]) => v) };
}

/** Like play, but expects loadGame to reject and returns the error plus what was recorded. */
export async function playFailing(files: Files | Uint8Array, options: LoadGameOptions = {}, settings: Parameters<typeof freshEngine>[0] = {}) {
  const { engine, printed, errors } = freshEngine({ requireSignature: false, ...settings });
  const events: AntEvent[] = [];
  const records: [string, number][] = [];
  const bytes = files instanceof Uint8Array ? files : await makePackage(files);
  const error = await loadGame(bytes, { engine, imports: recordImports(records), onEvent: (e) => events.push(e), ...options }).then(
    () => { throw new Error('expected loadGame to fail'); },
    (e: unknown) => e as Error & { code: string; errno: number },
  );
  return { error, events, records, printed, errors, engine };
}

/** A module that loads fine and does nothing. */
export const PLAIN: GuestParts = {};
/** A Core that records the given expressions' values, e.g. `(call $load_main)`. */
export function coreRecording(exprs: string[], imports: GuestParts['imports'] = ['load_module_core', 'load_main_i32', 'start_game_i32']): GuestParts {
  return { imports: ['record', ...imports], main: exprs.map((e) => `(call $record ${e})`).join('\n    ') };
}
