// A hostile mod for the red-team e2e suite (tests/godot/projects/redteam-*, issue 9): every
// export tries to hang, flood or damage the game through calls level 1 allows, or to escape.
// The tests load a fresh instance per attack (a refusal fails the instance) and check that the
// call stopped within its deadline or was refused, and that the game is intact afterwards.
import {
  modNode, begin, argString, argVec2, argInt, argBool, argRaw, call, construct, release, connect, methodBind,
  retObject, retInt, print,
} from "../../sdk/assemblyscript/godot";
import { file_write, file_read } from "../../sdk/assemblyscript/wasgo";

// The raw imports, for values bigger than the SDK's 4 KiB argument buffer.
@external("godot", "object_call") declare function _call(obj: i32, mp: usize, mn: i32, a: usize, an: i32, out: usize, cap: i32): i32;
@external("godot", "variant_utility_call") declare function _utility(np: usize, nn: i32, a: usize, an: i32, out: usize, cap: i32): i32;
@external("godot", "print") declare function _print(p: usize, n: i32): void;
@external("godot", "object_get_class") declare function _get_class(obj: i32, out: usize, cap: i32): i32;
@external("godot", "object_is_valid") declare function _is_valid(obj: i32): i32;
@external("godot", "classdb_get_method_bind") declare function _bind(cp: usize, cn: i32, mp: usize, mn: i32): i32;
@external("wasgo", "http_request") declare function _http(mp: usize, mn: i32, up: usize, un: i32, bp: usize, bn: i32, out: usize, cap: i32): i64;

const BIG_CAP: i32 = 1 << 20;
const BIG: usize = memory.data(BIG_CAP + 64);
const NAME: usize = memory.data(256);
const OUT: usize = memory.data(64);

let label: i32 = 0;
let renamed: i32 = 0;
let victim: i32 = 0;

function ascii(s: string, to: usize): i32 {
  for (let i = 0; i < s.length; i++) store<u8>(to + i, <u8>s.charCodeAt(i));
  return s.length;
}

/** Calls `method` on `obj` with the arguments already encoded at BIG (an Array of `count` values, `len` bytes). */
function bigCall(obj: i32, method: string, len: i32): i32 {
  return _call(obj, NAME, ascii(method, NAME), BIG, len, OUT, 4);
}

/** var_to_bytes([String of n chars: words of 5 letters]) at BIG; returns its length. */
function textArg(n: i32): i32 {
  store<u32>(BIG, 28); store<u32>(BIG + 4, 1);
  store<u32>(BIG + 8, 4); store<u32>(BIG + 12, n);
  for (let i = 0; i < n; i++) store<u8>(BIG + 16 + i, i % 6 == 5 ? 32 : 97 + (i % 26));
  return 16 + ((n + 3) & ~3);
}

/** var_to_bytes([PackedVector2Array of n points on a circle]) at BIG. */
function pointsArg(n: i32): i32 {
  store<u32>(BIG, 28); store<u32>(BIG + 4, 1);
  store<u32>(BIG + 8, 35); store<u32>(BIG + 12, n);
  for (let i = 0; i < n; i++) {
    const a = <f32>i * 6.2831853 / <f32>n;
    store<f32>(BIG + 16 + i * 8, 100 * Mathf.cos(a));
    store<f32>(BIG + 20 + i * 8, 100 * Mathf.sin(a));
  }
  return 16 + n * 8;
}

function addChild(h: i32): void { begin(); argInt(h); call(modNode(), "add_child"); }

// --- Item 1/2: text layout ---------------------------------------------------------------

/** A Label with autowrap in a narrow box, under the mod's node. */
export function make_label(): i32 {
  label = construct("Label");
  addChild(label);
  begin(); argInt(3); call(label, "set_autowrap_mode"); // AUTOWRAP_WORD_SMART
  begin(); argVec2(60, 20); call(label, "set_size");
  return label;
}

/** label.set_text(n characters). */
export function label_text(n: i32): i32 {
  if (label == 0) make_label();
  return bigCall(label, "set_text", textArg(n));
}

/** The 18-minute loop: set_uppercase(toggle) + get_line_count(), `loops` times. Returns the last line count. */
export function relayout(loops: i32): i32 {
  let lines: i32 = 0;
  for (let i = 0; i < loops; i++) {
    begin(); argBool((i & 1) == 0); call(label, "set_uppercase");
    begin(); call(label, "get_line_count");
    lines = <i32>retInt();
  }
  return lines;
}

