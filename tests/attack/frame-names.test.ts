/**
 * Attack: a function name of 3 MB in the name section (within maxCustomBytes, 4 MiB) was copied
 * into every guest-stack frame: a recursing call's StackOverflow had 10 frames of 3 MB each, so
 * `describe()` (what the CLI prints and Godot logs) was 30 000 212 characters (+128 MB RSS).
 * Fixed: guest frame names are clipped to MAX_FRAME_NAME (200) characters.
 */
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { StackOverflow, type WasGoError } from '../../ts/index';
import { freshEngine } from '../helpers/engine';

describe('guest stack frames are bounded', () => {
  it('a 3 MB function name does not make a 30 MB error', async () => {
    const wabt = await wabtInit();
    const name = 'x'.repeat(3_000_000);
    const m = wabt.parseWat('t.wat', `(module (func $${name} (export "f") (call $${name})))`, {});
    m.resolveNames(); m.validate();
    const bytes = new Uint8Array(m.toBinary({ write_debug_names: true }).buffer);
    m.destroy();
    const { engine } = freshEngine();
    const inst = await engine.loadMod(bytes);
    let err: WasGoError | undefined;
    try { inst.call('f'); } catch (e) { err = e as WasGoError; }
    expect(err).toBeInstanceOf(StackOverflow);
    const frames = err!.place.guestStack ?? [];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toMatch(/^x{200}…@0x/);
    expect(err!.describe().length).toBeLessThan(10_000); // was 30 000 212
  });
});
