// Issue 9: bounded single calls, bind-time policy, object and connection caps, ownership flags,
// re-entry — the TypeScript half, against a fake bridge that records what reached "Godot".
import { describe, expect, it, vi } from 'vitest';
import { GodotError, ObjectLimit, PolicyDenied, ReentrancyLimit, StackOverflow, ValueTooLarge, WasGoError } from '../../ts/engine/errors';
import type { SafetyLevel } from '../../ts/engine/settings';
import type { HostCallContext, HostFunctionSpec, OutBuffer } from '../../ts/table/host-function';
import { ClassCache, godotFunctions, type GodotApiHost, type ModState } from '../../ts/godot/api';
import type { CallOutcome, CallShape, GodotBridge, MethodInfo } from '../../ts/godot/bridge';
import { HandleSpace } from '../../ts/godot/handles';
import { DEFAULT_GODOT_LIMITS, resolveGodotLimits } from '../../ts/godot/limits';
import { ancestry, createPolicy } from '../../ts/godot/policy';
import { ARG_GUARDS, GROWTH_GUARDS, OWNERSHIP } from '../../ts/godot/policy/costly';
import { classDb } from '../../ts/godot/policy';
import { Reentry, SignalHub } from '../../ts/godot/signals';
import { arrayOf, stringValue } from '../../ts/godot/variant';
import { cat, u32 } from '../helpers/bytes';

const points = (n: number) => cat(u32(35, n), new Uint8Array(n * 8));
const int = (v: number) => u32(2, v >>> 0);

/** Declared argument types of the methods these tests call (what ClassDB says). */
const METHODS: Record<string, [string, number[]]> = {
  set_text: ['Label', [4]], get_text: ['Label', []], set_points: ['Line2D', [35]], add_point: ['Line2D', [5, 2]],
  set_polygon: ['Polygon2D', [35]], draw_polyline: ['CanvasItem', [35, 20, 3, 1]], set_z_index: ['CanvasItem', [2]],
  queue_free: ['Node', []], set_name: ['Node', [4]], add_child: ['Node', [24, 1, 2]], remove_child: ['Node', [24]],
  move_child: ['Node', [24, 2]], get_children: ['Node', [1]], get_position: ['Node2D', []], find_children: ['Node', [4, 4, 1, 1]],
};

function fakeBridge() {
  const calls: { method: string; shape: CallShape; args: Uint8Array }[] = [];
  const asked: string[] = [];
  let next: CallOutcome = { ok: true, value: u32(0) };
  let constructResult: ReturnType<GodotBridge['construct']> = { id: '5000', className: 'Node2D' };
  const bridge: GodotBridge = {
    classChain: (c) => (asked.push(`chain ${c}`), [...(ancestry(c) ?? [])]),
    methodInfo: (c, m): MethodInfo | null => {
      asked.push(`method ${c}.${m}`);
      const known = METHODS[m];
      if (!known || !ancestry(c)?.includes(known[0])) return null;
      return { owner: known[0], name: m, args: known[1], argClasses: known[1].map(() => ''), defaults: 0, vararg: false, isStatic: false };
    },
    propertyAccessor: (c, p, set) => (asked.push(`accessor ${c}.${p}`), p === 'text' ? (set ? 'set_text' : 'get_text') : ''),
    canInstantiate: () => true,
    getSingleton: () => null,
    construct: () => constructResult,
    objectClass: () => 'Node2D',
    scriptClasses: () => [],
    objectStatus: () => 'ok',
    call: (_i, shape, r) => (calls.push({ method: shape.method, shape, args: r.args }), next),
    utility: () => next,
    callGame: () => ({ ok: false, status: 'godot', message: 'no game functions here' }),
    connect: () => 'ok',
    disconnect: () => undefined,
    release: () => undefined,
    dispose: () => undefined,
    notify: () => undefined,
    notifyGame: () => undefined,
    print: () => undefined,
    printError: () => undefined,
    readFile: () => undefined,
    writeFile: () => undefined,
  };
  return {
    bridge, calls, asked,
    respond: (o: CallOutcome) => (next = o),
    constructs: (r: ReturnType<GodotBridge['construct']>) => (constructResult = r),
  };
}

