// `import … from 'wasgo/ant'` in Node: ANT.zip packages and the ANTwasm 0.0.1 runtime.
import './node';

export * from '../api-ant';
export { readDirectoryFiles } from '../ant/node-files';
