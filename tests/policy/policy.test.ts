import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ancestry, classDb, constructDecision, createPolicy, deniedClassRule, ENGINE_SINGLETONS, methodDecision,
  nodePathAllowed, nodePathDecision, POLICY_ENGINE_VERSION, propertyDecision, signalDecision, singletonDecision,
  utilityDecision, type Decision, type Level,
} from '../../ts/godot/policy';
import { policyCheckData } from '../../ts/godot/policy/check-data';
import {
  DENIED_CLASSES, DENIED_METHODS, DENIED_UTILITIES, LEVEL1_CONSTRUCT, LEVEL1_METHODS, LEVEL1_SINGLETONS,
  LEVEL1_UTILITIES, NOT_IN_CLASSDB, NOT_IN_WEB_TEMPLATE,
} from '../../ts/godot/policy/rules';

const LEVELS: readonly Level[] = [1, 2, 3];
const db = classDb();
const chainOf = (cls: string): readonly string[] => {
  const c = ancestry(cls);
  if (!c) throw new Error(`no class ${cls} in the data`);
  return c;
};
const hasMethod = (cls: string, m: string) => chainOf(cls).some((c) => db.get(c)!.methods.has(m));
/** Every method reachable on `cls` (own and inherited). */
const methodsOf = (cls: string) => new Set(chainOf(cls).flatMap((c) => [...db.get(c)!.methods]));

/** Decisions at levels 1..3 must agree on `level` and be monotonic. */
function expectConsistent(at: (l: Level) => Decision, label: string): Decision[] {
  const ds = LEVELS.map(at);
  const min = ds[0]!.level;
  for (const [i, d] of ds.entries()) {
    const l = LEVELS[i]!;
    if (d.level !== min) throw new Error(`${label}: level ${d.level} at ${l} but ${min} at 1`);
    const want = min !== null && l >= min;
    if (d.allowed !== want) throw new Error(`${label}: allowed=${d.allowed} at level ${l}, min ${min}`);
    if (!d.reason) throw new Error(`${label}: empty reason`);
  }
  return ds;
}

describe('the generated ClassDB data', () => {
  it('is Godot 4.6 and plausible', () => {
    expect(POLICY_ENGINE_VERSION).toMatch(/^4\.6/);
    expect(db.size).toBeGreaterThan(800);
    expect(chainOf('Sprite2D')).toEqual(['Sprite2D', 'Node2D', 'CanvasItem', 'Node', 'Object']);
    expect(db.get('Object')!.parent).toBeNull();
    for (const [name, cls] of Object.entries(ENGINE_SINGLETONS)) {
      expect(ancestry(cls), `singleton ${name}'s class ${cls}`).not.toBeNull();
    }
  });

  it('every class reaches Object', () => {
    for (const name of db.keys()) expect(ancestry(name)?.at(-1), name).toBe('Object');
  });

  it('is reasonably small', () => {
    const size = readFileSync(join(__dirname, '../../ts/godot/policy/classdb.ts')).length;
    expect(size).toBeLessThan(1024 * 1024);
  });

  it('tests/godot/projects/policy-classdb/policy.json is up to date with rules.ts (npm run gen:policy)', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '../godot/projects/policy-classdb/policy.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(policyCheckData())));
  });
});