function setup(level: SafetyLevel = 1, nodeClass = 'Label', limits = DEFAULT_GODOT_LIMITS) {
  const fake = fakeBridge();
  const handles = new HandleSpace();
  const mod: ModState = { instance: 1, name: 'm', level, handles: handles.open(1, '100', ancestry(nodeClass)!), modNode: '100' };
  const printed: string[] = [];
  const host: GodotApiHost = {
    bridge: fake.bridge, policy: createPolicy(), signals: new SignalHub(fake.bridge, () => undefined), limits,
    mod: (i) => (i === 1 ? mod : undefined),
    printed: (_c, t) => void printed.push(t), printedError: (_c, t) => void printed.push(t),
  };
  const stats = { calls: 0, denied: 0 };
  const specs = godotFunctions(host, stats);
  const charged: number[] = [];
  const ctx: HostCallContext = { instanceId: 1, mod: 'm', level, charge: (n) => void charged.push(n) };
  const fn = (n: string) => specs.find((s: HostFunctionSpec) => s.name === n)!.implementation as (...a: unknown[]) => unknown;
  const out: OutBuffer = { capacity: 1 << 20, write: (d) => d.length };
  const call = (handle: number, method: string, args: Uint8Array) => fn('object_call')(ctx, handle, method, args, out);
  return { ...fake, mod, fn, ctx, out, call, charged, printed, stats };
}

describe('bind-time policy (issue 9, item 3)', () => {
  it('refuses a denied or unknown (class, method) at once, without asking Godot', () => {
    const s = setup(1);
    const bind = s.fn('classdb_get_method_bind');
    expect(() => bind(s.ctx, 'RenderingServer', 'invented_name')).toThrow(PolicyDenied);
    expect(() => bind(s.ctx, 'Node', 'call')).toThrow(PolicyDenied);
    expect(() => bind(s.ctx, 'NoSuchClass', 'get_name')).toThrow(PolicyDenied);
    expect(() => bind(s.ctx, 'Node2D', 'invented')).toThrow(PolicyDenied);
    expect(s.asked).toEqual([]);
    expect(bind(s.ctx, 'Node2D', 'get_position')).toBeGreaterThan(0);
  });

  it('at level 3 asks Godot, caches only what exists, and keeps the caches bounded', () => {
    const s = setup(3);
    const bind = s.fn('classdb_get_method_bind');
    expect(bind(s.ctx, 'Node2D', 'invented')).toBe(0);
    expect(bind(s.ctx, 'Node2D', 'invented')).toBe(0);
    expect(s.asked.filter((a) => a === 'method Node2D.invented')).toHaveLength(2); // misses are not cached
    const cache = new ClassCache(fakeBridge().bridge, 16);
    for (let i = 0; i < 1000; i++) cache.chain(`Invented${i}`);
    expect(cache.size).toBe(0);
    for (const c of [...classDb().keys()].slice(0, 100)) cache.chain(c);
    expect(cache.size).toBe(16);
  });
});

describe('call sites (issue 9, item 3: bounded host memory)', () => {
  it('invented methods leave no site behind; a real method keeps its shape (one plan in Godot)', () => {
    const s = setup(3, 'Node2D');
    s.call(1, 'get_position', arrayOf());
    const shape = s.calls[0]!.shape;
    for (let i = 0; i < 20_000; i++) expect(() => s.call(1, `invented_${i}`, arrayOf())).toThrow(GodotError);
    s.call(1, 'get_position', arrayOf());
    expect(s.calls[1]!.shape).toBe(shape);
  });
});

