import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FunctionTable, LEVELS, RegistrationError, WasGoEngine, type HostFunctionSpec, type SafetyLevel } from '../../ts/index';

const spec = (module: string, name: string, level: SafetyLevel, kind: 'core' | 'wrapper' = 'core'): HostFunctionSpec =>
  ({ module, name, level, kind, params: [], result: 'void', implementation: () => undefined });

describe('safety levels', () => {
  it("WasGo's own table: L1 ⊆ L2 ⊆ L3, each shared name the same entry (same implementation)", () => {
    const t = WasGoEngine.get().init().table;
    const [l1, l2, l3] = LEVELS.map((l) => t.at(l));
    for (const [lower, higher] of [[l1!, l2!], [l2!, l3!]] as const) {
      for (const e of lower) expect(higher).toContain(e);
    }
    for (const e of t.all()) {
      for (const level of LEVELS) {
        const found = t.lookup(e.module, e.name, level);
        if (level >= e.level) expect(found?.implementation).toBe(e.implementation);
        else expect(found).toBeUndefined();
      }
    }
    // what each level adds, so a change to the policy shows up in review
    const names = (l: SafetyLevel) => t.at(l).filter((e) => e.level === l && e.module === 'wasgo').map((e) => e.name).sort();
    // the WASI subset is all level 1 (its list is reviewed in tests/wasi)
    expect(t.all().filter((e) => e.module !== 'wasgo').every((e) => e.module === 'wasi_snapshot_preview1' && e.level === 1)).toBe(true);
    expect(names(1)).toEqual(['abort', 'print', 'push_error', 'random_f64', 'random_seed', 'random_u32', 'time_ms']);
    expect(names(2)).toEqual(['file_read', 'file_write', 'http_request']);
    expect(names(3)).toEqual(['fs_read', 'fs_write', 'http_fetch']);
    expect(t.at(2).filter((e) => e.level === 2).every((e) => e.kind === 'wrapper')).toBe(true);
  });

  it('property: any sequence of registrations keeps L1 ⊆ L2 ⊆ L3 with identical behaviour; duplicates are refused', () => {
    const arb = fc.array(fc.record({
      module: fc.constantFrom('wasgo', 'game', 'godot'),
      name: fc.stringMatching(/^[a-z]{1,4}$/),
      level: fc.constantFrom<SafetyLevel>(1, 2, 3),
      wrapper: fc.boolean(),
    }), { maxLength: 40 });
    fc.assert(fc.property(arb, (regs) => {
      const t = new FunctionTable();
      const accepted = new Map<string, HostFunctionSpec>();
      for (const r of regs) {
        const s = spec(r.module, r.name, r.level, r.wrapper && r.level >= 2 ? 'wrapper' : 'core');
        const key = `${r.module}.${r.name}`;
        if (accepted.has(key)) {
          expect(() => t.register(s)).toThrow(RegistrationError); // wrappers never overwrite
        } else {
          t.register(s);
          accepted.set(key, s);
        }
      }
      for (const level of [1, 2] as const) {
        const lower = t.at(level);
        const higher = t.at((level + 1) as SafetyLevel);
        for (const e of lower) {
          expect(higher).toContain(e);
          expect(t.lookup(e.module, e.name, (level + 1) as SafetyLevel)?.implementation).toBe(e.implementation);
        }
      }
      for (const [key, s] of accepted) {
        const [m, n] = key.split('.') as [string, string];
        expect(t.find(m, n)?.implementation).toBe(s.implementation);
      }
    }));
  });

  it('refuses a wrapper that would overwrite a lower-level function, and wrappers at level 1', () => {
    const t = new FunctionTable();
    t.register(spec('wasgo', 'write', 1));
    expect(() => t.register(spec('wasgo', 'write', 2, 'wrapper'))).toThrow(/already registered at level 1 \(core\); a wrapper at level 2 may not overwrite it/);
    expect(() => t.register(spec('wasgo', 'other', 1, 'wrapper'))).toThrow(/wrappers start at level 2/);
    expect(() => t.register({ ...spec('g', 'x', 1), params: ['pointer' as never] })).toThrow(/unknown parameter kind/);
  });

  it("a game cannot register over WasGo's own functions", () => {
    const engine = WasGoEngine.get().init();
    expect(() => engine.register(spec('wasgo', 'print', 3))).toThrow(RegistrationError);
  });
});