describe('hand-written names exist in the 4.6 ClassDB data (no typos)', () => {
  it('every level-1 method exists on its class', () => {
    const missing: string[] = [];
    for (const [cls, ms] of Object.entries(LEVEL1_METHODS)) {
      if (!db.has(cls)) missing.push(cls);
      else for (const m of ms) if (!hasMethod(cls, m)) missing.push(`${cls}.${m}`);
    }
    expect(missing).toEqual([]);
  });

  it('level-1 lists have no duplicates', () => {
    for (const [cls, ms] of Object.entries(LEVEL1_METHODS)) expect(new Set(ms).size, cls).toBe(ms.length);
    expect(new Set(LEVEL1_UTILITIES).size).toBe(LEVEL1_UTILITIES.length);
    expect(new Set(LEVEL1_CONSTRUCT).size).toBe(LEVEL1_CONSTRUCT.length);
  });

  it('every level-1 constructible class is an instantiable Node', () => {
    for (const c of LEVEL1_CONSTRUCT) {
      expect(db.get(c)?.instantiable, c).toBe(true);
      expect(chainOf(c), c).toContain('Node');
    }
  });

  it('every level-1 singleton is an engine singleton', () => {
    for (const s of LEVEL1_SINGLETONS) expect(Object.hasOwn(ENGINE_SINGLETONS, s), s).toBe(true);
  });

  it('every denied method and class exists (or is explicitly listed as absent)', () => {
    const all = new Set([...db.values()].flatMap((c) => [...c.methods]));
    for (const m of Object.keys(DENIED_METHODS)) {
      if (!NOT_IN_CLASSDB.includes(m)) expect(all.has(m), m).toBe(true);
    }
    for (const p of Object.keys(DENIED_CLASSES)) {
      if (NOT_IN_WEB_TEMPLATE.includes(p)) continue;
      const n = p.endsWith('*') ? [...db.keys()].filter((k) => k.startsWith(p.slice(0, -1))).length : db.has(p) ? 1 : 0;
      expect(n, p).toBeGreaterThan(0);
    }
  });

  it('no level-1 entry is also denied', () => {
    for (const [cls, ms] of Object.entries(LEVEL1_METHODS)) {
      expect(deniedClassRule(cls), cls).toBeNull();
      for (const m of ms) expect(Object.hasOwn(DENIED_METHODS, m), `${cls}.${m}`).toBe(false);
    }
    for (const u of LEVEL1_UTILITIES) expect(Object.hasOwn(DENIED_UTILITIES, u), u).toBe(false);
  });
});

describe('levels are monotonic (L1 ⊆ L2 ⊆ L3) over all of ClassDB', () => {
  it('every (class, method)', () => {
    let pairs = 0;
    let level1 = 0;
    for (const cls of db.keys()) {
      const chain = chainOf(cls);
      for (const m of methodsOf(cls)) {
        const ds = expectConsistent((l) => methodDecision(chain, m, l), `${cls}.${m}`);
        pairs++;
        if (ds[0]!.allowed) level1++;
        // level 3 is all of ClassDB
        if (!ds[2]!.allowed) throw new Error(`${cls}.${m} not allowed at level 3`);
      }
    }
    expect(pairs).toBeGreaterThan(100_000);
    expect(level1).toBeGreaterThan(200);
  });

  it('every class construction, singleton, property and signal', () => {
    for (const cls of db.keys()) {
      const chain = chainOf(cls);
      const c = expectConsistent((l) => constructDecision(cls, l), `construct ${cls}`);
      if (db.get(cls)!.instantiable) expect(c[2]!.allowed, cls).toBe(true);
      else expect(c[0]!.level, cls).toBeNull();
      for (const info of chain.map((x) => db.get(x)!)) {
        for (const p of info.properties.keys()) {
          expectConsistent((l) => propertyDecision(chain, p, false, l), `get ${cls}.${p}`);
          expectConsistent((l) => propertyDecision(chain, p, true, l), `set ${cls}.${p}`);
        }
        for (const s of info.signals) expectConsistent((l) => signalDecision(chain, s, l), `signal ${cls}.${s}`);
      }
    }
    for (const s of Object.keys(ENGINE_SINGLETONS)) {
      expect(expectConsistent((l) => singletonDecision(s, l), s)[2]!.allowed).toBe(true);
    }
    for (const u of [...LEVEL1_UTILITIES, ...Object.keys(DENIED_UTILITIES), 'seed', 'randomize']) {
      expect(expectConsistent((l) => utilityDecision(u, l), u)[2]!.allowed).toBe(true);
    }
  });

  it('exactly the allowlist is allowed at level 1, and level 2 adds nothing from ClassDB', () => {
    const allowed = new Set<string>();
    for (const cls of db.keys()) {
      for (const m of methodsOf(cls)) {
        const d1 = methodDecision(chainOf(cls), m, 1);
        if (methodDecision(chainOf(cls), m, 2).allowed !== d1.allowed) throw new Error(`${cls}.${m}: level 2 differs`);
        if (d1.allowed) {
          const listed = chainOf(cls).some((c) => LEVEL1_METHODS[c]?.includes(m));
          expect(listed, `${cls}.${m}`).toBe(true);
          allowed.add(`${cls}.${m}`);
        }
      }
    }
    expect(allowed.size).toBeGreaterThan(1000);
    for (const cls of db.keys()) {
      expect(constructDecision(cls, 2).allowed, cls).toBe(LEVEL1_CONSTRUCT.includes(cls));
    }
  });
});

