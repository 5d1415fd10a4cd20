// A mod using the game's own modding API (docs/godot.md, "Offer your game's API to mods"). The
// game registered these from GDScript with WasGoEngine.register_function; a `string` parameter
// is (pointer, UTF-8 length), a `node` a handle, a string result goes into a buffer we pass.
// Used by tests/godot/projects/game-api.
import { utf8, begin, argString, argInt, call, modNode, retObject, retInt } from "../../sdk/assemblyscript/godot";

@external("game", "spawn") declare function _spawn(kind: usize, kindLen: i32, x: f32, y: f32): i32;
@external("game", "damage") declare function _damage(node: i32, amount: i32): i32;
@external("game", "player_name") declare function _player_name(out: usize, cap: i32): i32;
@external("game", "secret") declare function _secret(): i32;
@external("game", "broken") declare function _broken(): i32;

const TEXT: usize = memory.data(256);

function spawn(kind: string, x: f32, y: f32): i32 {
  return _spawn(TEXT, utf8(kind, TEXT, 256), x, y);
}

/** main(), run in a worker by mod.start(): its status is what the game's spawn returned. */
export function main(): i32 {
  return spawn("worker", 3, 4);
}

export function spawn_at(x: f32, y: f32): i32 {
  return spawn("orc", x, y);
}

/** The game's damage(node, amount) on the mod's own node. */
export function damage_self(amount: i32): i32 {
  return _damage(modNode(), amount);
}

/** The same on the node called "Child" under the mod's node (the game may have moved it away). */
export function damage_child(amount: i32): i32 {
  begin();
  argString("Child");
  call(modNode(), "get_node");
  return _damage(retObject(), amount);
}

let kept: i32 = 0;

/** Keeps a handle to "Child" (the game may move that node out of the mod's subtree later). */
export function keep_child(): i32 {
  begin();
  argString("Child");
  call(modNode(), "get_node");
  kept = retObject();
  return kept;
}

export function damage_kept(amount: i32): i32 {
  return _damage(kept, amount);
}

/** A handle the mod never got. */
export function damage_forged(): i32 {
  return _damage(4242, 1);
}

/** The player's name's UTF-8 length (the game's string result); its first byte at TEXT. */
export function name_length(): i32 {
  return _player_name(TEXT, 256);
}

export function first_byte(): i32 {
  return <i32>load<u8>(TEXT);
}

export function secret(): i32 {
  return _secret();
}

export function broken(): i32 {
  return _broken();
}

/** AnimatedSprite2D.play on the child "Sprite" (allowed below level 3 only by a policy addition). */
export function play_sprite(): i32 {
  begin();
  argString("Sprite");
  call(modNode(), "get_node");
  const sprite = retObject();
  begin();
  call(sprite, "play");
  return 1;
}

/** The game script method Crate.open() on the child "Crate" (a class_name script; allowed by a policy addition). */
export function open_crate(): i64 {
  begin();
  argString("Crate");
  call(modNode(), "get_node");
  const crate = retObject();
  begin();
  argInt(5);
  call(crate, "open");
  return retInt();
}

@external("game", "hp") declare function _hp(): i32;

export function hp(): i32 {
  return _hp();
}

@external("game", "echo") declare function _echo(v: usize, n: i32, out: usize, cap: i32): i32;

const VALUE: usize = memory.data(64);

/** game.echo(variant) -> variant with var_to_bytes(x) (an int); returns the int in the answer, or -1. */
export function echo_int(x: i32): i64 {
  store<u32>(VALUE, 2); // Variant.Type INT, 32-bit
  store<i32>(VALUE + 4, x);
  const n = _echo(VALUE, 8, TEXT, 256);
  if (n < 8) return -1;
  const header = load<u32>(TEXT);
  if ((header & 0xff) != 2) return -1;
  return (header & (1 << 16)) ? load<i64>(TEXT + 4) : <i64>load<i32>(TEXT + 4);
}

/** game.echo with an Object smuggled in the variant (type 24, an ObjectID; `asId`: with Godot's object-as-ID flag): refused. */
export function echo_object(asId: i32): i32 {
  store<u32>(VALUE, asId ? 24 | (1 << 16) : 24);
  store<u64>(VALUE + 4, 1);
  return _echo(VALUE, 12, TEXT, 256);
}
