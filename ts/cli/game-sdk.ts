/**
 * Typed bindings of the game's own functions (`wasgo sdk --api`, docs/sdk.md "The game's API"):
 * from the parsed API (game-api-data.ts) to one AssemblyScript file and one C header whose
 * wrappers take typed values and call the imports with exactly the ABI of game-functions.ts
 * (gameAbi): a string is (pointer, UTF-8 length), bytes and variant (pointer, length), a node a
 * handle; a string/bytes/variant result comes through a buffer passed last (pointer, capacity)
 * and the call returns the full length. The output depends only on the API: no dates, no paths.
 */
import { SettingsError } from '../engine/errors';
import type { ApiFunction, GameApiData } from '../godot/game-api-data';
import { gameAbi, type GameParam, type GameResult } from '../godot/game-functions';

export interface GameSdkFiles {
  /** AssemblyScript: `import { spawnEnemy } from "./game_api"`. */
  assemblyscript: string;
  /** C: `#include "game_api.h"`. */
  c: string;
}

/** The stem of both generated files (`game_api.ts`, `game_api.h`). */
export const GAME_SDK_STEM = 'game_api';

/** Bytes of the buffer a string/bytes/variant result lands in (AssemblyScript); a longer result aborts naming the function. */
export const RESULT_BYTES = 64 * 1024;
/** Bytes of the static area string arguments are encoded into; longer ones get a buffer of their own for the call. */
export const SCRATCH_BYTES = 1024;

// AssemblyScript/TypeScript words a camelCase name may not be (they get a trailing `_`).
const AS_RESERVED = new Set(('abstract as async await break case catch class const constructor continue debugger declare default delete do else enum '
  + 'export extends false finally for from function get if implements import in instanceof interface is keyof let module namespace new null '
  + 'package private protected public readonly return set static super switch this throw true try type typeof var void while with yield '
  + 'i8 i16 i32 i64 isize u8 u16 u32 u64 usize bool f32 f64 v128 string number boolean memory abort unreachable').split(' '));

