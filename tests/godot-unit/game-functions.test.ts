// The game's own functions (ts/godot/game-functions.ts) through GodotHost with a fake bridge:
// what reaches Godot for each kind, what comes back, and every way a call is refused.
import { beforeEach, describe, expect, it } from 'vitest';
import type { GameCallOutcome, GameEvent } from '../../ts/godot/bridge';
import { makePackage } from '../ant/runtime-helpers';
import { GodotHost } from '../../ts/godot/host';
import { createPolicy } from '../../ts/godot/policy';
import { gameAbi } from '../../ts/godot/game-functions';
import { arrayOf, floatValue, intValue, stringValue } from '../../ts/godot/variant';
import { failure, inertBridge } from '../helpers/godot-bridge';
import { wat } from '../helpers/wat';
import { u32, cat } from '../helpers/bytes';

const CHAINS: Record<string, string[]> = {
  Node2D: ['Node2D', 'CanvasItem', 'Node', 'Object'],
  Resource: ['Resource', 'RefCounted', 'Object'],
};

interface GameCall { fn: number; instance: number; args: Uint8Array; subtreeOf: string }

function fakeBridge() {
  const calls: GameCall[] = [];
  const games: GameEvent[] = [];
  let next: GameCallOutcome = { ok: true, value: '0' };
  const bridge = inertBridge({
    classChain: (c) => CHAINS[c] ?? [],
    callGame: (fn, instance, args, subtreeOf) => (calls.push({ fn, instance, args, subtreeOf }), next),
    notifyGame: (_game, e) => void games.push(e),
  });
  return { bridge, calls, games, respond: (o: GameCallOutcome) => (next = o) };
}

/** var_to_bytes of a 64-bit int (as Godot writes ObjectIDs above 2^31). */
function int64(v: bigint): Uint8Array {
  const b = new Uint8Array(12);
  const d = new DataView(b.buffer);
  d.setUint32(0, 2 | (1 << 16), true);
  d.setBigInt64(4, v, true);
  return b;
}

const SPAWN_MOD = `(module
  (import "game" "spawn" (func $spawn (param i32 i32 f32 f32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "orc")
  (func (export "run") (result i32) (call $spawn (i32.const 16) (i32.const 3) (f32.const 1.5) (f32.const 2.5))))`;

let fake: ReturnType<typeof fakeBridge>;
let host: GodotHost;

beforeEach(() => {
  fake = fakeBridge();
  host = new GodotHost(fake.bridge, createPolicy());
  host.attach({ level: 1 });
});

async function load(text: string, level?: 1 | 2 | 3, node = '4294967396'): Promise<number> {
  return host.loadMod(await wat(text), node, 'Node2D', { name: 'm', level });
}

