import { plainBytes } from './encoding';
import { PackageRefused, type PackageProblem } from './errors';
import type { PackageLimits } from './limits';
import { CORE_ENTRY } from './names';
import { verifyPackage, type TrustOptions, type TrustResult } from './trust';
import { readZip } from './zip';

export interface ValidateOptions extends TrustOptions {
  limits?: Partial<PackageLimits> | undefined;
}

export interface ValidationResult {
  ok: boolean;
  /** Every problem found, in the order found. Empty exactly when `ok`. */
  problems: PackageProblem[];
  /** Present when the zip was readable enough to check trust. */
  trust?: TrustResult;
}

/**
 * Lists every problem it can find (for `wasgo validate`) instead of stopping at the first:
 * each unsafe entry, then trust, then the package's shape (a /core.wasm; .wasm entries that
 * WebAssembly accepts). Stops early only where the zip cannot be read further.
 */
export async function validatePackage(bytes: Uint8Array, options: ValidateOptions = {}): Promise<ValidationResult> {
  const problems: PackageProblem[] = [];
  const result: ValidationResult = { ok: false, problems };
  let files: Map<string, Uint8Array>;
  try {
    files = await readZip(bytes, { limits: options.limits, report: (p) => problems.push(p) });
  } catch (e) {
    if (!(e instanceof PackageRefused)) throw e;
    problems.push(e.toProblem());
    return result;
  }
  const zipProblemEntries = new Set(problems.map((p) => p.entry));

  result.trust = await verifyPackage(files, options);
  // An entry refused above is absent from `files`; "missing from the zip" would only repeat that.
  problems.push(...result.trust.problems.filter((p) => !(p.code === 'MissingEntry' && zipProblemEntries.has(p.entry))));

  if (!files.has(CORE_ENTRY) && !zipProblemEntries.has(CORE_ENTRY)) {
    const lookalike = [...files.keys()].find((n) => n.toLowerCase() === CORE_ENTRY);
    problems.push({
      code: 'MissingCore',
      message: `no /core.wasm at the zip root${lookalike ? ` (found ${JSON.stringify(lookalike)}; the name is case-sensitive)` : ''}`,
    });
  }
  for (const [name, contents] of files) {
    if (name.toLowerCase().endsWith('.wasm') && !WebAssembly.validate(plainBytes(contents))) {
      problems.push({ code: 'InvalidWasm', message: 'is not a valid WebAssembly module', entry: name });
    }
  }
  result.ok = problems.length === 0;
  return result;
}
