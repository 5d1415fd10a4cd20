import { EntryNotFound, GuestMemoryError } from '../engine/errors';
import { GuestMemory } from './memory';

/** The export a guest allocates with, for argv and other host-written data. */
export function allocatorOf(exports: WebAssembly.Exports): string | undefined {
  return ['host_malloc', 'malloc'].find((n) => typeof exports[n] === 'function');
}

/**
 * Arguments for `main(argc, argv)`: NUL-terminated strings and a NULL-terminated pointer array
 * in memory the guest allocates (`allocate` calls its allocator export). A guest without an
 * allocator gets (0, 0) when there is nothing to pass but argv[0]. See docs/abi.md.
 */
export function writeArgv(
  argv: readonly string[], memory: GuestMemory | undefined, allocator: string | undefined,
  allocate: (exportName: string, size: number) => number, moduleName: string,
): [number, number] {
  if (!allocator || !memory) {
    if (argv.length <= 1) return [0, 0];
    throw new EntryNotFound('main(argc, argv) needs the module to have a memory and export host_malloc or malloc to receive arguments', { module: moduleName });
  }
  const strings = argv.map((a) => GuestMemory.encode(`${a}\0`));
  const table = new DataView(new ArrayBuffer(4 * (argv.length + 1)));
  const size = table.byteLength + strings.reduce((n, s) => n + s.length, 0);
  const base = allocate(allocator, size);
  if (!base) throw new GuestMemoryError('the guest allocator returned null for argv', { module: moduleName });
  memory.check(base, size, 'argv');
  let at = base + table.byteLength;
  strings.forEach((s, i) => {
    table.setUint32(4 * i, at, true);
    memory.write(at, s);
    at += s.length;
  });
  memory.write(base, new Uint8Array(table.buffer));
  return [argv.length, base];
}
