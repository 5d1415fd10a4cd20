import type { WasGoInstance } from '../engine/instance';
import type { GuestMemory } from '../guest/memory';
import {
  GENERIC_FAILURE, NO_MORE_MEMORY_ERROR, WASM_PORT_MISSING, isAntErrorCode,
} from './spec-codes';

/**
 * ANTwasm 0.0.1's internal abstract operations and path rules, each step numbered as in the
 * specification. See docs/antwasm.md for every reading of an ambiguous step.
 */

// fatal: invalid UTF-8 is an error (step 3); ignoreBOM: a leading U+FEFF stays part of the
// string, so "\uFEFF/core/x.wasm" cannot pass as "/core/x.wasm" in one check and not another.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * [[%StringFromBytes%]] (ptr, len) on a module's linear memory.
 * 1. Take bytes [ptr, ptr + len) — ptr and len are read as unsigned 32-bit values; a range that
 *    is not inside memory (or a module without memory and len > 0) returns GENERIC_FAILURE (-1)
 *    instead of trapping the caller.
 * 2. Assume UTF-8.
 * 3. Illegal UTF-8 (overlong forms, surrogates, truncated sequences, > U+10FFFF) → GENERIC_FAILURE (-1).
 * 4. Return the string.
 */
export function stringFromBytes(memory: GuestMemory | undefined, ptr: number, len: number): string | typeof GENERIC_FAILURE {
  const p = ptr >>> 0;
  const n = len >>> 0;
  const size = memory?.size ?? 0;
  if (p + n > size) return GENERIC_FAILURE;
  if (n === 0) return '';
  try {
    return strictUtf8.decode(memory!.view(p, n));
  } catch {
    return GENERIC_FAILURE;
  }
}

/** Why stringFromBytes returned GENERIC_FAILURE for (ptr, len): for traces and events. */
export function unreadablePath(memory: GuestMemory | undefined, ptr: number, len: number): string {
  const p = ptr >>> 0, n = len >>> 0, size = memory?.size ?? 0;
  if (p + n > size) return `the path (${p}, ${n}) is outside the caller's memory (${p} + ${n} > ${size} bytes)`;
  return `the path (${p}, ${n}) is not valid UTF-8`;
}

/**
 * [[%BytesFromString%]] (string) into `instance`'s linear memory. Returns the pointer or an
 * error code; it never writes outside [pointer, pointer + length) of that module's memory.
 * 1. The string is encoded as UTF-8 (a lone UTF-16 surrogate in a JS string becomes U+FFFD).
 * 2. $length = its UTF-8 byte length.
 * 3. No exported `host_malloc` function of type (i32) -> i32, or no memory to write into →
 *    WASM_PORT_MISSING (-7).
 * 4. $pointer = host_malloc($length), called like any export (fuel, trap handling). A trap
 *    fails that module and returns GENERIC_FAILURE (-1). A result that breaks host_malloc's
 *    contract is refused before anything is written:
 *    - negative: that value when it is an ANTwasm error code (-1..-7), else GENERIC_FAILURE;
 *    - 0 (not a positive pointer, C's NULL): NO_MORE_MEMORY_ERROR (-6);
 *    - [$pointer, $pointer + $length) not inside memory (after any growth): NO_MORE_MEMORY_ERROR (-6).
 * 5. Write the bytes at $pointer.
 * 6. Return $pointer.
 */
export function bytesFromString(instance: WasGoInstance, text: string): number {
  const bytes = encoder.encode(text); // steps 1-2
  const malloc = instance.info.exports.find((e) => e.name === 'host_malloc' && e.kind === 'function');
  const t = malloc?.type;
  if (!t || t.params.length !== 1 || t.params[0] !== 'i32' || t.results.length !== 1 || t.results[0] !== 'i32' || !instance.memory) {
    return WASM_PORT_MISSING; // step 3
  }
  let result: unknown;
  try {
    result = instance.call('host_malloc', [bytes.length]); // step 4
  } catch {
    return GENERIC_FAILURE;
  }
  const pointer = typeof result === 'number' ? result | 0 : NaN;
  if (Number.isNaN(pointer)) return GENERIC_FAILURE;
  if (pointer < 0) return isAntErrorCode(pointer) ? pointer : GENERIC_FAILURE;
  if (pointer === 0) return NO_MORE_MEMORY_ERROR;
  const memory = instance.memory; // host_malloc may have grown (or, through a disposal, lost) it
  if (!memory || pointer + bytes.length > memory.size) return NO_MORE_MEMORY_ERROR;
  memory.write(pointer, bytes); // step 5
  return pointer; // step 6
}

/** The spec's "case-insensitive": ASCII case folding (the spec's paths are ASCII). */
export function foldCase(path: string): string {
  return path.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** load_module step 3 / load_module_core step 4: starts with /core/ (case-insensitive). */
export function hasCorePrefix(path: string): boolean {
  return foldCase(path).startsWith('/core/');
}

/** load_module step 4 / load_module_core step 3: is /core.wasm (case-insensitive). */
export function isCorePath(path: string): boolean {
  return foldCase(path) === '/core.wasm';
}

/** load_module step 5: is /main.wasm (case-insensitive). */
export function isMainPath(path: string): boolean {
  return foldCase(path) === '/main.wasm';
}

/** The spec's fixed paths. The core's is case-sensitive ("MUST live at /core.wasm (case-sensitive)"). */
export const CORE_PATH = '/core.wasm';
export const MAIN_PATH = '/main.wasm';

/** WebAssembly's magic number: entries without it are "not a valid Wasm Module" without compiling. */
export function hasWasmMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}
