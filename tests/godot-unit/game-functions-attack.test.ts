// Adversarial checks of the game's own functions (ts/godot/game-functions.ts) with a fake
// bridge: a game function's result below level 3, re-entry from the game's Callable, a
// Callable that unregisters itself, node handles that are not the mod's.
import { beforeEach, describe, expect, it } from 'vitest';
import type { GameCallOutcome } from '../../ts/godot/bridge';
import { GodotHost } from '../../ts/godot/host';
import { createPolicy } from '../../ts/godot/policy';
import { failure, inertBridge } from '../helpers/godot-bridge';
import { wat } from '../helpers/wat';

interface GameCall { fn: number; instance: number; args: Uint8Array; subtreeOf: string; capped: boolean | undefined }

function fakeBridge() {
  const calls: GameCall[] = [];
  let answer: (c: GameCall) => GameCallOutcome = () => ({ ok: true, value: '0' });
  const bridge = inertBridge({
    callGame: (fn, instance, args, subtreeOf, capped?: boolean) => {
      const c = { fn, instance, args, subtreeOf, capped };
      calls.push(c);
      return answer(c);
    },
  });
  return { bridge, calls, answer: (f: (c: GameCall) => GameCallOutcome) => (answer = f) };
}

let fake: ReturnType<typeof fakeBridge>;
let host: GodotHost;

beforeEach(() => {
  fake = fakeBridge();
  host = new GodotHost(fake.bridge, createPolicy());
  host.attach({ level: 1, maxValueKb: 1 } as never);
});

async function load(text: string, level?: 1 | 2 | 3): Promise<number> {
  return host.loadMod(await wat(text), '4294967396', 'Node2D', { name: 'm', level });
}

const FETCH_MOD = `(module
  (import "game" "fetch" (func $fetch (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (result i32) (call $fetch (i32.const 0) (i32.const 16))))`;

describe('game functions under attack', () => {
  for (const result of ['bytes', 'string', 'variant'] as const) {
    it(`a ${result} result over maxValueBytes is ValueTooLarge below level 3 (and Godot is told to cap it); level 3 gets it`, async () => {
      host.gameApi.register(1, { module: 'game', name: 'fetch', params: [], result, level: 1 });
      const big = new Uint8Array(1024 * 1024).fill(65); // 1 MB, the cap is 1 KB
      fake.answer(() => ({ ok: true, value: big }));
      const low = await load(FETCH_MOD, 1);
      const f = failure(() => host.callExport(low, 'run', []));
      expect(f.code).toBe('ValueTooLarge');
      expect(f.message).toMatch(/game\.fetch/);
      expect(fake.calls[0]!.capped).toBe(true);
      // Godot's own refusal (checked before serializing) is ValueTooLarge too.
      fake.answer(() => ({ ok: false, status: 'too_large', message: '104857600 bytes' } as never));
      const again = await load(FETCH_MOD, 2);
      expect(failure(() => host.callExport(again, 'run', [])).code).toBe('ValueTooLarge');
      expect(fake.calls[1]!.capped).toBe(true);
      fake.answer(() => ({ ok: true, value: big }));
      const top = await load(FETCH_MOD, 3);
      expect(host.callExport(top, 'run', [])).toBe(big.length);
      expect(fake.calls[2]!.capped).toBe(false);
    });
  }

  it('a result at the cap passes below level 3', async () => {
    host.gameApi.register(1, { module: 'game', name: 'fetch', params: [], result: 'bytes', level: 1 });
    fake.answer(() => ({ ok: true, value: new Uint8Array(1024) }));
    expect(host.callExport(await load(FETCH_MOD, 1), 'run', [])).toBe(1024);
  });

  it('re-entry: the Callable calling the same mod back is bounded by the re-entry limit, not the native stack', async () => {
    host.gameApi.register(1, { module: 'game', name: 'ping', params: [], result: 'i32', level: 1 });
    const id = await load(`(module
      (import "game" "ping" (func $ping (result i32)))
      (func (export "run") (result i32) (call $ping)))`);
    let depth = 0;
    let deepest = 0;
    fake.answer(() => {
      depth++;
      deepest = Math.max(deepest, depth);
      try {
        return { ok: true, value: String(host.callExport(id, 'run', [])) };
      } catch (e) {
        return { ok: false, status: 'godot', message: (e as Error).message };
      } finally {
        depth--;
      }
    });
    const f = failure(() => host.callExport(id, 'run', []));
    expect(['ReentrancyLimit', 'HostError']).toContain(f.code);
    expect(deepest).toBeGreaterThan(1);
    expect(deepest).toBeLessThanOrEqual(host.limits.maxReentryDepth + 1);
    expect(host.counters().reentryDepth).toBe(0);
  });

  it('a Callable that unregisters its own function mid-call: this call ends, the next one is HostError', async () => {
    host.gameApi.register(1, { module: 'game', name: 'ping', params: [], result: 'i32', level: 1 });
    const id = await load(`(module
      (import "game" "ping" (func $ping (result i32)))
      (func (export "run") (result i32) (call $ping)))`);
    fake.answer(() => (host.gameApi.unregister('game', 'ping'), { ok: true, value: '7' }));
    expect(host.callExport(id, 'run', [])).toBe(7);
    expect(failure(() => host.callExport(id, 'run', [])).code).toBe('HostError');
    // Registered again under the same name (another signature): the old link stays dead.
    host.gameApi.register(2, { module: 'game', name: 'ping', params: [], result: 'i32', level: 1 });
    expect(failure(() => host.callExport(id, 'run', [])).message).toMatch(/unregistered/);
    expect(fake.calls).toHaveLength(1);
  });

  it('node: another mod\'s handle number is this mod\'s table (a handle never crosses mods)', async () => {
    host.gameApi.register(1, { module: 'game', name: 'hit', params: ['node'], result: '', level: 1 });
    const mod = (h: number) => `(module
      (import "game" "hit" (func $hit (param i32)))
      (func (export "run") (call $hit (i32.const ${h}))))`;
    const a = await load(mod(1));
    host.callExport(a, 'run', []);
    expect(fake.calls[0]!.subtreeOf).toBe('4294967396');
    for (const h of [0, -1, 2, 0x7fffffff]) {
      const b = await load(mod(h));
      expect(failure(() => host.callExport(b, 'run', [])).code, String(h)).toBe('HandleError');
    }
    expect(fake.calls).toHaveLength(1);
  });

  it('string argument: invalid UTF-8 and out-of-bounds pointers fail before Godot sees them', async () => {
    host.gameApi.register(1, { module: 'game', name: 'say', params: ['string'], result: '', level: 1 });
    const text = `(module
      (import "game" "say" (func $say (param i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "\\ff\\fe")
      (func (export "run") (param i32 i32) (call $say (local.get 0) (local.get 1))))`;
    for (const [p, n] of [[0, 2], [65535, 2], [-1, 1], [8, -1]]) {
      const id = await load(text);
      const f = failure(() => host.callExport(id, 'run', [p, n]));
      expect(f.code, `${p},${n}`).not.toBe('InstanceFailed');
      expect(f.message, `${p},${n}`).toMatch(/game\.say/);
    }
    expect(fake.calls).toHaveLength(0);
  });
});