describe('bounded single calls (issue 9, item 2)', () => {
  it('leaves level 3 (Unsafe) without size caps', () => {
    const s = setup(3, 'Node2D');
    s.call(1, 'set_name', arrayOf(stringValue('x'.repeat(70_000))));
    expect(s.calls).toHaveLength(1);
    s.fn('print')(s.ctx, 'x'.repeat(70_000));
    expect(s.printed).toHaveLength(1);
  });

  it('refuses arguments over maxValueBytes before Godot sees them', () => {
    const s = setup(1, 'Node2D');
    expect(() => s.call(1, 'set_name', arrayOf(stringValue('x'.repeat(70_000))))).toThrow(ValueTooLarge);
    expect(s.calls).toEqual([]);
    expect((() => { try { s.call(1, 'set_name', arrayOf(stringValue('x'.repeat(70_000)))); } catch (e) { return (e as WasGoError).errno; } })()).toBe(73);
  });

  it('caps Label text (the 18-minute relayout) at maxTextChars below level 3, not at level 3', () => {
    const s = setup(1, 'Label');
    expect(() => s.call(1, 'set_text', arrayOf(stringValue('é'.repeat(DEFAULT_GODOT_LIMITS.maxTextChars + 1))))).toThrow(ValueTooLarge);
    expect(() => s.call(1, 'set_text', arrayOf(stringValue('x'.repeat(200 * 1024))))).toThrow(ValueTooLarge);
    expect(s.calls).toEqual([]);
    s.call(1, 'set_text', arrayOf(stringValue('é'.repeat(DEFAULT_GODOT_LIMITS.maxTextChars))));
    expect(s.calls).toHaveLength(1);
    // object_set('text') goes through set_text too
    expect(() => s.fn('object_set')(s.ctx, 1, 'text', stringValue('y'.repeat(5000)))).toThrow(ValueTooLarge);
    const l3 = setup(3, 'Label');
    l3.call(1, 'set_text', arrayOf(stringValue('x'.repeat(5000))));
    expect(l3.calls).toHaveLength(1);
  });

  it('caps Line2D points, polygons and draw_polyline input', () => {
    const line = setup(1, 'Line2D');
    expect(() => line.call(1, 'set_points', arrayOf(points(DEFAULT_GODOT_LIMITS.maxLinePoints + 1)))).toThrow(ValueTooLarge);
    line.call(1, 'set_points', arrayOf(points(10)));
    expect(() => line.call(1, 'draw_polyline', arrayOf(points(DEFAULT_GODOT_LIMITS.maxLinePoints + 1), u32(20, 0, 0, 0, 0), u32(3, 0), u32(1, 0)))).toThrow(ValueTooLarge);
    const poly = setup(1, 'Polygon2D');
    expect(() => poly.call(1, 'set_polygon', arrayOf(points(DEFAULT_GODOT_LIMITS.maxPolygonPoints + 1)))).toThrow(ValueTooLarge);
    poly.call(1, 'set_polygon', arrayOf(points(DEFAULT_GODOT_LIMITS.maxPolygonPoints)));
    expect(poly.calls).toHaveLength(1);
    // add_point: Godot checks the count first (growth guard in the shape)
    line.call(1, 'add_point', arrayOf(u32(5, 0, 0)));
    expect(line.calls.at(-1)!.shape.growth).toBe(`get_point_count:${DEFAULT_GODOT_LIMITS.maxLinePoints}`);
  });

  it('caps name patterns (find_children) and node names, String or StringName', () => {
    const s = setup(1, 'Node2D');
    const name21 = (n: number) => { const v = stringValue('n'.repeat(n)); v[0] = 21; return v; };
    expect(() => s.call(1, 'set_name', arrayOf(name21(300)))).toThrow(ValueTooLarge);
    s.call(1, 'set_name', arrayOf(name21(10)));
    expect(s.calls).toHaveLength(1);
    expect(() => s.call(1, 'set_name', arrayOf(u32(2, 5)))).toThrow(GodotError);
    expect(() => s.call(1, 'find_children', arrayOf(stringValue('*'.repeat(300))))).toThrow(ValueTooLarge);
    expect(() => s.call(1, 'set_name', arrayOf(stringValue('n'.repeat(300))))).toThrow(ValueTooLarge);
  });

  it('denies z_index beyond the game\'s range below level 3', () => {
    const s = setup(1, 'Node2D');
    expect(() => s.call(1, 'set_z_index', arrayOf(int(4096)))).toThrow(PolicyDenied);
    expect(() => s.call(1, 'set_z_index', arrayOf(int(-4096)))).toThrow(PolicyDenied);
    s.call(1, 'set_z_index', arrayOf(int(DEFAULT_GODOT_LIMITS.maxZIndex)));
    expect(s.calls).toHaveLength(1);
    const l3 = setup(3, 'Node2D');
    l3.call(1, 'set_z_index', arrayOf(int(4096)));
    expect(l3.calls).toHaveLength(1);
  });

  it('refuses a result Godot found too large, and charges the bytes of a result', () => {
    const s = setup(1, 'Label');
    s.respond({ ok: false, status: 'too_large', message: 'String of 1048576 characters' });
    expect(() => s.call(1, 'get_text', arrayOf())).toThrow(ValueTooLarge);
    s.respond({ ok: true, value: new Uint8Array(1234) });
    expect(s.call(1, 'get_text', arrayOf())).toBe(1234);
    expect(s.charged).toEqual([1234]);
  });

  it('refuses printing more than maxValueBytes', () => {
    const s = setup(1);
    expect(() => s.fn('print')(s.ctx, 'x'.repeat(70_000))).toThrow(ValueTooLarge);
    expect(() => s.fn('print')(s.ctx, '€'.repeat(30_000))).toThrow(ValueTooLarge);
    s.fn('print')(s.ctx, 'fine');
    expect(s.printed).toEqual(['fine']);
  });

  it('reads the limits from the settings and names a bad one', () => {
    expect(resolveGodotLimits({ maxValueKb: 16, maxTextChars: 100 }).maxValueBytes).toBe(16 * 1024);
    expect(() => resolveGodotLimits({ maxObjects: -1 })).toThrow(/maxObjects/);
    expect(() => resolveGodotLimits({ maxValueKb: 'x' })).toThrow(/maxValueKb/);
  });
});

