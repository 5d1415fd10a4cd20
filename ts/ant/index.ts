// ANT.zip packages: safe reading, trust, packing, validation. Browser- and Node-safe;
// the node-only directory reader is in ./node-files.
export { PACKAGE_ERRNO, PackageRefused, type PackageProblem, type PackageProblemCode } from './errors';
export { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from './limits';
export { entryNameOf } from './names';
export { readZip, INFLATE_OVERSHOOT, type ZipReadStats } from './zip';
export { readPackage, type AntPackage, type ReadPackageOptions } from './package';
export { verifyPackage, type TrustOptions, type TrustResult } from './trust';
export type { AntManifest } from './manifest';
export { generateSigningKey, parseSigningKey, type SigningKey } from './keys';
export { packPackage, type PackOptions } from './pack';
export { validatePackage, type ValidateOptions, type ValidationResult } from './validate';