// The escapes the design names, written out here independently of rules.ts so removing a denial
// from rules.ts fails this test.
const ESCAPE_METHODS = [
  'call', 'callv', 'call_deferred', 'set', 'get', 'set_indexed', 'get_indexed', 'set_deferred', 'set_script',
  'get_script', 'set_meta', 'get_meta', 'connect', 'emit_signal', 'notification', 'propagate_call', 'free',
  'get_tree', 'get_window', 'get_viewport', 'add_user_signal', 'get_signal_connection_list', 'create_tween',
];
const ESCAPE_CLASSES = [
  'Expression', 'ResourceLoader', 'ResourceSaver', 'GDScript', 'Script', 'PackedScene', 'OS', 'FileAccess', 'DirAccess',
  'HTTPRequest', 'HTTPClient', 'StreamPeerTCP', 'StreamPeerTLS', 'PacketPeerUDP', 'WebSocketPeer', 'ENetConnection',
  'MultiplayerAPI', 'SceneMultiplayer', 'TCPServer', 'UDPServer', 'WebRTCPeerConnection', 'JavaScriptBridge',
  'JavaScriptObject', 'Engine', 'ClassDB', 'ProjectSettings', 'EditorInterface', 'Thread', 'Mutex', 'Semaphore',
  'Marshalls', 'IP', 'Crypto', 'SceneTree', 'Tween', 'AnimationPlayer', 'ConfigFile', 'WorkerThreadPool',
];
const ESCAPE_SINGLETONS = [
  'OS', 'Engine', 'ClassDB', 'ProjectSettings', 'ResourceLoader', 'ResourceSaver', 'IP', 'JavaScriptBridge',
  'Marshalls', 'WorkerThreadPool', 'DisplayServer', 'EngineDebugger', 'GDExtensionManager', 'JavaClassWrapper',
];
const ESCAPE_UTILITIES = ['instance_from_id', 'str_to_var', 'bytes_to_var_with_objects', 'load'];

