// The demo's well-behaved mod (project.godot, demo/demo.gd): bounces its own Node2D around a box
// and spins it. Level 1 is enough: it only reads and sets its own node's position and rotation.
import { modNode, methodBind, begin, argVec2, argFloat, callBind, retVec2X, retVec2Y } from "../../sdk/assemblyscript/godot";

let node: i32 = 0;
let getPosition: i32 = 0;
let setPosition: i32 = 0;
let setRotation: i32 = 0;
let vx: f64 = 170;
let vy: f64 = 120;
let angle: f64 = 0;
let x0: f64 = 0, y0: f64 = 0, x1: f64 = 400, y1: f64 = 300;

// No top-level calls: a wasm start function runs before the mod has its node.
function init(): void {
  if (node != 0) return;
  node = modNode();
  getPosition = methodBind("Node2D", "get_position");
  setPosition = methodBind("Node2D", "set_position");
  setRotation = methodBind("Node2D", "set_rotation");
}

/** The box the node bounces in (the game's playfield, in the parent's coordinates). */
export function set_box(left: f64, top: f64, right: f64, bottom: f64): void {
  x0 = left; y0 = top; x1 = right; y1 = bottom;
}

/** One frame: move by velocity × delta, bounce off the box's sides, turn. */
export function step(delta: f64): void {
  init();
  begin();
  callBind(getPosition, node);
  let x = <f64>retVec2X() + vx * delta;
  let y = <f64>retVec2Y() + vy * delta;
  if (x < x0) { x = x0; vx = Math.abs(vx); }
  if (x > x1) { x = x1; vx = -Math.abs(vx); }
  if (y < y0) { y = y0; vy = Math.abs(vy); }
  if (y > y1) { y = y1; vy = -Math.abs(vy); }
  begin();
  argVec2(<f32>x, <f32>y);
  callBind(setPosition, node);
  angle += delta * 2.0;
  begin();
  argFloat(angle);
  callBind(setRotation, node);
}
