// Measures guest -> Godot calls (tests/godot/projects/bench-bridge): each export makes n calls
// of one kind on the mod's own Node2D, so the game can time them and divide.
import { modNode, methodBind, begin, argVec2, argInt, argString, callBind, call, get, isValid, retVec2X, retVec2Y, retFloat } from "../../sdk/assemblyscript/godot";

let node: i32 = 0;
let getPosition: i32 = 0;
let setPosition: i32 = 0;

function init(): void {
  if (node != 0) return;
  node = modNode();
  getPosition = methodBind("Node2D", "get_position");
  setPosition = methodBind("Node2D", "set_position");
}

/** n host calls that never reach Godot (godot.mod_node): the wasm -> TypeScript cost alone. */
export function host_only(n: i32): i32 {
  let s: i32 = 0;
  for (let i = 0; i < n; i++) s += modNode();
  return s;
}

/** n × Node2D.get_position through a method bind; returns the last x. */
export function get_position(n: i32): f64 {
  init();
  let x: f32 = 0;
  for (let i = 0; i < n; i++) {
    begin();
    callBind(getPosition, node);
    x = retVec2X();
  }
  return <f64>x;
}

/** n × Node2D.set_position((i, 2i)) through a method bind. */
export function set_position(n: i32): void {
  init();
  for (let i = 0; i < n; i++) {
    begin();
    argVec2(<f32>i, <f32>(i * 2));
    callBind(setPosition, node);
  }
}

/** n × (get_position, then set_position one pixel to the right): what a mover does each frame. */
export function move(n: i32): f64 {
  init();
  for (let i = 0; i < n; i++) {
    begin();
    callBind(getPosition, node);
    const x = retVec2X();
    const y = retVec2Y();
    begin();
    argVec2(x + 1, y);
    callBind(setPosition, node);
  }
  begin();
  callBind(getPosition, node);
  return <f64>retVec2X();
}

/** n × object_get(node, "position") (property by name: the getter is looked up, then called). */
export function get_property(n: i32): f64 {
  init();
  for (let i = 0; i < n; i++) get(node, "position");
  return <f64>retVec2X();
}

/** n × object_is_valid(node): the smallest call that reaches Godot. */
export function is_valid(n: i32): i32 {
  init();
  let s: i32 = 0;
  for (let i = 0; i < n; i++) s += isValid(node) ? 1 : 0;
  return s;
}

// --- Argument checks on the fast path (tests/godot/projects/bench-bridge test_arguments).

/** set_rotation(int): TypeScript widens the int for the float parameter; returns get_rotation(). */
export function rotate_by_int(r: i32): f64 {
  init();
  begin();
  argInt(r);
  call(node, "set_rotation");
  begin();
  call(node, "get_rotation");
  return retFloat();
}

/** set_position(int): the wrong type, refused by Godot's check (a GodotError fails the mod). */
export function wrong_type(): void {
  init();
  begin();
  argInt(3);
  callBind(setPosition, node);
}

/** set_position(Vector2, Vector2): one argument too many. */
export function too_many(): void {
  init();
  begin();
  argVec2(1, 2);
  argVec2(3, 4);
  callBind(setPosition, node);
}

/** set_name("...") then get_name(): a String argument for a StringName parameter. */
export function rename(): void {
  init();
  begin();
  argString("Renamed");
  call(node, "set_name");
}
