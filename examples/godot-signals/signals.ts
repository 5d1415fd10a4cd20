// A Godot mod that reacts to signals (tests/godot/projects/mod-signals): a Timer in its subtree
// moves its node, new children are placed, an AnimationPlayer's finished animation is named.
import {
  modNode, begin, argString, argVec2, call, retObject, retPtr, connect, connectBuffer, disconnect, print, STRING,
} from "../../sdk/assemblyscript/godot";

const NAME_AT: i32 = 21; // StringName (signal arguments come in var_to_bytes)
const BUF_CAP: i32 = 256;
const BUF: usize = memory.data(BUF_CAP);

let ticks: i32 = 0;
let lastChild: i32 = 0;

/** The handle of a node below the mod's node, by relative path. */
function child(path: string): i32 {
  begin();
  argString(path);
  call(modNode(), "get_node");
  return retObject();
}

function moveBy(dx: f32): void {
  begin();
  call(modNode(), "get_position");
  const x = load<f32>(retPtr() + 4);
  const y = load<f32>(retPtr() + 8);
  begin();
  argVec2(x + dx, y);
  call(modNode(), "set_position");
}

/** Timer.timeout of the child "Timer" → on_timeout. Returns the connection. */
export function watch_timer(): i32 { return connect(child("Timer"), "timeout", "on_timeout"); }
export function on_timeout(): void {
  ticks++;
  moveBy(10);
}
export function ticks_seen(): i32 { return ticks; }

/** child_entered_tree(node) of the mod's node → on_child(handle). */
export function watch_children(): i32 { return connect(modNode(), "child_entered_tree", "on_child"); }
export function on_child(node: i32): void {
  lastChild = node;
  begin();
  argVec2(7, 8);
  call(node, "set_position");
}
export function last_child(): i32 { return lastChild; }

/** LineEdit.text_changed(new_text: String) of the child "Edit" → on_text(length), the arguments in BUF. */
export function watch_text(): i32 { return connectBuffer(child("Edit"), "text_changed", "on_text", BUF, BUF_CAP); }
export function on_text(length: i32): void {
  // var_to_bytes(["text"]): Array header, count, then String header, byte length, UTF-8.
  if (length < 16 || load<u32>(BUF) != 28 || load<u32>(BUF + 4) != 1) { print("text: unexpected arguments"); return; }
  const t = load<u32>(BUF + 8) & 0xff;
  if (t != <u32>STRING && t != <u32>NAME_AT) { print("text: not a string"); return; }
  const n = load<u32>(BUF + 12);
  print("text: " + String.UTF8.decodeUnsafe(BUF + 16, <usize>n) + " (" + length.toString() + " bytes)");
}

/** The same signal without a buffer: a String is not a number, so the delivery fails the mod. */
export function watch_text_as_numbers(): i32 { return connect(child("Edit"), "text_changed", "on_number"); }
export function on_number(v: f64): void { print("number: " + v.toString()); }

/** The parent's child_entered_tree: outside the subtree, refused below level 3. */
export function watch_parent(): i32 {
  begin();
  call(modNode(), "get_parent");
  return connect(retObject(), "child_entered_tree", "on_child");
}

/** A signal the policy does not know (reflection on ClassDB-less signals needs level 3). */
export function watch_unknown(): i32 { return connect(modNode(), "no_such_signal", "on_timeout"); }

/** An export that is not there. */
export function watch_missing_export(): i32 { return connect(child("Timer"), "timeout", "nope"); }

/** A handler that traps: the mod fails when the signal fires. */
export function watch_trap(): i32 { return connect(child("Timer"), "timeout", "on_trap"); }
export function on_trap(): void { unreachable(); }

export function stop(connection: i32): i32 { return disconnect(connection) ? 1 : 0; }
