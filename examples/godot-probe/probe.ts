// A mod that probes the sandbox (used by the e2e tests in tests/godot/projects/): every
// export tries one thing that level 1 refuses, or one way to forge an object handle.
// Each refusal fails the instance, so the tests load a fresh instance per probe.
import {
  modNode, begin, argString, argVec2, argRaw, argInt, call, callStatic, singleton, utility, construct,
  retBool, retObject, retFloat, retVec2X, retLength, print,
} from "../../sdk/assemblyscript/godot";
import { file_write } from "../../sdk/assemblyscript/wasgo";

let child: i32 = 0;
let spins: i32 = 0;
const SMUGGLE: usize = memory.data(32);

/** FileAccess.file_exists("user://nothing") — a static call on a system class (level 3). */
export function file_access(): i32 {
  begin(); argString("user://nothing");
  callStatic("FileAccess", "file_exists");
  return retBool() ? 1 : 0;
}

/** OS.get_name() — the OS singleton (level 3). Returns the result's length. */
export function os_name(): i32 {
  const os = singleton("OS");
  begin();
  return call(os, "get_name");
}

/** node.call("set_position", Vector2(7, 8)) — reflection (level 3). */
export function reflect(): i32 {
  begin(); argString("set_position"); argVec2(7, 8);
  call(modNode(), "call");
  return 1;
}

/** node.get_node_or_null("/root") — an absolute path out of the subtree (level 3). Returns the handle. */
export function absolute(): i32 {
  begin(); argString("/root");
  call(modNode(), "get_node_or_null");
  return retObject();
}

/** get_parent() is allowed, but renaming the parent (outside the subtree) needs level 3. */
export function rename_parent(): i32 {
  begin();
  call(modNode(), "get_parent");
  const parent = retObject();
  begin(); argString("renamed_by_mod");
  call(parent, "set_name");
  return parent;
}

/** A made-up handle. */
export function invent(): void {
  begin();
  call(12345, "get_name");
}

/** Any handle number (another mod's, say). */
export function use_handle(h: i32): void {
  begin();
  call(h, "get_name");
}

/** Handle of the child node "Child" (kept for use_child). */
export function grab_child(): i32 {
  begin(); argString("Child");
  call(modNode(), "get_node");
  child = retObject();
  return child;
}

/** Uses the child's handle (after the game freed the child: refused as freed). */
export function use_child(): f64 {
  begin();
  call(child, "get_position");
  return <f64>retVec2X();
}

/** An object forged in the bytes: set_position(<EncodedObjectAsID 12345>). */
export function smuggle_top(): void {
  store<u32>(SMUGGLE, 24 | (1 << 16)); // OBJECT, encoded as an id
  store<u64>(SMUGGLE + 4, 12345);
  begin(); argRaw(SMUGGLE, 12);
  call(modNode(), "set_position");
}

/** The same object inside an Array argument. */
export function smuggle_nested(): void {
  store<u32>(SMUGGLE, 28); // ARRAY
  store<u32>(SMUGGLE + 4, 1);
  store<u32>(SMUGGLE + 8, 24 | (1 << 16));
  store<u64>(SMUGGLE + 12, 12345);
  begin(); argRaw(SMUGGLE, 20);
  call(modNode(), "set_position");
}

/** A handle where add_child wants a node: a made-up one. */
export function add_invented_child(): void {
  begin(); argInt(777777);
  call(modNode(), "add_child");
}

/** Constructs a Node2D, names it and adds it under the mod's node (level 1). Returns its handle. */
export function make_child(): i32 {
  const n = construct("Node2D");
  begin(); argString("Made");
  call(n, "set_name");
  begin(); argInt(n);
  call(modNode(), "add_child");
  return n;
}

/** randf() through the utility functions (level 1). */
export function rand(): f64 {
  begin();
  utility("randf");
  return retFloat();
}

/** A level-2 write into the mod's own folder: 0 written, -1 declined. */
export function save(): i32 {
  return file_write("notes/hello.txt", "hello from probe");
}

/** Never returns: stopped by fuel (inline) or the timeout / kill (worker). */
export function spin(): void {
  while (true) spins++;
}

export function main(): i32 {
  print("probe: main starts spinning");
  spin();
  return retLength();
}
