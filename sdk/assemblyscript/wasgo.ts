// WasGo bindings for AssemblyScript mods. Import what you need:
//   import { print } from "../../sdk/assemblyscript/wasgo";
// Strings cross the boundary as UTF-8 (pointer, length); see docs/abi.md.

@external("wasgo", "print") declare function _print(ptr: usize, len: i32): void;
@external("wasgo", "push_error") declare function _push_error(ptr: usize, len: i32): void;
@external("wasgo", "time_ms") export declare function time_ms(): f64;
@external("wasgo", "random_u32") export declare function random_u32(): u32;
@external("wasgo", "random_f64") export declare function random_f64(): f64;
@external("wasgo", "random_seed") export declare function random_seed(seed: i32): void;
@external("wasgo", "file_write") declare function _file_write(path: usize, pathLen: i32, data: usize, dataLen: i32): i32;
@external("wasgo", "file_read") declare function _file_read(path: usize, pathLen: i32, out: usize, cap: i32): i32;

/** Prints a line to the game's log. Level 1. */
export function print(text: string): void {
  const b = String.UTF8.encode(text);
  _print(changetype<usize>(b), b.byteLength);
}

/** Reports a non-fatal error to the game. Level 1. */
export function push_error(text: string): void {
  const b = String.UTF8.encode(text);
  _push_error(changetype<usize>(b), b.byteLength);
}

/** Writes a file in the mod's own folder after the player confirms. Level 2. 0 = written, -1 = declined. */
export function file_write(path: string, data: string): i32 {
  const p = String.UTF8.encode(path);
  const d = String.UTF8.encode(data);
  return _file_write(changetype<usize>(p), p.byteLength, changetype<usize>(d), d.byteLength);
}

/** Reads a file from the mod's own folder (up to 64 KiB); null when missing. Level 2. */
export function file_read(path: string): string | null {
  const p = String.UTF8.encode(path);
  const out = new ArrayBuffer(65536);
  const n = _file_read(changetype<usize>(p), p.byteLength, changetype<usize>(out), out.byteLength);
  if (n < 0) return null;
  return String.UTF8.decode(out.slice(0, min(n, out.byteLength)));
}
