// Everything at once: the root API and the ant and wasm subpaths. The browser bundle
// (globalThis.WasGo) and ts/index.ts (tests, benchmarks) use this; the npm package splits it
// into `wasgo`, `wasgo/ant`, `wasgo/wasm` (ts/pkg/).
export * from './api';
export * from './api-wasm';
export * from './api-ant';
