/**
 * The spec conformance gate (issue 8, "Build" 8): see tests/conformance/spec.ts and
 * docs/conformance.md. Fails on any mismatch, unexpected refusal, accepted invalid module or
 * wrong refusal — except the entries of KNOWN_FAILURES below, which pin what today's rewriter
 * gets wrong. The list must only shrink: an entry that now passes fails the test too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewrite } from './adapter';
import { exposeState } from './wasm-bin';
import { convertAll, GROUPS, runSpec, SUITE_DIR, wast2jsonVersion, type Failure, type RunReport } from './spec';


/**
 * Assertions a memory/table cap would legitimately change (none with the 4 GiB cap the adapter
 * uses; list `key: reason` here if the shape limits ever make one differ).
 */
export const CAP_EXCLUSIONS: Record<string, string> = {
};

/** Files wabt 1.0.32's wast2json cannot convert (newer syntax): reported, never counted as passed. */
const EXPECTED_NOT_CONVERTED = /^(gc|function-references|annotations)\/|^relaxed-simd\/relaxed_dot_product\.wast$/;

let report: RunReport;

describe('spec conformance: modules as written vs as rewritten', () => {
  it('converts the suite and runs every command', async () => {
    expect(existsSync(SUITE_DIR), `spec suite not found at ${SUITE_DIR} (set WASGO_SPEC_DIR)`).toBe(true);
    const files = convertAll();
    report = await runSpec(files);
    const c = report.counts;
    const failures = report.failures.filter((f) => !(f.key in CAP_EXCLUSIONS));
    const known = failures.filter((f) => f.key in KNOWN_FAILURES);
    const fresh = failures.filter((f) => !(f.key in KNOWN_FAILURES));
    const failedKeys = new Set(failures.map((f) => f.key));
    const stale = Object.keys(KNOWN_FAILURES).filter((k) => !failedKeys.has(k));
    const by = (k: Failure['category']) => failures.filter((f) => f.category === k).length;
    console.log([
      `spec suite: ${SUITE_DIR}`,
      `files converted ${c.filesConverted}, not converted ${c.filesNotConverted} (never counted as passed)`,
      `modules ${c.modules} (compared ${c.modulesCompared}), assertions compared ${c.assertionsCompared}`,
      `refused as expected ${c.refusedAsExpected} (invalid/malformed ${c.refusedInvalid}, refused feature ${c.refusedFeature})`,
      `text modules wast2json cannot emit as binary ${c.textModulesNotConvertible}; round trips ${c.roundTrips}${c.roundTripsUnavailable ? ` (no round-trip entry in the adapter: ${c.roundTripsUnavailable} modules not checked)` : ''}`,
      `FAILURES ${failures.length}: mismatches ${by('mismatch')}, unexpected refusals ${by('unexpected-refusal')}, ` +
        `invalid/feature modules accepted ${by('not-refused')}, wrong refusal code ${by('wrong-refusal')}, round-trip ${by('round-trip')}`,
      `  of which known (KNOWN_FAILURES) ${known.length}, new ${fresh.length}; stale known entries ${stale.length}`,
      `not run (module refused/unavailable) ${c.notRunAfterRefusal}; engine cannot run ${c.engineUnsupported}; original disagrees with the script ${c.engineDeviations}; outdated assert_invalid ${c.outdatedInvalid}`,
    ].join('\n'));
    if (process.env.WASGO_SPEC_VERBOSE) {
      for (const f of failures) console.log(`${f.category}\t${f.key}\t${f.detail}`);
      for (const d of report.deviations) console.log(`deviation\t${d}`);
    }
    const unexpectedlyNotConverted = report.notConverted.filter((n) => !EXPECTED_NOT_CONVERTED.test(n.id));
    expect(unexpectedlyNotConverted, 'files that should convert').toEqual([]);
    expect(c.filesConverted).toBeGreaterThan(150);
    expect(fresh.map((f) => `${f.key} [${f.category}] ${f.detail}`), 'new failures').toEqual([]);
    expect(stale.map((k) => `${k}: now passes, remove it from KNOWN_FAILURES`), 'stale known failures').toEqual([]);
  }, 240_000);
});

