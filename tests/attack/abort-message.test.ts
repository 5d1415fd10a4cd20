/**
 * Attack: AssemblyScript's `wasgo.abort(message, file, line, col)` put the guest's whole message in
 * the GuestTrap's message. A 64 MiB memory holds a 32M-character UTF-16 string: the error message
 * was 67 108 879 characters (+201 MB RSS, 277 ms), handed to every `error` listener, the CLI and
 * Godot's signals. Fixed: message and file name are clipped to MAX_ABORT_TEXT (1000) characters.
 */
import { describe, expect, it } from 'vitest';
import { GuestTrap } from '../../ts/index';
import { freshEngine } from '../helpers/engine';
import { wat } from '../helpers/wat';

describe('an abort message is bounded', () => {
  it('a 4M-character AssemblyScript string gives a short GuestTrap message', async () => {
    const { engine } = freshEngine();
    const n = 4 * 1024 * 1024; // UTF-16 bytes of the string
    const inst = await engine.loadMod(await wat(`(module (import "wasgo" "abort" (func $a (param i32 i32 i32 i32))) (memory (export "memory") 130)
      (func (export "f") (i32.store (i32.const 4) (i32.const ${n})) (memory.fill (i32.const 8) (i32.const 65) (i32.const ${n}))
        (call $a (i32.const 8) (i32.const 8) (i32.const 1) (i32.const 2))))`));
    let err: unknown;
    try { inst.call('f'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GuestTrap);
    expect((err as Error).message).toMatch(/guest aborted: .{1000}… \(2097152 characters\)/);
    expect((err as Error).message.length).toBeLessThan(3000); // was 2 097 2xx (67M for a 64 MiB string)
  });
});
