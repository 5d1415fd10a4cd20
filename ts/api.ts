// Public API of WasGo, the same in every host. Keep it small and stable.
export { VERSION } from './version';
export * from './engine/errors';
export { DEFAULT_SETTINGS, resolveSettings, LEVELS, type SafetyLevel, type WasGoSettings, type ConfirmWrite } from './engine/settings';
export { WasGoEngine, type ModuleBinary, type CompiledModule, type ModSource, type InstanceOptions, type RunOptions } from './engine/engine';
export { WasGoInstance, type EntryPoint, type CallOptions, type InstanceState, type WasmValue } from './engine/instance';
export type { EngineEvents } from './engine/events';
export { liveWorkers, noLiveWorkers, workerUnavailableReason } from './isolate/worker';
export type { MainRun, MainRunState, StartOptions, ChannelOptions } from './isolate/run';
export { FunctionTable } from './table/function-table';
export { signature, wasmType, type HostFunctionSpec, type HostCallContext, type ParamKind, type ResultKind, type OutBuffer, type ValueOut, type GuestRegion } from './table/host-function';
export { WASI_MODULE, WASI_ERRNO } from './table/wasi';
export type { ImportLink, ImportStatus } from './table/linker';
export { GuestMemory } from './guest/memory';
export { inspect } from './wasm/inspect';
export { formatFuncType, type ModuleInfo, type ModuleImport, type ModuleExport, type FuncType, type Limits } from './wasm/info';
export { setPlatform, type HostPlatform } from './platform/platform';
// ANT.zip packages and the ANTwasm 0.0.1 runtime (docs/antwasm.md)
export * from './ant/index';
export { loadGame, AntGame, DEFAULT_MAX_MODULES, type LoadGameOptions, type AntPhase, type AntModule, type AntModuleRef, type AntEvent, type AntGameImports } from './ant/runtime';
export * from './ant/spec-codes';
export { stringFromBytes, bytesFromString, hasCorePrefix, isCorePath, isMainPath, CORE_PATH, MAIN_PATH } from './ant/spec-ops';
export { ANT_IMPORTS, ANT_IMPORT_MODULES, findEntry, moduleLoadCallback, checkAntImports, roleOfPath, type AntRole, type AntImportName } from './ant/spec-imports';
