// What the e2e project tests/godot/projects/policy-classdb checks in the real engine, derived from
// ./rules.ts. scripts/gen-godot-policy.mjs writes it to that project's policy.json; a vitest test
// (tests/policy) fails when the file is out of date.
import { CLASSES, ENGINE_VERSION } from './classdb';
import {
  DENIED_CLASSES, DENIED_METHODS, DENIED_UTILITIES, LEVEL1_CONSTRUCT, LEVEL1_METHODS, LEVEL1_SINGLETONS,
  LEVEL1_UTILITIES, NOT_IN_CLASSDB, NOT_IN_WEB_TEMPLATE,
} from './rules';

export interface PolicyCheckData {
  /** The engine the ClassDB data was taken from, and its size: the e2e project compares them with the running engine. */
  engine: string;
  classCount: number;
  methodCount: number;
  level1Methods: Record<string, string[]>;
  level1Construct: string[];
  level1Singletons: string[];
  level1Utilities: string[];
  deniedMethods: string[];
  deniedClasses: string[];
  deniedUtilities: string[];
}

export function policyCheckData(): PolicyCheckData {
  let classCount = 0;
  let methodCount = 0;
  for (const line of CLASSES.split('\n')) {
    if (!line.trim()) continue;
    classCount++;
    methodCount += (line.split('\t')[3] ?? '').split(' ').filter(Boolean).length;
  }
  return {
    engine: ENGINE_VERSION,
    classCount,
    methodCount,
    level1Methods: Object.fromEntries(Object.entries(LEVEL1_METHODS).map(([c, ms]) => [c, [...ms]])),
    level1Construct: [...LEVEL1_CONSTRUCT],
    level1Singletons: [...LEVEL1_SINGLETONS],
    level1Utilities: [...LEVEL1_UTILITIES],
    deniedMethods: Object.keys(DENIED_METHODS).filter((m) => !NOT_IN_CLASSDB.includes(m)),
    deniedClasses: Object.keys(DENIED_CLASSES).filter((c) => !NOT_IN_WEB_TEMPLATE.includes(c)),
    deniedUtilities: Object.keys(DENIED_UTILITIES).filter((u) => u !== 'load' && u !== 'preload'),
  };
}
