// The demo's nosy mod (project.godot, demo/demo.gd): each export tries one thing a mod at level 1
// may not do. Every attempt is refused with PolicyDenied naming the level that would allow it,
// and the refusal fails the instance, so the demo loads a fresh instance per attempt.
import { modNode, begin, argString, argInt, call, callStatic, singleton, retObject } from "../../sdk/assemblyscript/godot";

/** Files: FileAccess.open("res://project.godot", READ), a static call on a system class. */
export function files(): i32 {
  begin(); argString("res://project.godot"); argInt(1);
  callStatic("FileAccess", "open");
  return retObject();
}

/** OS: the OS singleton, to read the player's environment. */
export function os(): i32 {
  const os = singleton("OS");
  begin(); argString("HOME");
  return call(os, "get_environment");
}

/** /root: an absolute node path, out of the mod's own subtree. */
export function root(): i32 {
  begin(); argString("/root");
  call(modNode(), "get_node_or_null");
  return retObject();
}

/** call(): reflection, node.call("queue_free"). */
export function reflect(): i32 {
  begin(); argString("queue_free");
  call(modNode(), "call");
  return 1;
}
