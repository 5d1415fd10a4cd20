import { MemoryLimit } from '../engine/errors';
import { encodeSection } from './encode';
import type { Limits } from './info';
import { readModule, type WasmModule } from './module';
import { putSection, writeSections } from './sections';

/**
 * Memory caps. A module's own memory cannot be capped through the JS API once compiled (it may
 * grow to 4 GiB), so each defined memory's maximum is rewritten in the binary: after this,
 * `memory.grow` past the cap returns -1 like any other full memory.
 *
 * Refused, with MemoryLimit (it is a limit the sandbox will not grant, not a malformed module):
 * - an initial size above the cap;
 * - shared memories (threads would let a mod race the host on its own memory);
 * - 64-bit memories (the page arithmetic and the host's bounds checks assume 32-bit addresses).
 */

export const PAGE_BYTES = 65536;
/** A 32-bit memory cannot exceed 65536 pages (4 GiB). */
export const MAX_PAGES = 65536;

export interface MemoryCapOptions {
  /** Largest maximum any memory may have, in 64 KiB pages. */
  maxPages: number;
  moduleName?: string;
}

/** A memory the module imports: the engine must create it itself, with this maximum. */
export interface ImportedMemory {
  module: string;
  name: string;
  /** Index in the memory index space (imported memories come first). */
  memoryIndex: number;
  /** As the module declares it. */
  limits: Limits;
  /** What the engine should pass as `maximum`: min(declared maximum, cap). */
  maximum: number;
}

export interface CappedModule {
  bytes: Uint8Array<ArrayBuffer>;
  /** The module's own memories, with their maximum after capping. */
  memories: Limits[];
  imported: ImportedMemory[];
  /** False when every memory already fitted: `bytes` is then a copy of the input. */
  rewritten: boolean;
}

export function capMemories(bytes: Uint8Array, opts: MemoryCapOptions): CappedModule {
  const moduleName = opts.moduleName ?? 'module';
  if (!Number.isInteger(opts.maxPages) || opts.maxPages < 0 || opts.maxPages > MAX_PAGES) {
    throw new RangeError(`maxPages must be an integer from 0 to ${MAX_PAGES}, got ${opts.maxPages}`);
  }
  const m = readModule(bytes, moduleName);
  return capModuleMemories(m, opts.maxPages, bytes);
}

/** The same pass on an already decoded module (lets the loader decode once). */
export function capModuleMemories(m: WasmModule, cap: number, original: Uint8Array): CappedModule {
  const imported: ImportedMemory[] = [];
  for (const i of m.imports) {
    if (i.kind !== 'memory') continue;
    const memoryIndex = imported.length;
    checkMemory(m.name, `imported memory ${memoryIndex} (${i.module}.${i.name})`, i.limits, cap);
    imported.push({ module: i.module, name: i.name, memoryIndex, limits: i.limits, maximum: Math.min(i.limits.max ?? cap, cap) });
  }
  const memories = m.memories.map((l, i): Limits => {
    checkMemory(m.name, `memory ${imported.length + i}`, l, cap);
    return l.max !== undefined && l.max <= cap ? l : { ...l, max: cap };
  });
  const rewritten = memories.some((l, i) => l !== m.memories[i]);
  const bytes = rewritten
    ? writeSections(putSection(m.sections, encodeSection.memories(memories)))
    : original.slice();
  return { bytes, memories, imported, rewritten };
}

function checkMemory(moduleName: string, what: string, l: Limits, cap: number): void {
  const place = { module: moduleName };
  if (l.shared) throw new MemoryLimit(`${what} is shared; shared memories are not allowed for mods`, place);
  if (l.memory64) throw new MemoryLimit(`${what} is a 64-bit memory; only 32-bit memories are supported`, place);
  if (l.min > cap) {
    throw new MemoryLimit(
      `${what} needs ${l.min} pages (${mib(l.min)}) initially, above the cap of ${cap} pages (${mib(cap)})`, place);
  }
}

function mib(pages: number): string {
  return `${+(pages * PAGE_BYTES / 2 ** 20).toFixed(2)} MiB`;
}