describe('objects, connections and ownership (issue 9, items 3 and 5)', () => {
  it('ObjectLimit when the bridge says the mod has maxObjects live objects', () => {
    const s = setup(1);
    s.constructs('limit');
    expect(() => s.fn('classdb_construct_object')(s.ctx, 'Node2D')).toThrow(ObjectLimit);
  });

  it('asks Godot for ownership on free, rename, reparent, move and remove below level 3', () => {
    const s = setup(1, 'Node2D');
    s.call(1, 'queue_free', arrayOf());
    s.call(1, 'set_name', arrayOf(stringValue('x')));
    s.call(1, 'add_child', arrayOf(int(2)));
    s.call(1, 'remove_child', arrayOf(int(2)));
    s.call(1, 'move_child', arrayOf(int(2), int(0)));
    s.call(1, 'get_position', arrayOf());
    expect(s.calls.map((c) => `${c.method}:${c.shape.owned}`)).toEqual([
      'queue_free:target', 'set_name:target', 'add_child:objects', 'remove_child:objects', 'move_child:objects', 'get_position:',
    ]);
    expect(s.calls.find((c) => c.method === 'add_child')!.shape.zcheck).toBe(`add:${DEFAULT_GODOT_LIMITS.maxZIndex}`);
    s.call(1, 'set_z_index', arrayOf(int(5)));
    expect(s.calls.at(-1)!.shape.zcheck).toBe(`set:${DEFAULT_GODOT_LIMITS.maxZIndex}`);
    s.respond({ ok: false, status: 'z_range', message: 'set_z_index would place a node at z 200' });
    expect(() => s.call(1, 'set_z_index', arrayOf(int(100)))).toThrow(PolicyDenied);
    s.respond({ ok: false, status: 'not_owned', message: 'the mod\'s own node' });
    expect(() => s.call(1, 'queue_free', arrayOf())).toThrow(PolicyDenied);
    const l3 = setup(3, 'Node2D');
    l3.call(1, 'queue_free', arrayOf());
    expect(l3.calls[0]!.shape.owned).toBe('');
  });

  it('set_as_top_level and set_z_as_relative need level 3', () => {
    const s = setup(1, 'Node2D');
    expect(() => s.call(1, 'set_as_top_level', arrayOf(u32(1, 1)))).toThrow(PolicyDenied);
    expect(() => s.call(1, 'set_z_as_relative', arrayOf(u32(1, 0)))).toThrow(PolicyDenied);
  });

  it('every guarded name exists in the ClassDB data', () => {
    for (const k of [...Object.keys(ARG_GUARDS), ...Object.keys(GROWTH_GUARDS), ...Object.keys(OWNERSHIP)]) {
      const [cls, method] = k.split('.');
      expect(classDb().get(cls!)?.methods.has(method!), k).toBe(true);
    }
  });
});

