// A Godot mod in AssemblyScript: moves its own Node2D through the `godot` module.
// Level 1 is enough: Node2D.get_position / set_position on the mod's own node.
import { modNode, methodBind, begin, argVec2, callBind, call, retVec2X, retVec2Y, print } from "../../sdk/assemblyscript/godot";

let node: i32 = 0;
let getPosition: i32 = 0;
let setPosition: i32 = 0;

// No top-level code: a wasm start function runs before the mod has its node.
function init(): void {
  if (node != 0) return;
  node = modNode();
  getPosition = methodBind("Node2D", "get_position");
  setPosition = methodBind("Node2D", "set_position");
}

export function main(): i32 {
  init();
  print("mover: ready");
  return 0;
}

/** Moves the node by (dx, dy). */
export function step(dx: f64, dy: f64): void {
  init();
  begin();
  callBind(getPosition, node);
  const x = retVec2X();
  const y = retVec2Y();
  begin();
  argVec2(<f32>(<f64>x + dx), <f32>(<f64>y + dy));
  callBind(setPosition, node);
}

/** Called by the game every frame when it opts in (mod.process_each_frame = true): 60 px/s to the right. */
export function _process(delta: f64): void {
  step(delta * 60.0, 0.0);
}

/** The node's x, read by method name. */
export function x(): f64 {
  init();
  begin();
  call(node, "get_position");
  return <f64>retVec2X();
}

/** n calls of get_position (for measuring the cost of one guest -> Godot call). */
export function bench(n: i32): void {
  init();
  for (let i = 0; i < n; i++) {
    begin();
    callBind(getPosition, node);
  }
}
