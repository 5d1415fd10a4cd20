// `import … from 'wasgo/wasm'` in Node: inspection, the function table, guest memory, workers.
import './node';

export * from '../api-wasm';
