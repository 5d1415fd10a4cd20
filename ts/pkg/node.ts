// Every entry of the npm package imports this first: Node's host platform (node:fs, fetch).
import { setPlatform } from '../platform/platform';
import { nodePlatform } from '../platform/node';

setPlatform(nodePlatform);
