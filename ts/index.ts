// Public API of WasGo. Keep it small and stable.
export { VERSION } from './version';
export * from './engine/errors';
export { DEFAULT_SETTINGS, resolveSettings, type SafetyLevel, type WasGoSettings, type ConfirmWrite } from './engine/settings';
