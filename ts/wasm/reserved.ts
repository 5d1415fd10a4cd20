import { LinkError } from '../engine/errors';

/** Just the names: satisfied by both ModuleInfo and a decoded WasmModule. */
export interface NamedExterns {
  imports: readonly { module: string; name: string }[];
  exports: readonly { name: string }[];
}

/** Names under this prefix belong to WasGo (e.g. the fuel counter); a guest may not claim them. */
export const RESERVED_PREFIX = '__wasgo';

/**
 * Refuses a guest that imports or exports a `__wasgo…` name: an export could shadow the fuel
 * counter the engine reads, an import could reach engine internals.
 */
export function checkReservedNames(info: NamedExterns, moduleName = 'module'): void {
  for (const i of info.imports) {
    if (i.name.startsWith(RESERVED_PREFIX) || i.module.startsWith(RESERVED_PREFIX)) {
      throw new LinkError(`import ${i.module}.${i.name} uses the reserved prefix ${RESERVED_PREFIX}`, { module: moduleName });
    }
  }
  for (const e of info.exports) {
    if (e.name.startsWith(RESERVED_PREFIX)) {
      throw new LinkError(`export ${e.name} uses the reserved prefix ${RESERVED_PREFIX}`, { module: moduleName });
    }
  }
}