describe('escapes are denied below level 3 and allowed at 3', () => {
  it('reflective and tree-escaping methods, on every class that has them', () => {
    const node = chainOf('Sprite2D');
    for (const m of ESCAPE_METHODS) {
      expect(Object.hasOwn(DENIED_METHODS, m), m).toBe(true);
      const d = expectConsistent((l) => methodDecision(node, m, l), m);
      expect(d[0]!.allowed || d[1]!.allowed, m).toBe(false);
      expect(d[0]!.level, m).toBe(3);
      expect(d[0]!.reason, m).toMatch(/rule '(reflection|tree-escape|code-loading)'/);
      expect(d[2]!.allowed, m).toBe(true);
    }
    for (const cls of db.keys()) {
      for (const m of methodsOf(cls)) {
        if (!Object.hasOwn(DENIED_METHODS, m)) continue;
        if (methodDecision(chainOf(cls), m, 2).allowed || !methodDecision(chainOf(cls), m, 3).allowed) throw new Error(`${cls}.${m}`);
      }
    }
  });

  it('dangerous classes: no method, no construction below level 3', () => {
    for (const cls of ESCAPE_CLASSES) {
      if (!db.has(cls)) {
        expect(NOT_IN_WEB_TEMPLATE, cls).toContain(cls);
        expect(methodDecision([cls, 'Object'], 'get_class', 2).allowed).toBe(false);
        expect(constructDecision(cls, 2).allowed).toBe(false);
        continue;
      }
      const chain = chainOf(cls);
      expect(chain.some((c) => deniedClassRule(c)), cls).toBe(true);
      for (const m of methodsOf(cls)) {
        const d = methodDecision(chain, m, 2);
        expect(d.allowed, `${cls}.${m}`).toBe(false);
        expect(d.level, `${cls}.${m}`).toBe(3);
        expect(methodDecision(chain, m, 3).allowed, `${cls}.${m}`).toBe(true);
      }
      // even Object's harmless get_class: the class itself is off limits
      expect(methodDecision(chain, 'get_class', 1).allowed, cls).toBe(false);
      expect(constructDecision(cls, 2).allowed, cls).toBe(false);
      if (db.get(cls)!.instantiable) expect(constructDecision(cls, 3).allowed, cls).toBe(true);
    }
    // every class matched by a pattern, e.g. all StreamPeer* and PacketPeer*
    for (const cls of db.keys()) {
      if (!deniedClassRule(cls)) continue;
      for (const m of methodsOf(cls)) expect(methodDecision(chainOf(cls), m, 2).allowed, `${cls}.${m}`).toBe(false);
    }
  });

  it('dangerous singletons', () => {
    for (const s of ESCAPE_SINGLETONS) {
      expect(Object.hasOwn(ENGINE_SINGLETONS, s), s).toBe(true);
      const d = expectConsistent((l) => singletonDecision(s, l), s);
      expect(d[1]!.allowed, s).toBe(false);
      expect(d[0]!.level, s).toBe(3);
      expect(d[0]!.reason, s).toMatch(/rule '/);
      expect(d[2]!.allowed, s).toBe(true);
    }
    // IP's singleton object is an IPWeb here: still denied through its chain
    expect(singletonDecision('IP', 1).reason).toMatch(/network/);
  });

  it('ProjectSettings writes and pack loading', () => {
    const ps = chainOf('ProjectSettings');
    for (const m of ['set_setting', 'load_resource_pack', 'save', 'save_custom', 'get_setting']) {
      expect(methodDecision(ps, m, 2).allowed, m).toBe(false);
      expect(methodDecision(ps, m, 3).allowed, m).toBe(true);
    }
  });

  it('dangerous utility functions', () => {
    for (const u of ESCAPE_UTILITIES) {
      const d = expectConsistent((l) => utilityDecision(u, l), u);
      expect(d[1]!.allowed, u).toBe(false);
      expect(d[0]!.reason, u).toMatch(/rule '/);
    }
    expect(utilityDecision('seed', 1).allowed).toBe(false);
    expect(utilityDecision('randomize', 1).allowed).toBe(false);
  });

  it("a game's additions cannot lift a denial: the policy refuses them, naming the rule (issue 10)", () => {
    expect(() => createPolicy({ methods: { 'Object.call': 1 } })).toThrow(/Object\.call: .*rule 'reflection'/);
    expect(() => createPolicy({ methods: { 'Node.get_tree': 1 } })).toThrow(/Node\.get_tree: .*rule 'tree-escape'/);
    expect(() => createPolicy({ singletons: { OS: 1 } })).toThrow(/singleton OS: .*rule 'system'/);
    expect(() => createPolicy({ construct: { HTTPRequest: 2 } })).toThrow(/constructing HTTPRequest: .*rule 'network'/);
    // All refusals at once, so a game sees every mistake in one message.
    expect(() => createPolicy({ methods: { 'Object.call': 1 }, singletons: { OS: 1 } })).toThrow(/Object\.call.*; singleton OS/);
  });
});

describe('level 1', () => {
  const sprite = chainOf('Sprite2D');
  it('the subtree: transforms, visibility, queries, children', () => {
    for (const m of ['set_position', 'get_position', 'set_rotation', 'set_scale', 'get_global_transform', 'set_global_position',
      'show', 'hide', 'set_visible', 'set_modulate', 'set_z_index', 'get_name', 'get_child_count', 'get_children',
      'get_child', 'get_parent', 'add_child', 'remove_child', 'queue_free', 'get_node', 'set_flip_h', 'get_class']) {
      const d = methodDecision(sprite, m, 1);
      expect(d, m).toMatchObject({ allowed: true, level: 1 });
    }
    expect(methodDecision(chainOf('Label'), 'set_text', 1).allowed).toBe(true);
    expect(methodDecision(chainOf('Node3D'), 'set_position', 1).allowed).toBe(true);
    expect(methodDecision(chainOf('Timer'), 'start', 1).allowed).toBe(true);
  });

  it('read-only Input and Time, nothing that sets or warps', () => {
    const input = chainOf('Input');
    for (const m of ['is_action_pressed', 'get_vector', 'is_key_pressed', 'get_axis']) expect(methodDecision(input, m, 1).allowed, m).toBe(true);
    for (const m of ['warp_mouse', 'action_press', 'parse_input_event', 'set_mouse_mode', 'set_custom_mouse_cursor', 'start_joy_vibration']) {
      expect(methodDecision(input, m, 2), m).toMatchObject({ allowed: false, level: 3 });
    }
    expect(methodDecision(chainOf('Time'), 'get_ticks_msec', 1).allowed).toBe(true);
    expect(singletonDecision('Time', 1)).toMatchObject({ allowed: true, level: 1 });
    expect(singletonDecision('Input', 1)).toMatchObject({ allowed: true, level: 1 });
    expect(singletonDecision('InputMap', 2)).toMatchObject({ allowed: false, level: 3 });
  });

  it('harmless construction, printing, random, math', () => {
    for (const c of ['Node2D', 'Sprite2D', 'Label', 'Node3D', 'Timer']) expect(constructDecision(c, 1).allowed, c).toBe(true);
    for (const c of ['Window', 'SubViewport', 'AudioStreamPlayer', 'Image', 'Object', 'RefCounted']) {
      expect(constructDecision(c, 2), c).toMatchObject({ allowed: false, level: 3 });
    }
    for (const u of ['print', 'push_error', 'push_warning', 'randf', 'randi', 'randf_range', 'lerp', 'clamp']) {
      expect(utilityDecision(u, 1), u).toMatchObject({ allowed: true, level: 1 });
    }
  });

  it('not-listed methods name the rule and the level', () => {
    const d = methodDecision(sprite, 'set_texture', 1);
    expect(d).toMatchObject({ allowed: false, level: 3 });
    expect(d.reason).toMatch(/needs level 3/);
    expect(d.reason).toMatch(/level-1 allowlist/);
    expect(d.reason).toMatch(/level 2 adds only the wasgo module/);
  });
});

describe('inheritance', () => {
  it('a method allowed on Node2D is allowed on Sprite2D, not the other way round', () => {
    expect(methodDecision(chainOf('Sprite2D'), 'set_position', 1).allowed).toBe(true);
    expect(methodDecision(chainOf('Node2D'), 'set_position', 1).allowed).toBe(true);
    expect(methodDecision(chainOf('Sprite2D'), 'set_flip_h', 1).allowed).toBe(true);
    expect(methodDecision(chainOf('Node2D'), 'set_flip_h', 1).allowed).toBe(false);
    expect(methodDecision(chainOf('CanvasItem'), 'set_position', 1).allowed).toBe(false);
    // Control's set_position is its own entry; Node2D's does not leak to Control
    expect(methodDecision(chainOf('Button'), 'set_position', 1).allowed).toBe(true);
    expect(methodDecision(chainOf('Node'), 'set_position', 1).allowed).toBe(false);
  });

  it('a denial on a base class reaches every subclass', () => {
    expect(methodDecision(chainOf('StreamPeerTCP'), 'get_class', 1).allowed).toBe(false);
    expect(methodDecision(chainOf('AnimationPlayer'), 'get_name', 1).reason).toMatch(/AnimationMixer/);
  });

  it('the class chain must be what ClassDB says', () => {
    const lie = ['HTTPRequest', 'Node2D', 'CanvasItem', 'Node', 'Object'];
    expect(methodDecision(lie, 'set_position', 2)).toMatchObject({ allowed: false, level: 3 });
    expect(methodDecision(['Sprite2D'], 'set_position', 1).allowed).toBe(false);
    expect(methodDecision(['Sprite2D', 'Node2D'], 'set_position', 1).allowed).toBe(false);
    expect(methodDecision(['Sprite2D', 'Node2D', 'CanvasItem', 'Node', 'Object', 'Extra'], 'set_position', 1).allowed).toBe(false);
    expect(methodDecision([], 'get_class', 3)).toMatchObject({ allowed: false, level: null });
  });
});

describe('unknown and malformed names, case sensitivity', () => {
  it('a class unknown to ClassDB is not allowed below 3', () => {
    for (const chain of [['MyScriptClass', 'Node2D', 'CanvasItem', 'Node', 'Object'], ['EditorInterface', 'Object']]) {
      const d = methodDecision(chain, 'set_position', 2);
      expect(d).toMatchObject({ allowed: false, level: 3 });
      expect(d.reason).toMatch(/not in Godot 4\.6/);
      expect(methodDecision(chain, 'set_position', 3).allowed).toBe(true);
    }
    expect(constructDecision('NotAClass', 2)).toMatchObject({ allowed: false, level: 3 });
    expect(singletonDecision('NotASingleton', 2)).toMatchObject({ allowed: false, level: 3 });
  });

  it('names are case-sensitive', () => {
    expect(methodDecision(chainOf('Node2D'), 'Set_Position', 1).allowed).toBe(false);
    expect(methodDecision(chainOf('Node2D'), 'SET_POSITION', 1).allowed).toBe(false);
    expect(methodDecision(['node2d', 'canvasitem', 'node', 'object'], 'set_position', 1).allowed).toBe(false);
    expect(constructDecision('node2d', 1).allowed).toBe(false);
    expect(singletonDecision('time', 1).allowed).toBe(false);
    expect(singletonDecision('os', 1).allowed).toBe(false);
    expect(utilityDecision('Print', 1).allowed).toBe(false);
    // a case variant of a denied method is still not allowed below 3 (it is simply not listed)
    expect(methodDecision(chainOf('Node2D'), 'Call', 2).allowed).toBe(false);
  });

  it('malformed names are never allowed', () => {
    for (const m of ['', 'set_position\0', 'set position', 'a.b', '1x', '__proto__x\0', 'constructor ']) {
      expect(methodDecision(chainOf('Node2D'), m, 3), JSON.stringify(m)).toMatchObject({ allowed: false, level: null });
    }
    for (const c of ['', 'Node\0', 'Node 2D']) {
      expect(constructDecision(c, 3), JSON.stringify(c)).toMatchObject({ allowed: false, level: null });
      expect(singletonDecision(c, 3).allowed).toBe(false);
      expect(utilityDecision(c, 3).allowed).toBe(false);
    }
  });

  it('Object.prototype names are plain unknown names', () => {
    for (const n of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(methodDecision(chainOf('Node2D'), n, 2).allowed, n).toBe(false);
      expect(singletonDecision(n, 2).allowed, n).toBe(false);
      expect(utilityDecision(n, 2).allowed, n).toBe(false);
      expect(constructDecision(n, 2).allowed, n).toBe(false);
    }
  });

  it('a bad level is a programming error', () => {
    expect(() => methodDecision(chainOf('Node2D'), 'set_position', 0 as Level)).toThrow(/1, 2 or 3/);
    expect(() => nodePathAllowed('a', 4 as Level)).toThrow(/1, 2 or 3/);
  });
});

describe('nodePathAllowed', () => {
  const cases: [string, boolean, boolean][] = [
    // path, allowed at 1/2, allowed at 3
    ['', false, false],
    ['.', true, true],
    ['a', true, true],
    ['a/b', true, true],
    ['./a/./b', true, true],
    ['@Node2D@2', true, true],
    ['../x', false, true],
    ['..', false, true],
    ['a/..', false, true],
    ['a/../../b', false, true],
    ['/root', false, true],
    ['/root/Main', false, true],
    ['/', false, true],
    ['%Unique', false, true],
    ['a/%Unique', false, true],
    ['a:prop', false, true],
    ['a:position:x', false, true],
    [':x', false, true],
    ['a//b', false, true],
    ['a/', false, true],
    ['a\0', false, false],
    ['\0/root', false, false],
    ['x'.repeat(5000), false, true],
  ];
  it.each(cases)('%j → %s below 3, %s at 3', (path, low, high) => {
    expect(nodePathAllowed(path, 1)).toBe(low);
    expect(nodePathAllowed(path, 2)).toBe(low);
    expect(nodePathAllowed(path, 3)).toBe(high);
    expectConsistent((l) => nodePathDecision(path, l), JSON.stringify(path));
  });
  it('explains itself', () => {
    expect(nodePathDecision('../x', 1).reason).toMatch(/'\.\.' goes up/);
    expect(nodePathDecision('/root', 1).reason).toMatch(/absolute/);
    expect(nodePathDecision('%U', 1).reason).toMatch(/unique-name/);
  });
});

describe('properties and signals', () => {
  it('properties go through their getter/setter', () => {
    const s = chainOf('Sprite2D');
    expect(propertyDecision(s, 'position', true, 1)).toMatchObject({ allowed: true, level: 1 });
    expect(propertyDecision(s, 'visible', false, 1)).toMatchObject({ allowed: true, level: 1 });
    expect(propertyDecision(s, 'texture', true, 2)).toMatchObject({ allowed: false, level: 3 });
    expect(propertyDecision(s, 'script', true, 2)).toMatchObject({ allowed: false, level: 3 });
    expect(propertyDecision(s, 'no_such_property', false, 2)).toMatchObject({ allowed: false, level: 3 });
    expect(propertyDecision(s, 'position', true, 1).reason).toMatch(/set_position/);
  });
  it("connecting the mod's callback to a signal", () => {
    expect(signalDecision(chainOf('Timer'), 'timeout', 1)).toMatchObject({ allowed: true, level: 1 });
    expect(signalDecision(chainOf('Timer'), 'ready', 1)).toMatchObject({ allowed: true, level: 1 });
    expect(signalDecision(chainOf('Timer'), 'nope', 2)).toMatchObject({ allowed: false, level: 3 });
    expect(signalDecision(chainOf('HTTPRequest'), 'request_completed', 2)).toMatchObject({ allowed: false, level: 3 });
  });
});

describe('createPolicy: a game adds its own decisions', () => {
  it('allows at the given level, on the class and its subclasses', () => {
    const p = createPolicy({
      methods: { 'Sprite2D.set_texture': 1, 'CanvasItem.set_material': 2 },
      construct: { AudioStreamPlayer: 2 },
      singletons: { Geometry2D: 1 },
      utilities: { seed: 2 },
    });
    expect(p.methodDecision(chainOf('Sprite2D'), 'set_texture', 1)).toMatchObject({ allowed: true, level: 1 });
    expect(p.methodDecision(chainOf('Sprite2D'), 'set_material', 1)).toMatchObject({ allowed: false, level: 2 });
    expect(p.methodDecision(chainOf('Sprite2D'), 'set_material', 2).reason).toMatch(/game's policy additions/);
    expect(p.methodDecision(chainOf('Label'), 'set_material', 2).allowed).toBe(true);
    expect(p.constructDecision('AudioStreamPlayer', 2).allowed).toBe(true);
    expect(p.singletonDecision('Geometry2D', 1).allowed).toBe(true);
    expect(p.utilityDecision('seed', 2).allowed).toBe(true);
    expect(p.propertyDecision(chainOf('Sprite2D'), 'texture', true, 1).allowed).toBe(true);
    // the default policy is unchanged
    expect(methodDecision(chainOf('Sprite2D'), 'set_texture', 2).allowed).toBe(false);
  });
  it('rejects typos and level 3', () => {
    expect(() => createPolicy({ methods: { 'Sprite2D.set_textur': 1 } })).toThrow(/no method set_textur/);
    expect(() => createPolicy({ methods: { 'Sprit2D.set_texture': 1 } })).toThrow(/ClassDB class/);
    expect(() => createPolicy({ construct: { Object2D: 1 } })).toThrow(/instantiable/);
    expect(() => createPolicy({ singletons: { Tim: 1 } })).toThrow(/singleton/);
    expect(() => createPolicy({ methods: { 'Sprite2D.set_texture': 3 as 1 } })).toThrow(/1 or 2/);
  });
});
