// The mover on the typed SDK (docs/sdk.md): moves its own Node2D. Level 1 is enough.
// Same exports as examples/godot-mover (main, step, _process, x, bench), so it can replace it.
import { Node2D, Vector2, print } from "../../sdk/assemblyscript/godot/level1";

// No top-level Godot calls: a wasm start function runs before the mod has its node.
let self: Node2D | null = null;
function node(): Node2D {
  if (self === null) self = Node2D.self();
  return self!;
}

export function main(): i32 {
  print("typed mover: ready");
  return 0;
}

/** Moves the node by (dx, dy). */
export function step(dx: f64, dy: f64): void {
  const n = node();
  n.position = n.position + new Vector2(<f32>dx, <f32>dy);
}

/** Called every frame when the game opts in (mod.process_each_frame = true): 60 px/s to the right. */
export function _process(delta: f64): void {
  step(delta * 60.0, 0.0);
}

/** The node's x. */
export function x(): f64 {
  return <f64>node().position.x;
}

/** n typed calls of get_position (bench: compare with examples/godot-mover's bench). */
export function bench(n: i32): void {
  const s = node();
  for (let i = 0; i < n; i++) s.get_position();
}
