// `wasgo/ant`: ANT.zip packages and the ANTwasm 0.0.1 runtime (docs/antwasm.md, docs/ant-packages.md).
export * from './ant/index';
export { loadGame, AntGame, DEFAULT_MAX_MODULES, type LoadGameOptions, type AntPhase, type AntModule, type AntModuleRef, type AntEvent, type AntGameImports } from './ant/runtime';
export * from './ant/spec-codes';
export { stringFromBytes, bytesFromString, hasCorePrefix, isCorePath, isMainPath, CORE_PATH, MAIN_PATH } from './ant/spec-ops';
export { ANT_IMPORTS, ANT_IMPORT_MODULES, findEntry, moduleLoadCallback, checkAntImports, roleOfPath, type AntRole, type AntImportName } from './ant/spec-imports';
