// The game's declarative API (ts/godot/game-api-data.ts) and the policy additions it makes:
// strict inclusion per level over all additions (property test), refusals naming the rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { additionsOf, parseGameApi, type ApiAddition } from '../../ts/godot/game-api-data';
import { ancestry, classDb, createPolicy, type Level } from '../../ts/godot/policy';
import { DENIED_CLASSES, DENIED_METHODS, DENIED_UTILITIES } from '../../ts/godot/policy/rules';

const SAMPLE = {
  functions: [
    { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 1, target: { node: '/root/Game', method: 'spawn' } },
    { module: 'game', name: 'hp', params: [], result: 'i32', level: 2, target: { node: '/root/Game', method: 'hp' } },
  ],
  additions: [{ level: 1, methods: ['AnimatedSprite2D.play'], scripts: ['Crate.open'] }, { level: 2, construct: ['Timer'] }],
};

/** Methods that exist, are not on the level-1 allowlist and that no rule denies: what a game may add. */
function addableMethods(): string[] {
  const p = createPolicy();
  const out: string[] = [];
  for (const cls of ['AnimatedSprite2D', 'Timer', 'AudioStreamPlayer', 'Camera2D', 'Line2D', 'Label']) {
    for (const m of classDb().get(cls)!.methods) {
      const chain = ancestry(cls)!;
      const d = p.methodDecision(chain, m, 1);
      if (d.allowed) continue;
      try {
        createPolicy({ methods: { [`${cls}.${m}`]: 1 } });
        out.push(`${cls}.${m}`);
      } catch {
        // denied by a rule: not addable
      }
      if (out.length >= 40) return out;
    }
  }
  return out;
}

