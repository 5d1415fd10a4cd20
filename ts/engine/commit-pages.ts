/**
 * Memory an inline instance holds is committed when it is granted (instantiation, a granted
 * `memory.grow`), not at its first touch: the kernel's first write to each fresh page (a fault
 * and a zeroed page, ~2 µs per 4 KiB here) is host work no instruction count can see. A loop
 * storing once per page of a fresh 64 MiB memory ran ~2 200x a plain loop's time per unit
 * (tests/attack/fresh-pages.test.ts). Committing here moves that bounded cost (≤ memoryMb per
 * instance, once) to where the budget already counts the memory (engine/memory-budget.ts), and
 * makes what the budget calls committed really resident.
 */
const OS_PAGE = 4096;

/** Writes a zero to every 4 KiB page of `buffer` from `fromByte` on (zero pages stay zero). */
export function commitPages(buffer: ArrayBufferLike, fromByte = 0): void {
  const bytes = new Uint8Array(buffer);
  for (let i = fromByte - (fromByte % OS_PAGE); i < bytes.length; i += OS_PAGE) bytes[i] = bytes[i]!;
}