/** get_text() of the game's Label "Big" (below the mod's node) into a 4-byte buffer. */
export function read_big(): i32 {
  begin(); argString("Big"); call(modNode(), "get_node");
  const big = retObject();
  begin();
  return call(big, "get_text");
}

/** get_children() of the game's node "Many" (below the mod's node), `loops` times. */
export function children(loops: i32): i32 {
  begin(); argString("Many"); call(modNode(), "get_node");
  const many = retObject();
  let n: i32 = 0;
  for (let i = 0; i < loops; i++) { begin(); argBool(false); n = call(many, "get_children"); }
  return n;
}

/** Line2D.set_points(n points). */
export function line_points(n: i32): i32 {
  const line = construct("Line2D");
  addChild(line);
  return bigCall(line, "set_points", pointsArg(n));
}

/** Line2D.add_point, n times. Returns the point count. */
export function line_grow(n: i32): i32 {
  const line = construct("Line2D");
  addChild(line);
  for (let i = 0; i < n; i++) { begin(); argVec2(<f32>i, <f32>(i & 7)); call(line, "add_point"); }
  begin(); call(line, "get_point_count");
  return <i32>retInt();
}

/** Polygon2D.set_polygon(n points). */
export function polygon(n: i32): i32 {
  const p = construct("Polygon2D");
  addChild(p);
  return bigCall(p, "set_polygon", pointsArg(n));
}

/** find_children(pattern of n characters). */
export function find_pattern(n: i32): i32 {
  store<u32>(BIG, 28); store<u32>(BIG + 4, 1);
  store<u32>(BIG + 8, 4); store<u32>(BIG + 12, n);
  for (let i = 0; i < n; i++) store<u8>(BIG + 16 + i, 42); // '*'
  return bigCall(modNode(), "find_children", 16 + ((n + 3) & ~3));
}

/** print(n bytes), `loops` times. */
export function print_flood(n: i32, loops: i32): void {
  for (let i = 0; i < n; i++) store<u8>(BIG + i, 120);
  for (let i = 0; i < loops; i++) _print(BIG, n);
}

/** n bytes of arguments to a cheap call (a String to set_name... on a constructed node). */
export function big_args(n: i32): i32 {
  const node = construct("Node2D");
  return bigCall(node, "set_name", textArg(n));
}

// --- Item 3: binds, objects, connections ---------------------------------------------------

/** classdb_get_method_bind("RenderingServer", invented), `loops` times. */
export function bind_miss(loops: i32): i32 {
  const c = ascii("RenderingServer", NAME);
  let b: i32 = 0;
  for (let i = 0; i < loops; i++) {
    const m = ascii("invented_" + i.toString(), NAME + 64);
    b = _bind(NAME, c, NAME + 64, m);
  }
  return b;
}

export function bind_ok(): i32 { return methodBind("Node2D", "get_position"); }

/** Constructs n Nodes, releasing each handle at once (the release must not uncount them). */
export function construct_loop(n: i32): i32 {
  for (let i = 0; i < n; i++) release(construct("Node"));
  return n;
}

/** n connections of the mod node's `visibility_changed` signal. */
export function connect_loop(n: i32): i32 {
  for (let i = 0; i < n; i++) connect(modNode(), "visibility_changed", "noop");
  return n;
}
export function noop(): void {}

// --- Item 4: re-entry ----------------------------------------------------------------------

/** A constructed child whose `renamed` handler renames it again: unbounded recursion through Godot. */
export function rename_recursion(): i32 {
  victim = construct("Node2D");
  addChild(victim);
  connect(victim, "renamed", "on_renamed");
  begin(); argString("r0"); call(victim, "set_name");
  return renamed;
}
export function on_renamed(): void {
  renamed++;
  begin(); argString(renamed & 1 ? "r1" : "r2"); call(victim, "set_name");
}
export function renames(): i32 { return renamed; }

// --- Item 5: ownership and screen covering -------------------------------------------------

export function free_own_node(): void { begin(); call(modNode(), "queue_free"); }
export function rename_own_node(): void { begin(); argString("pwned"); call(modNode(), "set_name"); }

