import { VERSION } from '../version';
console.log(`wasgo ${VERSION}`);