describe('game functions registered from Godot', () => {
  it('game.spawn(string, f32, f32) -> i32: the arguments reach Godot as Godot values, the result comes back', async () => {
    host.gameApi.register(7, { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 1 });
    const id = await load(SPAWN_MOD);
    fake.respond({ ok: true, value: '42' });
    expect(host.callExport(id, 'run', [])).toBe(42);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ fn: 7, instance: id, subtreeOf: '' });
    expect([...fake.calls[0]!.args]).toEqual([...arrayOf(stringValue('orc'), floatValue(1.5), floatValue(2.5))]);
  });

  it('is priced like a host call: the call costs fuel beyond the guest code', async () => {
    host.gameApi.register(1, { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 1 });
    const id = await load(SPAWN_MOD);
    host.callExport(id, 'run', []);
    expect(host.instance(id).lastCallFuel).toBeGreaterThanOrEqual(500);
  });

  it('a function registered at level 2 is refused for a level-1 mod, naming the level; a level-2 mod calls it', async () => {
    host.gameApi.register(1, { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 2 });
    const low = await load(SPAWN_MOD, 1);
    const f = failure(() => host.callExport(low, 'run', []));
    expect(f.code).toBe('ImportRefused');
    expect(f.message).toMatch(/level 2/);
    expect(fake.calls).toHaveLength(0);
    const high = await load(SPAWN_MOD, 2);
    expect(host.callExport(high, 'run', [])).toBe(0);
    const top = await load(SPAWN_MOD, 3);
    expect(host.callExport(top, 'run', [])).toBe(0);
  });

  it('a name is registered once: again is a RegistrationError, not an overwrite; unregister frees it', () => {
    const d = { module: 'game', name: 'spawn', params: ['i32'] as const, result: '' as const, level: 1 as const };
    host.gameApi.register(1, { ...d, params: [...d.params] });
    expect(failure(() => host.gameApi.register(2, { ...d, params: [...d.params], level: 2 })).code).toBe('RegistrationError');
    expect(host.engine.table.find('game', 'spawn')?.level).toBe(1);
    expect(host.gameApi.unregister('game', 'spawn')).toBe(true);
    expect(host.gameApi.unregister('game', 'spawn')).toBe(false);
    host.gameApi.register(2, { ...d, params: [...d.params], level: 2 });
    expect(host.engine.table.find('game', 'spawn')?.level).toBe(2);
  });

  it('refuses bad declarations: unknown kinds, node results, WasGo\'s own modules, names, levels', () => {
    const ok = { module: 'game', name: 'f', params: [] as never[], result: '' as const, level: 1 as const };
    const bad = [
      { ...ok, params: ['out'] }, { ...ok, params: ['asstring'] }, { ...ok, result: 'node' }, { ...ok, result: 'void' },
      { ...ok, module: 'godot' }, { ...ok, module: 'wasgo' }, { ...ok, module: 'env' }, { ...ok, name: 'a.b' }, { ...ok, name: '' },
      { ...ok, level: 0 }, { ...ok, level: 4 }, { ...ok, name: '__wasgo_x' },
    ];
    for (const b of bad) expect(failure(() => host.gameApi.register(1, b as never)).code, JSON.stringify(b)).toBe('RegistrationError');
    // Godot's own module names cannot be taken over either: godot.print stays WasGo's.
    expect(host.engine.table.find('godot', 'print')?.module).toBe('godot');
  });

  it('unregistered: a linked mod calling it fails with HostError naming it; a new mod cannot link it', async () => {
    host.gameApi.register(1, { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 1 });
    const id = await load(SPAWN_MOD);
    host.gameApi.unregister('game', 'spawn');
    const f = failure(() => host.callExport(id, 'run', []));
    expect(f.code).toBe('HostError');
    expect(f.message).toMatch(/game\.spawn.*unregistered/);
    const later = await load(SPAWN_MOD);
    expect(failure(() => host.callExport(later, 'run', [])).code).toBe('ImportRefused');
    expect(fake.calls).toHaveLength(0);
  });

  it('a wrong return type, a failing or freed Callable fail the call with HostError naming the function', async () => {
    host.gameApi.register(1, { module: 'game', name: 'spawn', params: ['string', 'f32', 'f32'], result: 'i32', level: 1 });
    const outcomes: [GameCallOutcome, RegExp][] = [
      [{ ok: false, status: 'type', message: 'a String' }, /game\.spawn.*returned a String, not a i32/],
      [{ ok: false, status: 'type', message: 'null (an error inside it?)' }, /game\.spawn.*null/],
      [{ ok: false, status: 'gone', message: "its Callable's object was freed" }, /game\.spawn.*freed/],
      [{ ok: false, status: 'godot', message: 'no such enemy' }, /game\.spawn.*no such enemy/],
      [{ ok: true, value: '5000000000' }, /game\.spawn.*5000000000, not a i32/],
      [{ ok: true, value: 1.5 }, /game\.spawn/],
    ];
    for (const [o, re] of outcomes) {
      const id = await load(SPAWN_MOD);
      fake.respond(o);
      const f = failure(() => host.callExport(id, 'run', []));
      expect(f.code, JSON.stringify(o)).toBe('HostError');
      expect(f.message).toMatch(re);
      expect(host.instance(id).state).toBe('failed');
    }
  });

  it('node: a handle of the mod, resolved to its ObjectID, inside the subtree below level 3', async () => {
    host.gameApi.register(1, { module: 'game', name: 'hit', params: ['node', 'i64'], result: 'i64', level: 1 });
    const mod = (handle: number) => `(module
      (import "game" "hit" (func $hit (param i32 i64) (result i64)))
      (func (export "run") (result i64) (call $hit (i32.const ${handle}) (i64.const -9000000000))))`;
    const id = await load(mod(1));
    fake.respond({ ok: true, value: '-9223372036854775808' });
    expect(host.callExport(id, 'run', [])).toBe(-9223372036854775808n);
    expect(fake.calls[0]!.subtreeOf).toBe('4294967396');
    expect([...fake.calls[0]!.args]).toEqual([...arrayOf(int64(4294967396n), int64(-9000000000n))]);

    fake.respond({ ok: false, status: 'outside', message: 'argument 1 (Player)' });
    const out = failure(() => host.callExport(id, 'run', []));
    expect(out.code).toBe('PolicyDenied');
    expect(out.message).toMatch(/game\.hit.*outside the mod's subtree.*level 3/);

    const forged = await load(mod(99));
    expect(failure(() => host.callExport(forged, 'run', [])).code).toBe('HandleError');
    expect(fake.calls).toHaveLength(2);

    const top = await load(mod(1), 3);
    fake.respond({ ok: true, value: '1' });
    host.callExport(top, 'run', []);
    expect(fake.calls[2]!.subtreeOf).toBe('');
  });

  it('string / bytes / variant: (ptr, len) in; results into the out buffer, the full length returned', async () => {
    host.gameApi.register(1, { module: 'game', name: 'echo', params: ['variant', 'bytes'], result: 'string', level: 1 });
    expect(gameAbi({ params: ['variant', 'bytes'], result: 'string' })).toEqual({ params: ['bytes', 'bytes', 'out'], result: 'i32' });
    const v = intValue(5);
    const id = await load(`(module
      (import "game" "echo" (func $echo (param i32 i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "\\02\\00\\00\\00\\05\\00\\00\\00")
      (data (i32.const 8) "\\01\\02\\03")
      (func (export "run") (result i32) (call $echo (i32.const 0) (i32.const 8) (i32.const 8) (i32.const 3) (i32.const 64) (i32.const 4)))
      (func (export "at") (param i32) (result i32) (i32.load8_u (local.get 0))))`);
    fake.respond({ ok: true, value: new TextEncoder().encode('héllo') });
    expect(host.callExport(id, 'run', [])).toBe(6);
    expect([host.callExport(id, 'at', [64]), host.callExport(id, 'at', [67]), host.callExport(id, 'at', [68])]).toEqual([104, 108, 0]);
    const packed = (b: Uint8Array) => cat(u32(29, b.length), b, new Uint8Array((4 - (b.length % 4)) % 4));
    expect([...fake.calls[0]!.args]).toEqual([...arrayOf(packed(v), packed(new Uint8Array([1, 2, 3])))]);
  });

  it('below level 3 the arguments are capped (maxValueBytes) before Godot sees them', async () => {
    host.attach({ level: 1, maxValueKb: 1 } as never);
    host.gameApi.register(1, { module: 'game', name: 'say', params: ['string'], result: '', level: 1 });
    const id = await load(`(module
      (import "game" "say" (func $say (param i32 i32)))
      (memory (export "memory") 1)
      (func (export "run") (param i32) (call $say (i32.const 0) (local.get 0))))`);
    host.callExport(id, 'run', [100]);
    expect(fake.calls).toHaveLength(1);
    const f = failure(() => host.callExport(id, 'run', [5000]));
    expect(f.code).toBe('ValueTooLarge');
    expect(fake.calls).toHaveLength(1);
  });

  it('an ANT package module bound to a node calls the game\'s function with the node (subtree checked)', async () => {
    host.attach({ level: 1, requireSignature: false });
    host.gameApi.register(3, { module: 'game', name: 'hit', params: ['node', 'i32'], result: 'i32', level: 1 });
    const pkg = await makePackage({
      'core.wasm': { imports: ['(import "game" "hit" (func $hit (param i32 i32) (result i32)))'], main: '(drop (call $hit (i32.const 1) (i32.const 9)))' },
    });
    fake.respond({ ok: true, value: '18' });
    host.loadPackage(pkg, { name: 'g', node: { id: '777', className: 'Node2D' } });
    for (let i = 0; i < 100 && fake.games.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fake.games[0]?.kind, JSON.stringify(fake.games)).toBe('loaded');
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ fn: 3, subtreeOf: '777' });
    expect([...fake.calls[0]!.args]).toEqual([...arrayOf(intValue(777), intValue(9))]);
  });

  it('attach (engine restart) forgets the game functions: they are registered again', () => {
    host.gameApi.register(1, { module: 'game', name: 'spawn', params: [], result: '', level: 1 });
    host.attach({ level: 1 });
    expect(host.engine.table.find('game', 'spawn')).toBeUndefined();
    expect(host.gameApi.list()).toEqual([]);
    host.gameApi.register(1, { module: 'game', name: 'spawn', params: [], result: '', level: 1 });
  });
});