function gameChild(): i32 { begin(); argString("Child"); call(modNode(), "get_node"); return retObject(); }
export function remove_game_child(): void { const c = gameChild(); begin(); argInt(c); call(modNode(), "remove_child"); }
export function move_game_child(): void { const c = gameChild(); begin(); argInt(c); argInt(0); call(modNode(), "move_child"); }
export function rename_game_child(): void { const c = gameChild(); begin(); argString("pwned"); call(c, "set_name"); }
export function free_game_child(): void { const c = gameChild(); begin(); call(c, "queue_free"); }

/** A top-level ColorRect covering the screen. */
export function cover_top_level(): void {
  const r = construct("ColorRect");
  addChild(r);
  begin(); argVec2(100000, 100000); call(r, "set_size");
  begin(); argBool(true); call(r, "set_as_top_level");
}
/** z_index z on a constructed ColorRect. */
export function cover_z(z: i32): void {
  const r = construct("ColorRect");
  addChild(r);
  begin(); argInt(z); call(r, "set_z_index");
}
export function z_absolute(): void {
  const r = construct("ColorRect");
  addChild(r);
  begin(); argBool(false); call(r, "set_z_as_relative");
}

/** What the mod may do with its own nodes: construct, name, add, move, remove, free. Returns 1. */
export function own_nodes(): i32 {
  const a = construct("Node2D");
  begin(); argString("Mine"); call(a, "set_name");
  addChild(a);
  begin(); argInt(a); argInt(0); call(modNode(), "move_child");
  begin(); argInt(a); call(modNode(), "remove_child");
  addChild(a);
  begin(); call(a, "queue_free");
  return 1;
}

// --- Item 7: Variants ----------------------------------------------------------------------

/** str(Signal(object id, "x")) through the utility functions: the ObjectID oracle. */
export function forge_signal(id: i64, nested: i32): i32 {
  let at: usize = BIG;
  store<u32>(at, 28); store<u32>(at + 4, 1); at += 8;
  if (nested) { store<u32>(at, 28); store<u32>(at + 4, 1); at += 8; }
  store<u32>(at, 26); store<u32>(at + 4, 1); store<u8>(at + 8, 120); at += 12; // Signal: name "x"
  store<i64>(at, id); at += 8;
  const n = ascii("str", NAME);
  return _utility(NAME, n, BIG, <i32>(at - BIG), OUT, 64);
}

/** str(Callable) through the utility functions. */
export function forge_callable(): i32 {
  store<u32>(BIG, 28); store<u32>(BIG + 4, 1); store<u32>(BIG + 8, 25);
  const n = ascii("str", NAME);
  return _utility(NAME, n, BIG, 12, OUT, 64);
}

/** object_get_class / object_is_valid of any handle number. */
export function class_of(h: i32): i32 { return _get_class(h, OUT, 64); }
export function valid(h: i32): i32 { return _is_valid(h); }

/** Adds one constructed child to the mod's node (a game handler of child_order_changed calls this again). */
export function add_one(): i32 {
  addChild(construct("Node"));
  return 1;
}

// --- Item 6: folders of mods loaded from bytes (level 2) -------------------------------------

export function save_secret(): i32 { return file_write("secret.txt", "mod A's secret"); }
/** The secret's length, -1 when this mod's folder has none. */
export function read_secret(): i32 {
  const s = file_read("secret.txt");
  if (s == null) return -1;
  return s.length;
}

// --- Item 8: an allowlisted prefix with an encoded "../" (level 2, worker main) ---------------

export function main(): i32 {
  const m = ascii("GET", NAME);
  const u = ascii("http://127.0.0.1:9/api/..%2fsecret", NAME + 16);
  _http(NAME, m, NAME + 16, u, BIG, 0, OUT, 64);
  return 0;
}

/** Two nested ColorRects each at z 100 in the tree: the inner one would sit at z 200. */
export function z_nested(): void {
  const a = construct("ColorRect");
  addChild(a);
  begin(); argInt(100); call(a, "set_z_index");
  const b = construct("ColorRect");
  begin(); argInt(b); call(a, "add_child");
  begin(); argInt(100); call(b, "set_z_index");
}

/** The same assembled out of the tree first, then added: refused when added. */
export function z_assembled(): void {
  const a = construct("ColorRect");
  begin(); argInt(100); call(a, "set_z_index");
  const b = construct("ColorRect");
  begin(); argInt(100); call(b, "set_z_index");
  begin(); argInt(b); call(a, "add_child");
  addChild(a);
}