/** The gate itself must catch a broken rewriter: a tiny script run against deliberately wrong rewrites. */
describe('the spec gate catches a broken rewriter', () => {
  const WAST = `(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "boom") (unreachable)))
(assert_return (invoke "add" (i32.const 40) (i32.const 2)) (i32.const 42))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_trap (invoke "boom") "unreachable")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
`;
  async function runWith(rw: (b: Uint8Array, n: string) => Uint8Array<ArrayBuffer>) {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-gate-self-'));
    try {
      writeFileSync(join(dir, 't.wast'), WAST);
      execFileSync('wast2json', [join(dir, 't.wast'), '-o', join(dir, 't.json')]);
      return await runSpec([{ group: GROUPS[0]!, id: 'self/t.wast', wast: join(dir, 't.wast'), json: join(dir, 't.json'), error: undefined }], { rewrite: rw });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const sub = (b: Uint8Array) => {
    // i32.add (0x6a) right after two local.gets -> i32.sub (0x6b)
    const out = new Uint8Array(b);
    for (let i = 4; i < out.length; i++) if (out[i] === 0x6a && out[i - 2] === 0x20 && out[i - 4] === 0x20) out[i] = 0x6b;
    return out;
  };

  it.skipIf(!wast2jsonVersion())('passes an honest rewrite, flags a wrong result, a refusal and an accepted invalid module', async () => {
    const honest = await runWith((b, n) => rewrite(b, n));
    expect(honest.failures.filter((f) => f.category !== 'not-refused')).toEqual([]);
    expect(honest.counts.assertionsCompared).toBe(3);
    const wrong = await runWith((b, n) => { if (!WebAssembly.validate(new Uint8Array(b))) throw new Error('invalid'); return sub(rewrite(b, n)); });
    expect(wrong.failures.map((f) => [f.key, f.category])).toEqual([['self/t.wast:5 assert_return', 'mismatch']]);
    const refusing = await runWith(() => { throw Object.assign(new Error('nope'), { code: 'CompileError' }); });
    expect(refusing.failures.map((f) => f.category)).toEqual(['unexpected-refusal']);
    const identity = await runWith((b) => new Uint8Array(b));
    expect(identity.failures.map((f) => [f.key, f.category])).toEqual([['self/t.wast:8 assert_invalid', 'not-refused']]);
  });

  it.skipIf(!wast2jsonVersion())('requires UnsupportedFeature for a module of a refused feature, and skips what depends on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-gate-self-'));
    try {
      writeFileSync(join(dir, 'mm.wast'), `(module (memory 1) (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(module (memory 1) (memory 1) (func (export "g") (result i32) (i32.load 1 (i32.const 0))))
(assert_return (invoke "g") (i32.const 0))
`);
      execFileSync('wast2json', ['--enable-multi-memory', join(dir, 'mm.wast'), '-o', join(dir, 'mm.json')]);
      const group = GROUPS.find((g) => g.name === 'multi-memory')!;
      const file = { group, id: 'self/mm.wast', wast: join(dir, 'mm.wast'), json: join(dir, 'mm.json'), error: undefined };
      const gated = await runSpec([file], {
        rewrite: (b, n) => {
          // a stand-in feature gate: more than one memory
          if (exposeState(b).memories.length > 1) throw Object.assign(new Error('multi-memory'), { code: 'UnsupportedFeature' });
          return rewrite(b, n);
        },
      });
      expect(gated.failures).toEqual([]);
      expect(gated.counts.refusedFeature).toBe(1);
      expect(gated.counts.assertionsCompared).toBe(1);
      expect(gated.counts.notRunAfterRefusal).toBe(1);
      const wrongCode = await runSpec([file], {
        rewrite: (b, n) => {
          if (exposeState(b).memories.length > 1) throw Object.assign(new Error('two memories'), { code: 'MemoryLimit' });
          return rewrite(b, n);
        },
      });
      expect(wrongCode.failures.map((f) => [f.key, f.category])).toEqual([['self/mm.wast:3 module', 'wrong-refusal']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Reasons of the known failures (today's rewriter, main at 74215db).

/**
 * Known failures of the rewriter on main (before the issue-8 rewriter lands), one per line:
 * `'<group>/<file>.wast:<line> <command>': <reason>`. The lead empties this at merge.
 */
export const KNOWN_FAILURES: Record<string, string> = {
};
