/**
 * `npm run fuzz -- --seeds 100000 [--from 0] [--no-save]`: long local fuzz runs (see fuzz.ts).
 * `--seed N --keep` saves seed N's module under findings/ even when it passes (to pin a case).
 * WASGO_FUZZ_JUDGED=1 prints every judged seed's ns per unit; WASGO_FUZZ_DEBUG=1 the timed calls.
 * Every failing seed's module is saved under tests/conformance/findings/ (replayed by
 * fuzz.test.ts from then on).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatorMode, NS_PER_UNIT_BOUND, runSeed } from './fuzz';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const seeds = opt('seeds', 1000);
const from = opt('from', 0);
const only = opt('seed', -1);
const save = !argv.includes('--no-save');
const findings = process.env.WASGO_FINDINGS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), 'findings');

let failed = 0;
let skipped = 0;
let slow = 0;
let worst = 0;
let fuel = 0;
let ms = 0;
const t0 = performance.now();
for (let seed = only >= 0 ? only : from; only >= 0 ? seed === only : seed < from + seeds; seed++) {
  if (process.env.WASGO_FUZZ_TRACE) console.log(`seed ${seed}...`);
  const r = await runSeed(seed);
  if (process.env.WASGO_FUZZ_JUDGED && r.nsPerUnit !== undefined) console.log(`seed ${seed}: judged ${r.nsPerUnit.toFixed(2)} ns/unit (${r.fuel} units, ${r.ms.toFixed(3)} ms)`);
  if (r.skipped) { skipped++; if (process.env.WASGO_FUZZ_TRACE) console.log(`seed ${seed} skipped: ${r.skipped}`); }
  fuel += r.fuel;
  ms += r.ms;
  if (r.nsPerUnit !== undefined) worst = Math.max(worst, r.nsPerUnit);
  const tooSlow = r.nsPerUnit !== undefined && r.nsPerUnit > NS_PER_UNIT_BOUND;
  if (r.mismatches.length || tooSlow) {
    if (r.mismatches.length) failed++;
    if (tooSlow) slow++;
    console.log(`seed ${seed}: ${tooSlow ? `${r.nsPerUnit!.toFixed(1)} ns/unit (bound ${NS_PER_UNIT_BOUND}; ${r.fuel} units in ${r.ms.toFixed(2)} ms) ` : ''}${r.mismatches.slice(0, 3).join(' | ')}`);
    if (save) {
      mkdirSync(findings, { recursive: true });
      const file = join(findings, `seed-${seed}.wasm`);
      writeFileSync(file, r.bytes);
      console.log(`  saved ${file}`);
    }
  }
  if (argv.includes('--keep') && !r.skipped && !r.mismatches.length && !tooSlow) {
    // Save a passing seed too (a finding of the harness, or a case worth pinning).
    mkdirSync(findings, { recursive: true });
    writeFileSync(join(findings, `seed-${seed}.wasm`), r.bytes);
    console.log(`  kept seed-${seed}.wasm`);
  }
  if ((seed - from + 1) % 500 === 0) {
    console.log(`${seed - from + 1} seeds, ${failed} mismatching, ${slow} over the bound, worst ${worst.toFixed(1)} ns/unit, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}
console.log(`done: ${only >= 0 ? 1 : seeds} seeds (${generatorMode()}), ${skipped} skipped, ${failed} mismatching, ${slow} over ${NS_PER_UNIT_BOUND} ns/unit; ` +
  `worst ${worst.toFixed(1)} ns/unit, overall ${fuel ? ((ms * 1e6) / fuel).toFixed(2) : '-'} ns/unit over ${fuel} units`);
process.exitCode = failed || slow ? 1 : 0;
