// Public API of WasGo, the same in every host: the package's root export (`import … from 'wasgo'`).
// Kept small and stable — the engine, instances, errors, settings and the types they use. The
// building blocks are in subpaths: `wasgo/ant` (./api-ant.ts), `wasgo/wasm` (./api-wasm.ts),
// `wasgo/godot` (./api-godot.ts).
export { VERSION } from './version';
export * from './engine/errors';
export { DEFAULT_SETTINGS, resolveSettings, LEVELS, type SafetyLevel, type WasGoSettings, type ConfirmWrite } from './engine/settings';
export { WasGoEngine, type ModuleBinary, type CompiledModule, type ModSource, type InstanceOptions, type RunOptions } from './engine/engine';
export { WasGoInstance, type EntryPoint, type CallOptions, type InstanceState, type WasmValue } from './engine/instance';
export type { EngineEvents } from './engine/events';
export { configureLoadCache, type LoadCacheOptions } from './engine/load-cache';
export type { MainRun, MainRunState, StartOptions, ChannelOptions } from './isolate/run';
export type { HostFunctionSpec, HostCallContext, ParamKind, ResultKind, OutBuffer, ValueOut, GuestRegion } from './table/host-function';
