// Node entry: the public API with Node's host platform (node:fs, fetch) installed.
import { setPlatform } from './platform/platform';
import { nodePlatform } from './platform/node';

setPlatform(nodePlatform);
export * from './api';
