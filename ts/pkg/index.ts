// `import … from 'wasgo'` in Node: the engine, instances, errors, settings and their types.
import './node';

export * from '../api';
