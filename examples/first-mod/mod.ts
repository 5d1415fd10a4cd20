// The mod of the README's TypeScript example and of docs/first-mod-assemblyscript.md: it uses
// WasGo's level-1 functions (print) and the game's own modding API (game.spawn, which the game
// registers with engine.register), and exports what the game calls: main, update and spin.
import { print } from "../../sdk/assemblyscript/wasgo";

// The game's API: spawn(kind, x, y) -> id. A `string` parameter crosses as UTF-8 (pointer, length).
@external("game", "spawn") declare function _spawn(kind: usize, kindLen: i32, x: f32, y: f32): i32;

function spawn(kind: string, x: f32, y: f32): i32 {
  const b = String.UTF8.encode(kind);
  return _spawn(changetype<usize>(b), b.byteLength, x, y);
}

let x: f32 = 0;
let frames: i32 = 0;

/** Runs once when the game starts the mod. */
export function main(): i32 {
  print("hello from first-mod");
  const id = spawn("coin", 10, 20);
  print("spawned coin #" + id.toString());
  return 0;
}

/** Called by the game every frame with the frame time in seconds. */
export function update(dt: f32): void {
  x += 60 * dt;
  frames++;
  if (frames == 1) print("first update: x = " + x.toString());
}

/** A runaway: never returns. Inline it runs out of fuel; in a worker, kill() or the timeout ends it. */
export function spin(): void {
  let n: i32 = 0;
  while (true) n++;
}
