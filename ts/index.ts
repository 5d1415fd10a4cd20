// Node entry for code inside this repository (tests, benchmarks): everything, with Node's host
// platform (node:fs, fetch) installed. The npm package's entries are in ts/pkg/.
import { setPlatform } from './platform/platform';
import { nodePlatform } from './platform/node';

setPlatform(nodePlatform);
export * from './api-full';
