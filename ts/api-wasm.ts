// `wasgo/wasm`: the sandbox's building blocks — module inspection, the function table and
// signatures, WASI constants, bounds-checked guest memory, worker status, the host platform.
export { inspect } from './wasm/inspect';
export { formatFuncType, type ModuleInfo, type ModuleImport, type ModuleExport, type FuncType, type Limits } from './wasm/info';
export { FunctionTable } from './table/function-table';
export { signature, wasmType } from './table/host-function';
export { WASI_MODULE, WASI_ERRNO } from './table/wasi';
export type { ImportLink, ImportStatus } from './table/linker';
export { GuestMemory } from './guest/memory';
export { liveWorkers, noLiveWorkers, workerUnavailableReason } from './isolate/worker';
export { offThreadLoads, stopLoader } from './isolate/loader';
export { setPlatform, type HostPlatform } from './platform/platform';
