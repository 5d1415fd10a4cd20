// `import … from 'wasgo/godot'` in Node: the per-level Godot API policy.
import './node';

export * from '../api-godot';