describe('parseGameApi', () => {
  it('accepts the documented shape', () => {
    const api = parseGameApi(SAMPLE, 'api.json');
    expect(api.functions.map((f) => `${f.module}.${f.name}@${f.level}`)).toEqual(['game.spawn@1', 'game.hp@2']);
    expect(api.functions[0]!.target).toEqual({ node: '/root/Game', method: 'spawn' });
    expect(parseGameApi({ functions: [{ ...SAMPLE.functions[0], names: ['kind', 'x', 'y'] }] }, 'api.json').functions[0]!.names).toEqual(['kind', 'x', 'y']);
    expect(api.additions).toEqual(SAMPLE.additions);
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', [], /expected an object/],
    ['unknown top key', { ...SAMPLE, extra: 1 }, /unknown key "extra"/],
    ['bad kind', { functions: [{ ...SAMPLE.functions[0], params: ['out'] }] }, /functions\[0\].*parameter 1 has kind "out"/],
    ['node result', { functions: [{ ...SAMPLE.functions[0], result: 'node' }] }, /result kind "node"/],
    ['level 4', { functions: [{ ...SAMPLE.functions[0], level: 4 }] }, /level must be 1, 2 or 3/],
    ['WasGo module', { functions: [{ ...SAMPLE.functions[0], module: 'godot' }] }, /module godot belongs to WasGo/],
    ['listed twice', { functions: [SAMPLE.functions[0], { ...SAMPLE.functions[0], level: 2 }] }, /game\.spawn is listed twice/],
    ['relative target', { functions: [{ ...SAMPLE.functions[0], target: { node: 'Game', method: 'spawn' } }] }, /absolute path/],
    ['addition level', { additions: [{ level: 0, methods: ['AnimatedSprite2D.play'] }] }, /additions\[0\]: level must be/],
    ['addition key', { additions: [{ level: 1, properties: ['x'] }] }, /unknown key "properties"/],
    ['too few names', { functions: [{ ...SAMPLE.functions[0], names: ['kind', 'x'] }] }, /functions\[0\]\.names: 2 names for 3 parameters/],
    ['a name not an identifier', { functions: [{ ...SAMPLE.functions[0], names: ['kind', 'x', 'the y'] }] }, /functions\[0\]\.names\[2\] must be an identifier/],
    ['a name twice', { functions: [{ ...SAMPLE.functions[0], names: ['x', 'y', 'x'] }] }, /functions\[0\]\.names: x is given twice/],
    ['addition names', { additions: [{ level: 1, methods: [3] }] }, /additions\[0\]\.methods\[0\] must be a non-empty string/],
  ];
  for (const [what, value, re] of bad) {
    it(`refuses ${what}, naming the source and the entry`, () => {
      let message = '';
      try {
        parseGameApi(value, 'api.json');
      } catch (e) {
        expect((e as { code: string }).code).toBe('SettingsError');
        message = (e as Error).message;
      }
      expect(message).toMatch(/^api\.json: /);
      expect(message).toMatch(re);
    });
  }
});

describe('additionsOf: an addition at level N holds at every level ≥ N', () => {
  it('the lowest level an entry gives a name wins; level-3 entries add nothing', () => {
    const a = additionsOf([
      { level: 2, methods: ['A.x', 'A.y'] }, { level: 1, methods: ['A.y'] }, { level: 3, methods: ['A.z'], construct: ['Timer'] },
    ]);
    expect(a.methods).toEqual({ 'A.x': 2, 'A.y': 1 });
    expect(a.construct).toEqual({});
  });

  it('property: over random additions, L1 ⊆ L2 ⊆ L3 and a name is allowed at L exactly when an entry gives it a level ≤ L', () => {
    const pool = addableMethods();
    expect(pool.length).toBeGreaterThan(10);
    const entry = fc.record({
      level: fc.constantFrom<Level>(1, 2, 3),
      methods: fc.subarray(pool, { maxLength: 6 }),
    });
    fc.assert(fc.property(fc.array(entry, { maxLength: 6 }), (entries: ApiAddition[]) => {
      const policy = createPolicy(additionsOf(entries));
      for (const name of pool) {
        const [cls, method] = name.split('.') as [string, string];
        const chain = ancestry(cls)!;
        const lowest = Math.min(...entries.filter((e) => e.methods?.includes(name)).map((e) => e.level), 3);
        let before = false;
        for (const level of [1, 2, 3] as const) {
          const allowed = policy.methodDecision(chain, method, level).allowed;
          expect(allowed, `${name} at level ${level}`).toBe(level >= lowest);
          if (before) expect(allowed, `${name}: inclusion at level ${level}`).toBe(true);
          before = allowed;
        }
      }
    }), { numRuns: 60 });
  });
});

describe('additions a safety rule denies are refused with the rule\'s name', () => {
  const firstMethod = (cls: string): string | undefined => {
    for (const c of ancestry(cls) ?? []) for (const m of classDb().get(c)!.methods) return m;
    return undefined;
  };

  it('every denied class: a method of it, constructing it, at level 1 or 2', () => {
    let checked = 0;
    for (const [cls, rule] of Object.entries(DENIED_CLASSES)) {
      if (cls.endsWith('*') || !classDb().get(cls)) continue;
      const m = firstMethod(cls);
      for (const level of [1, 2] as const) {
        if (m) expect(() => createPolicy({ methods: { [`${cls}.${m}`]: level } }), `${cls}.${m}`).toThrow(new RegExp(`rule '${rule}'`));
        if (classDb().get(cls)!.instantiable) expect(() => createPolicy({ construct: { [cls]: level } }), cls).toThrow(new RegExp(`rule '${rule}'`));
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('denied method names on any class, denied utilities, denied singletons; OS.execute by name', () => {
    for (const [method, rule] of Object.entries(DENIED_METHODS)) {
      const cls = ['Node', 'Object', 'Node2D'].find((c) => ancestry(c)!.some((a) => classDb().get(a)!.methods.has(method)));
      if (!cls) continue;
      expect(() => createPolicy({ methods: { [`${cls}.${method}`]: 1 } }), method).toThrow(new RegExp(`rule '${rule}'`));
      expect(() => createPolicy({ scripts: { [`Crate.${method}`]: 1 } }), `script ${method}`).toThrow(new RegExp(`rule '${rule}'`));
    }
    for (const [fn, rule] of Object.entries(DENIED_UTILITIES)) expect(() => createPolicy({ utilities: { [fn]: 2 } }), fn).toThrow(new RegExp(`rule '${rule}'`));
    expect(() => createPolicy({ singletons: { OS: 1 } })).toThrow(/rule 'system'/);
    expect(() => createPolicy(additionsOf([{ level: 1, methods: ['OS.execute'] }]))).toThrow(/OS\.execute: class OS is denied below level 3 \(rule 'system'/);
    // Level 3 allows it already: a level-3 entry is no addition at all, so nothing to refuse.
    expect(() => createPolicy(additionsOf([{ level: 3, methods: ['OS.execute'] }]))).not.toThrow();
  });
});

describe('script-class methods (additions.scripts)', () => {
  const node2d = ancestry('Node2D')!;
  const policy = createPolicy(additionsOf([{ level: 1, scripts: ['Crate.open'] }, { level: 2, scripts: ['Crate.close'] }]));

  it('allowed from the level given, on the class and on scripts extending it, by name', () => {
    expect(policy.scriptMethods.has('open')).toBe(true);
    expect(policy.scriptMethodDecision(['Crate'], node2d, 'open', 1).allowed).toBe(true);
    expect(policy.scriptMethodDecision(['BigCrate', 'Crate'], node2d, 'open', 1).allowed).toBe(true);
    const close = policy.scriptMethodDecision(['Crate'], node2d, 'close', 1);
    expect([close.allowed, close.level]).toEqual([false, 2]);
    expect(policy.scriptMethodDecision(['Crate'], node2d, 'close', 2).allowed).toBe(true);
  });

  it('refused for other classes and methods, and on an object whose native class a rule denies', () => {
    expect(policy.scriptMethodDecision(['Barrel'], node2d, 'open', 1).allowed).toBe(false);
    expect(policy.scriptMethodDecision([], node2d, 'open', 1).level).toBe(3);
    expect(policy.scriptMethodDecision(['Crate'], node2d, 'destroy', 2).allowed).toBe(false);
    const denied = policy.scriptMethodDecision(['Crate'], ancestry('HTTPRequest')!, 'open', 1);
    expect([denied.allowed, denied.reason]).toEqual([false, expect.stringMatching(/rule 'network'/)]);
    expect(policy.scriptMethodDecision(['Crate'], node2d, 'open', 3).allowed).toBe(true);
  });

  it('a ClassDB class under scripts, or a malformed entry, is refused', () => {
    expect(() => createPolicy({ scripts: { 'Node2D.open': 1 } })).toThrow(/ClassDB class/);
    expect(() => createPolicy({ scripts: { Crate: 1 } })).toThrow(/ScriptClass\.method/);
  });
});