const camel = (s: string) => s.replace(/(?<=[A-Za-z0-9])_+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The AssemblyScript name of each function: camelCase of its name, or of module_name when two modules share it. */
function asNames(fns: readonly ApiFunction[]): string[] {
  const count = new Map<string, number>();
  for (const f of fns) count.set(camel(f.name), (count.get(camel(f.name)) ?? 0) + 1);
  const names = fns.map((f) => {
    const base = count.get(camel(f.name))! > 1 ? camel(`${f.module}_${f.name}`) : camel(f.name);
    return AS_RESERVED.has(base) || base.startsWith('__') ? `${base}_` : base;
  });
  clash(fns, names, 'AssemblyScript');
  return names;
}

function clash(fns: readonly ApiFunction[], names: readonly string[], lang: string): void {
  const first = new Map<string, number>();
  names.forEach((n, i) => {
    const j = first.get(n);
    if (j !== undefined) throw new SettingsError(`${fns[j]!.module}.${fns[j]!.name} and ${fns[i]!.module}.${fns[i]!.name} both become ${n} in ${lang}; rename one in the API`);
    first.set(n, i);
  });
}

const describe = (f: ApiFunction) => `${f.module}.${f.name}(${f.params.join(', ')})${f.result ? ` -> ${f.result}` : ''}`;
const levelLine = (f: ApiFunction) => (f.level === 3
  ? 'Level 3: only level-3 mods may call it (a lower-level mod\'s call fails with ImportRefused).'
  : `Level ${f.level}: mods at level ${f.level} and above may call it${f.level > 1 ? ' (a lower-level mod\'s call fails with ImportRefused)' : ''}.`);
/** A doc line of the API file, safe inside a comment. */
const docText = (f: ApiFunction) => (f.doc ? f.doc.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ') : '');

const AS_PARAM: Readonly<Record<GameParam, string>> = { i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64', string: 'string', bytes: 'Uint8Array', variant: 'Uint8Array', node: 'i32' };
const AS_RESULT: Readonly<Record<GameResult, string>> = { '': 'void', i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64', string: 'string', bytes: 'Uint8Array', variant: 'Uint8Array' };
const AS_ABI: Readonly<Record<string, string>> = { i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64', void: 'void' };

const PARAM_NOTE: Partial<Record<GameParam, string>> = {
  string: 'sent as UTF-8',
  variant: 'var_to_bytes of one Godot value (no objects)',
  node: 'a handle of a node the mod holds (e.g. Node2D.self().handle); below level 3 it must be in the mod\'s subtree',
};

function asFunction(f: ApiFunction, name: string, importName: string): string {
  const args = paramNames(f, AS_RESERVED);
  const abi = gameAbi(f);
  const bigResult = abi.params[abi.params.length - 1] === 'out';
  // The import: exactly gameAbi's kinds (its parameter names are only documentation).
  const rawParams: string[] = [];
  f.params.forEach((k, i) => {
    if (k === 'string' || k === 'bytes' || k === 'variant') rawParams.push(`a${i}: usize`, `a${i}Len: i32`);
    else rawParams.push(`a${i}: ${AS_PARAM[k]}`);
  });
  if (bigResult) rawParams.push('out: usize', 'cap: i32');
  const rawResult = AS_ABI[abi.result]!;
  // The wrapper's own names start with __ (a parameter named so gets a trailing _): no shadowing.
  const callArgs: string[] = [];
  const body: string[] = [];
  if (f.params.includes('string')) body.push('  __scratchUsed = 0; __spills.length = 0;');
  f.params.forEach((k, i) => {
    const a = args[i]!;
    if (k === 'string') {
      body.push(`  const __p${i} = __utf8(${a}); const __l${i} = __utf8Length;`);
      callArgs.push(`__p${i}`, `__l${i}`);
    } else if (k === 'bytes' || k === 'variant') {
      callArgs.push(`${a}.dataStart`, `${a}.byteLength`);
    } else {
      callArgs.push(a);
    }
  });
  const call = `${importName}(${[...callArgs, ...(bigResult ? ['__out', '__RESULT_BYTES'] : [])].join(', ')})`;
  if (bigResult) {
    body.unshift('  const __out = __resultBuffer();');
    body.push(`  const __n = ${call};`);
    body.push(`  if (__n > __RESULT_BYTES) __tooLong("${f.module}.${f.name}", __n);`);
    body.push(f.result === 'string' ? '  return String.UTF8.decodeUnsafe(__out, <usize>__n);' : '  return __bytesAt(__out, __n);');
  } else {
    body.push(`  ${rawResult === 'void' ? '' : 'return '}${call};`);
  }
  const doc = docText(f);
  const notes = f.params.map((k, i) => (PARAM_NOTE[k] ? ` * @param ${args[i]} ${k}: ${PARAM_NOTE[k]}` : '')).filter(Boolean);
  const resultNote = f.result === 'string' ? [' * @returns the game\'s string (decoded from UTF-8)']
    : f.result === 'bytes' || f.result === 'variant' ? [` * @returns ${f.result === 'variant' ? 'var_to_bytes of the game\'s value' : 'a copy of the game\'s bytes'}`] : [];
  return [
    `@external("${f.module}", "${f.name}") declare function ${importName}(${rawParams.join(', ')}): ${rawResult};`,
    '/**',
    ` * The game's \`${describe(f)}\`.`,
    ...(doc ? [` * ${doc}`] : []),
    ` * ${levelLine(f)}`,
    ...notes, ...resultNote,
    ' */',
    `export function ${name}(${args.map((a, i) => `${a}: ${AS_PARAM[f.params[i]!]}`).join(', ')}): ${AS_RESULT[f.result]} {`,
    ...body,
    '}',
  ].join('\n');
}

/** The parameters' names: the API's `names` (else arg1, arg2, ...); a reserved word or a name starting with __ gets a trailing _. */
function paramNames(f: ApiFunction, reserved: ReadonlySet<string>, taken: readonly string[] = []): string[] {
  const seen = new Set(taken);
  return f.params.map((_, i) => {
    let n = f.names?.[i] ?? `arg${i + 1}`;
    if (reserved.has(n) || n.startsWith('__')) n += '_';
    while (seen.has(n)) n += '_';
    seen.add(n);
    return n;
  });
}

const AS_RUNTIME = `// The arguments' strings are encoded into a static area (no allocation per call); a longer one
// gets a buffer of its own, kept alive in \`__spills\` until the next call.
const __SCRATCH_BYTES: i32 = ${SCRATCH_BYTES};
const __SCRATCH: usize = memory.data(__SCRATCH_BYTES);
let __scratchUsed: i32 = 0;
let __utf8Length: i32 = 0;
const __spills: ArrayBuffer[] = [];

function __utf8(s: string): usize {
  const most = s.length * 3;
  let at: usize;
  if (most <= __SCRATCH_BYTES - __scratchUsed) {
    at = __SCRATCH + <usize>__scratchUsed;
  } else {
    const b = new ArrayBuffer(most);
    __spills.push(b);
    at = changetype<usize>(b);
  }
  __utf8Length = <i32>String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, at);
  if (at == __SCRATCH + <usize>__scratchUsed) __scratchUsed += __utf8Length;
  return at;
}

// String, bytes and variant results land in one buffer of __RESULT_BYTES, made on first use.
const __RESULT_BYTES: i32 = ${RESULT_BYTES};
let __results: ArrayBuffer | null = null;

function __resultBuffer(): usize {
  if (__results === null) __results = new ArrayBuffer(__RESULT_BYTES);
  return changetype<usize>(__results);
}

function __bytesAt(at: usize, n: i32): Uint8Array {
  const r = new Uint8Array(n);
  memory.copy(r.dataStart, at, <usize>n);
  return r;
}

function __tooLong(name: string, n: i32): void {
  throw new Error(name + ": the result is " + n.toString() + " bytes, more than the " + __RESULT_BYTES.toString() + " this binding reserves (__RESULT_BYTES in ${GAME_SDK_STEM}.ts)");
}`;

function assemblyScript(api: GameApiData, source: string): string {
  const names = asNames(api.functions);
  const uses = (k: GameParam) => api.functions.some((f) => f.params.includes(k));
  const big = api.functions.some((f) => f.result === 'string' || f.result === 'bytes' || f.result === 'variant');
  // Only the helpers the API needs: an unused `memory.data` would still take room in the module.
  const runtime = AS_RUNTIME.split('\n\n').filter((part) => (part.includes('__SCRATCH') ? uses('string') : big)).join('\n\n');
  return [
    `// The game's modding API, typed: generated by \`wasgo sdk --api ${source}\` (docs/sdk.md, "The game's API").`,
    '// Do not edit: regenerate when the API changes. Each function calls the import of the same',
    '// module and name with the ABI of docs/godot.md ("Offer your game\'s API to mods").',
    ...(runtime ? ['', runtime] : []),
    ...api.functions.map((f, i) => `\n${asFunction(f, names[i]!, `__import${i}`)}`),
    '',
  ].join('\n');
}

const C_PARAM: Readonly<Record<GameParam, string>> = { i32: 'int32_t', i64: 'int64_t', f32: 'float', f64: 'double', string: 'const char *', bytes: 'const uint8_t *', variant: 'const uint8_t *', node: 'int32_t' };
const C_RESULT: Readonly<Record<string, string>> = { i32: 'int32_t', i64: 'int64_t', f32: 'float', f64: 'double', void: 'void' };

const C_RESERVED = new Set(('auto break case char const continue default do double else enum extern float for goto if inline int long register '
  + 'restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool true false out cap').split(' '));

function cFunction(f: ApiFunction, name: string): string {
  // `out` and `cap` are the result buffer's: a parameter named so gets a trailing _.
  const args = paramNames(f, C_RESERVED);
  const lens = new Set(args);
  const lenOf = (a: string) => { let l = `${a}_len`; while (lens.has(l)) l += '_'; lens.add(l); return l; };
  const abi = gameAbi(f);
  const bigResult = abi.params[abi.params.length - 1] === 'out';
  const decl = (a: string, t: string) => `${t}${t.endsWith('*') ? '' : ' '}${a}`;
  const raw: string[] = [];
  const typed: string[] = [];
  const pass: string[] = [];
  f.params.forEach((k, i) => {
    const a = args[i]!;
    raw.push(decl(a, C_PARAM[k]));
    typed.push(decl(a, C_PARAM[k]));
    if (k === 'bytes' || k === 'variant') {
      const l = lenOf(a);
      raw.push(`int32_t ${l}`);
      typed.push(`int32_t ${l}`);
      pass.push(a, l);
    } else if (k === 'string') {
      raw.push(`int32_t ${lenOf(a)}`);
      pass.push(a, `wasgo_api_strlen(${a})`);
    } else {
      pass.push(a);
    }
  });
  const outType = f.result === 'string' ? 'char *' : 'uint8_t *';
  if (bigResult) {
    raw.push(`${outType}out`, 'int32_t cap');
    typed.push(`${outType}out`, 'int32_t cap');
  }
  const result = C_RESULT[abi.result]!;
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'void');
  let body: string;
  if (f.result === 'string') {
    // snprintf's contract: at most cap - 1 bytes and a NUL; returns the full length.
    let n = 'n';
    while (lens.has(n)) n += '_';
    body = `{ int32_t ${n} = ${name}_abi(${[...pass, 'out', 'cap > 0 ? cap - 1 : 0'].join(', ')}); if (cap > 0) out[${n} < cap - 1 ? ${n} : cap - 1] = 0; return ${n}; }`;
  } else {
    body = `{ ${result === 'void' ? '' : 'return '}${name}_abi(${[...pass, ...(bigResult ? ['out', 'cap'] : [])].join(', ')}); }`;
  }
  const doc = docText(f);
  const resultNote = f.result === 'string' ? ' Writes at most cap - 1 bytes of the UTF-8 result and a NUL (as snprintf); returns the full length.'
    : bigResult ? ` Writes at most cap bytes (${f.result === 'variant' ? 'var_to_bytes of the value' : 'the bytes'}); returns the full length.` : '';
  return [
    `/* The game's ${describe(f)}.${doc ? ` ${doc}` : ''}`,
    ` * ${levelLine(f)}${f.params.includes('string') ? ' Strings are NUL-terminated UTF-8.' : ''}${resultNote} */`,
    `__attribute__((import_module("${f.module}"), import_name("${f.name}"))) ${result} ${name}_abi(${list(raw)});`,
    `static inline ${result} ${name}(${list(typed)}) ${body}`,
  ].join('\n');
}

function cHeader(api: GameApiData, source: string): string {
  const names = api.functions.map((f) => `${f.module}_${f.name}`);
  clash(api.functions, names, 'C');
  return [
    `/* The game's modding API, typed: generated by \`wasgo sdk --api ${source}\` (docs/sdk.md, "The game's API").`,
    ' * Do not edit: regenerate when the API changes. Each <module>_<name> wraps the import',
    ' * <module>_<name>_abi, which has the ABI of docs/godot.md ("Offer your game\'s API to mods"). */',
    `#ifndef WASGO_${GAME_SDK_STEM.toUpperCase()}_H`,
    `#define WASGO_${GAME_SDK_STEM.toUpperCase()}_H`,
    '#include <stdint.h>',
    '',
    '#ifndef WASGO_API_STRLEN',
    '#define WASGO_API_STRLEN',
    'static inline int32_t wasgo_api_strlen(const char *s) { int32_t n = 0; while (s[n]) n++; return n; }',
    '#endif',
    ...api.functions.map((f, i) => `\n${cFunction(f, names[i]!)}`),
    '',
    '#endif',
    '',
  ].join('\n');
}

/** Both files for `api`; `source` (the API file's name, without folders) goes into their headers. SettingsError when two names collide. */
export function generateGameSdk(api: GameApiData, source: string): GameSdkFiles {
  return { assemblyscript: assemblyScript(api, source), c: cHeader(api, source) };
}
