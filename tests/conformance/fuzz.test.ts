/**
 * Differential fuzzing gate (issue 8, "Build" 8): see tests/conformance/fuzz.ts and
 * docs/conformance.md. CI runs WASGO_FUZZ_SEEDS seeds (default 300); long local runs:
 * `npm run fuzz -- --seeds 100000`. Every saved finding (tests/conformance/findings/*.wasm) is
 * replayed here as a regression test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatorMode, judge, MIN_JUDGED_MS, NS_PER_UNIT_BOUND, runSeed, type SeedResult } from './fuzz';

const SEEDS = Number(process.env.WASGO_FUZZ_SEEDS ?? 300);
const FROM = Number(process.env.WASGO_FUZZ_FROM ?? 0);
const FINDINGS = join(dirname(fileURLToPath(import.meta.url)), 'findings');

/**
 * Seeds that fail against today's rewriter, one per line with the reason (emptied by the lead
 * when the issue-8 rewriter lands; an entry that passes fails the test).
 */
const KNOWN_FAILURES: Record<number, string> = {
};

function summarize(rs: SeedResult[]): string {
  const judged = rs.filter((r) => r.nsPerUnit !== undefined).map((r) => r.nsPerUnit!).sort((a, b) => a - b);
  const fuel = rs.reduce((n, r) => n + r.fuel, 0);
  const ms = rs.filter((r) => !r.skipped).map((r) => r.ms).sort((a, b) => a - b);
  return [
    `seeds ${rs.length} (${generatorMode()}): compared ${rs.filter((r) => !r.skipped).length}, skipped ${rs.filter((r) => r.skipped).length} (V8 rejects the generated module, or binaryen failed), ` +
      `stopped at a stack overflow ${rs.filter((r) => r.exhausted).length}, calls compared ${rs.reduce((n, r) => n + r.calls, 0)}`,
    `mismatching ${rs.filter((r) => r.mismatches.length).length}, over ${NS_PER_UNIT_BOUND} ns/unit ${judged.filter((x) => x > NS_PER_UNIT_BOUND).length}`,
    `ns per fuel unit over ${judged.length} seeds running >= ${MIN_JUDGED_MS} ms: median ${judged[judged.length >> 1]?.toFixed(2) ?? '-'}, ` +
      `worst ${judged[judged.length - 1]?.toFixed(2) ?? '-'}; fuel used ${fuel}`,
    `guest time per seed (timed pass, best of 3): median ${ms[ms.length >> 1]?.toFixed(3) ?? '-'} ms, max ${ms[ms.length - 1]?.toFixed(3) ?? '-'} ms ` +
      `(binaryen's hang limit keeps runs short: the bench's adversarial kernels are the real ns/unit measurement)`,
  ].join('\n');
}

function problems(r: SeedResult): string[] {
  const out = r.mismatches.map((m) => `seed ${r.seed}: ${m}`);
  if (r.nsPerUnit !== undefined && r.nsPerUnit > NS_PER_UNIT_BOUND) {
    out.push(`seed ${r.seed}: ${r.nsPerUnit.toFixed(1)} ns per fuel unit (${r.fuel} units in ${r.ms.toFixed(2)} ms), bound ${NS_PER_UNIT_BOUND}`);
  }
  return out;
}

describe('differential fuzzing: binaryen modules as written vs as rewritten', () => {
  it(`agrees on ${SEEDS} seeds and stays under ${NS_PER_UNIT_BOUND} ns per fuel unit`, async () => {
    const results: SeedResult[] = [];
    for (let seed = FROM; seed < FROM + SEEDS; seed++) results.push(await runSeed(seed));
    console.log(summarize(results));
    const failing = results.filter((r) => problems(r).length);
    const fresh = failing.filter((r) => !(r.seed in KNOWN_FAILURES));
    const stale = Object.keys(KNOWN_FAILURES).map(Number).filter((s) => s >= FROM && s < FROM + SEEDS && !failing.some((r) => r.seed === s));
    expect(fresh.flatMap(problems).map((p) => `${p}  (save it: npm run fuzz -- --seed ${p.split(':')[0]!.slice(5)})`), 'new fuzz findings').toEqual([]);
    expect(stale.map((s) => `seed ${s} now passes: remove it from KNOWN_FAILURES`)).toEqual([]);
  }, 180_000);

  it('replays every saved finding', () => {
    const files = existsSync(FINDINGS) ? readdirSync(FINDINGS).filter((f) => f.endsWith('.wasm')).sort() : [];
    const failing: string[] = [];
    for (const f of files) {
      const seed = Number(/(\d+)/.exec(f)?.[1] ?? -1);
      const r = judge(seed, new Uint8Array(readFileSync(join(FINDINGS, f))));
      failing.push(...problems(r).map((p) => `${f}: ${p}`));
    }
    console.log(`findings replayed: ${files.length}`);
    expect(failing).toEqual([]);
  }, 60_000);
});