describe('re-entry (issue 9, item 4)', () => {
  it('Reentry refuses past its depth with ReentrancyLimit (errno 38), running nothing', () => {
    const r = new Reentry(3);
    const ran: number[] = [];
    const nest = (n: number): void => r.enter('x', () => { ran.push(n); nest(n + 1); });
    let err: unknown;
    try { nest(0); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ReentrancyLimit);
    expect((err as WasGoError).errno).toBe(38);
    expect(ran).toEqual([0, 1, 2]);
    expect(r.depth).toBe(0);
  });

  it('deliver never throws into Godot: depth past the limit, a JS stack overflow, any exception fail the instance', () => {
    const fail = vi.fn();
    let body: () => unknown = () => 0;
    const inst = {
      state: 'ready', info: { exports: [{ name: 'on_sig', kind: 'function', type: { params: [], results: [] } }] },
      call: () => body(), fail, memory: undefined,
    };
    const fake = fakeBridge();
    const hub = new SignalHub(fake.bridge, () => inst as never, new Reentry(2));
    const handles = new HandleSpace().open(1, '100', ['Node', 'Object']);
    const id = hub.connect(1, handles, handles.resolve(1), 'renamed', 'on_sig', 0, 0, { subtreeOf: '' });
    body = () => hub.deliver(id, arrayOf()); // a handler that makes the signal fire again
    expect(() => hub.deliver(id, arrayOf())).not.toThrow();
    expect(fail.mock.calls[0]![0]).toBeInstanceOf(ReentrancyLimit);
    fail.mockClear();
    body = () => { throw new RangeError('Maximum call stack size exceeded'); };
    expect(() => hub.deliver(id, arrayOf())).not.toThrow();
    expect(fail.mock.calls[0]![0]).toBeInstanceOf(StackOverflow);
    fail.mockClear();
    body = () => { throw new TypeError('boom'); };
    expect(() => hub.deliver(id, arrayOf())).not.toThrow();
    expect(fail.mock.calls[0]![0]).toBeInstanceOf(WasGoError);
    fail.mockImplementation(() => { throw new RangeError('Maximum call stack size exceeded'); });
    expect(() => hub.deliver(id, arrayOf())).not.toThrow();
  });

  it('connections past maxConnections are an ObjectLimit', () => {
    const inst = { state: 'ready', info: { exports: [{ name: 'f', kind: 'function', type: { params: [], results: [] } }] } };
    const hub = new SignalHub(fakeBridge().bridge, () => inst as never, new Reentry(), 3);
    const handles = new HandleSpace().open(1, '100', ['Node', 'Object']);
    for (let i = 0; i < 3; i++) hub.connect(1, handles, handles.resolve(1), 'renamed', 'f', 0, 0, { subtreeOf: '' });
    expect(() => hub.connect(1, handles, handles.resolve(1), 'renamed', 'f', 0, 0, { subtreeOf: '' })).toThrow(ObjectLimit);
    expect(() => { throw new GodotError('x'); }).toThrow(GodotError);
  });
});
