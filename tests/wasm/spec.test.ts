/**
 * The official spec test suite through the rewriter (a first cut of issue 8's conformance gate):
 * every module V8 accepts is metered and must still validate; every `invoke` on an import-free
 * module gives the same result (NaN-aware) or the same trap as written and as metered.
 * Needs Debian wabt's `wast2json` and the suite (WASM_TESTSUITE, or ../shared/wasm-testsuite
 * from the main checkout); skipped, loudly, without them — never counted as passed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../ts/wasm/limits';
import { rewriteModule } from '../../ts/wasm/rewrite';

const SUITE = [process.env.WASM_TESTSUITE, '../shared/wasm-testsuite', '../../shared/wasm-testsuite', '/work/shared/wasm-testsuite']
  .filter((d): d is string => !!d).map((d) => resolve(d)).find((d) => existsSync(join(d, 'block.wast')));

const LIMITS = {
  ...DEFAULT_LIMITS, maxTableEntries: 0xffffffff, maxFunctions: 1e9, maxGlobals: 1e9, maxTables: 1e9, maxImports: 1e9,
  maxExports: 1e9, maxCustomBytes: 1e12, maxTypes: 1e9, maxSegments: 1e9, maxLocals: 1e9, maxBodyBytes: 1e9,
};

interface Command { type: string; line: number; filename?: string; action?: { type: string; module?: string; field: string; args: { type: string; value: string }[] } }

function arg(a: { type: string; value: string }): unknown {
  const v = new DataView(new ArrayBuffer(8));
  switch (a.type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(a.value)));
    case 'i64': return BigInt.asIntN(64, BigInt(a.value));
    case 'f32': v.setUint32(0, Number(a.value)); return v.getFloat32(0);
    case 'f64': v.setBigUint64(0, BigInt(a.value)); return v.getFloat64(0);
    default: throw new Error(`unsupported argument type ${a.type}`);
  }
}

function same(x: unknown, y: unknown): boolean {
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => same(v, y[i]));
  if (typeof x === 'function' && typeof y === 'function') return true; // funcrefs of different instances
  return Object.is(x, y) || (typeof x === 'number' && typeof y === 'number' && Number.isNaN(x) && Number.isNaN(y));
}

describe('spec test suite through the rewriter', () => {
  let dir: string | undefined;
  let why = '';
  beforeAll(() => {
    if (!SUITE) { why = 'no wasm-testsuite found (set WASM_TESTSUITE)'; return; }
    try { execFileSync('wast2json', ['--version'], { stdio: 'pipe' }); } catch { why = 'wast2json (Debian wabt) is not installed'; return; }
    dir = mkdtempSync(join(tmpdir(), 'wasgo-spec-'));
    for (const f of readdirSync(SUITE).filter((x) => x.endsWith('.wast'))) {
      try {
        execFileSync('wast2json', ['--enable-exceptions', '--enable-tail-call', join(SUITE, f), '-o', join(dir, f.replace(/\.wast$/, '.json'))], { stdio: 'pipe' });
      } catch { /* counted below as not converted */ }
    }
  }, 300_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('meters every valid module into a valid one and keeps every invoke\'s result', () => {
    if (!dir) { console.warn(`spec suite skipped: ${why}`); return; }
    let modules = 0, refused = 0, compared = 0, skipped = 0;
    const bad: string[] = [];
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    for (const j of files) {
      const spec = JSON.parse(readFileSync(join(dir, j), 'utf8')) as { commands: Command[] };
      let pair: [WebAssembly.Instance, WebAssembly.Instance] | undefined;
      for (const c of spec.commands) {
        if (c.type === 'module') {
          pair = undefined;
          const bytes = new Uint8Array(readFileSync(join(dir, c.filename!)));
          if (!WebAssembly.validate(bytes)) continue;
          modules++;
          let out: Uint8Array<ArrayBuffer>;
          try {
            out = rewriteModule(bytes, { moduleName: c.filename!, meter: true, maxPages: 65536, limits: LIMITS }).bytes;
          } catch (e) {
            if ((e as Error).name === 'UnsupportedFeature') { refused++; continue; }
            bad.push(`${j}:${c.line}: ${(e as Error).name}: ${(e as Error).message}`);
            continue;
          }
          if (!WebAssembly.validate(out)) { bad.push(`${j}:${c.line}: rewritten module does not validate`); continue; }
          if (WebAssembly.Module.imports(new WebAssembly.Module(bytes)).length) continue;
          try {
            pair = [new WebAssembly.Instance(new WebAssembly.Module(bytes)),
              new WebAssembly.Instance(new WebAssembly.Module(out), { __wasgo: { fuel_refill: () => 1 << 30 } })];
          } catch { pair = undefined; }
          continue;
        }
        const a = c.action;
        if (!pair || !a || a.type !== 'invoke' || a.module) { skipped++; continue; }
        let args: unknown[];
        try { args = a.args.map(arg); } catch { skipped++; continue; }
        const call = (i: WebAssembly.Instance) => {
          try { return { v: (i.exports[a.field] as (...x: unknown[]) => unknown)(...args) }; } catch (e) { return { e: `${(e as Error).constructor.name}: ${(e as Error).message}` }; }
        };
        const x = call(pair[0]);
        const y = call(pair[1]);
        compared++;
        const ok = 'v' in x ? 'v' in y && same(x.v, y.v) : 'e' in y && (x.e === y.e || (/call stack/.test(x.e!) && /call stack/.test(y.e!)));
        if (!ok) bad.push(`${j}:${c.line} ${a.field}: as written ${String(x.v ?? x.e)}, metered ${String(y.v ?? y.e)}`);
      }
    }
    console.log(`spec suite: ${files.length} files converted, ${modules} valid modules metered (${refused} refused as unsupported), ${compared} invokes compared, ${skipped} commands not compared, ${bad.length} mismatches`);
    expect(bad.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  }, 300_000);
});
