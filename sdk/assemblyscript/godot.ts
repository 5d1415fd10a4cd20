// WasGo's `godot` module for AssemblyScript mods (docs/abi.md, "The godot module").
//
//   import { modNode, begin, argVec2, call, retVec2X, retVec2Y } from "../../sdk/assemblyscript/godot";
//   const node = modNode();
//   begin(); call(node, "get_position");           // no arguments
//   const x = retVec2X(), y = retVec2Y();
//   begin(); argVec2(x + 1, y); call(node, "set_position");
//
// Arguments are built in a static buffer with begin()/arg*() and sent as var_to_bytes(Array);
// results land in a static buffer read with ret*(). Nothing here allocates, so it is safe to
// call every frame with AssemblyScript's stub runtime. Objects are handles (i32).

@external("godot", "mod_node") declare function _mod_node(): i32;
@external("godot", "global_get_singleton") declare function _singleton(p: usize, n: i32): i32;
@external("godot", "classdb_get_method_bind") declare function _bind(cp: usize, cn: i32, mp: usize, mn: i32): i32;
@external("godot", "object_method_bind_call") declare function _bind_call(bind: i32, obj: i32, a: usize, an: i32, out: usize, cap: i32): i32;
@external("godot", "object_call") declare function _call(obj: i32, mp: usize, mn: i32, a: usize, an: i32, out: usize, cap: i32): i32;
@external("godot", "classdb_call_static") declare function _call_static(cp: usize, cn: i32, mp: usize, mn: i32, a: usize, an: i32, out: usize, cap: i32): i32;
@external("godot", "object_get") declare function _get(obj: i32, pp: usize, pn: i32, out: usize, cap: i32): i32;
@external("godot", "object_set") declare function _set(obj: i32, pp: usize, pn: i32, v: usize, vn: i32): void;
@external("godot", "object_is_valid") declare function _is_valid(obj: i32): i32;
@external("godot", "classdb_construct_object") declare function _construct(cp: usize, cn: i32): i32;
@external("godot", "handle_release") declare function _release(obj: i32): void;
@external("godot", "variant_utility_call") declare function _utility(np: usize, nn: i32, a: usize, an: i32, out: usize, cap: i32): i32;
@external("godot", "object_connect") declare function _connect(obj: i32, sp: usize, sn: i32, ep: usize, en: i32, buf: usize, cap: i32): i32;
@external("godot", "object_disconnect") declare function _disconnect(connection: i32): i32;
@external("godot", "print") declare function _print(p: usize, n: i32): void;
@external("godot", "print_error") declare function _print_error(p: usize, n: i32): void;

// Godot's Variant.Type numbers and header flags (var_to_bytes format).
export const NIL: i32 = 0;
export const BOOL: i32 = 1;
export const INT: i32 = 2;
export const FLOAT: i32 = 3;
export const STRING: i32 = 4;
export const VECTOR2: i32 = 5;
export const ARRAY: i32 = 28;
const FLAG_64: u32 = 1 << 16;

const ARGS_CAP: i32 = 4096;
const RET_CAP: i32 = 4096;
const NAME_CAP: i32 = 1024;
const ARGS: usize = memory.data(ARGS_CAP);
const RET: usize = memory.data(RET_CAP);
const NAME_A: usize = memory.data(NAME_CAP);
const NAME_B: usize = memory.data(NAME_CAP);
let argLen: i32 = 8;
let argCount: i32 = 0;
let retLen: i32 = 0;

/**
 * UTF-8 of `s` into `to` (at most `cap` bytes; no allocation); returns the length. Also for a
 * game's own functions that take a `string` (pointer, length): see docs/godot.md.
 */
export function utf8(s: string, to: usize, cap: i32): i32 {
  let n: i32 = 0;
  for (let i = 0; i < s.length; i++) {
    let c = <u32>s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = <u32>s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
    }
    if (n + 4 > cap) break;
    if (c < 0x80) { store<u8>(to + n++, c); }
    else if (c < 0x800) { store<u8>(to + n++, 0xc0 | (c >> 6)); store<u8>(to + n++, 0x80 | (c & 63)); }
    else if (c < 0x10000) { store<u8>(to + n++, 0xe0 | (c >> 12)); store<u8>(to + n++, 0x80 | ((c >> 6) & 63)); store<u8>(to + n++, 0x80 | (c & 63)); }
    else { store<u8>(to + n++, 0xf0 | (c >> 18)); store<u8>(to + n++, 0x80 | ((c >> 12) & 63)); store<u8>(to + n++, 0x80 | ((c >> 6) & 63)); store<u8>(to + n++, 0x80 | (c & 63)); }
  }
  return n;
}

// --- Arguments: begin(), then one arg*() per argument, in order.

export function begin(): void { argLen = 8; argCount = 0; }
function put32(v: u32): void { store<u32>(ARGS + argLen, v); argLen += 4; }
export function argNil(): void { put32(NIL); argCount++; }
export function argBool(v: bool): void { put32(BOOL); put32(v ? 1 : 0); argCount++; }
export function argInt(v: i64): void {
  if (v >= -2147483648 && v <= 2147483647) { put32(INT); put32(<u32>v); }
  else { put32(INT | FLAG_64); store<i64>(ARGS + argLen, v); argLen += 8; }
  argCount++;
}
export function argFloat(v: f64): void { put32(FLOAT | FLAG_64); store<f64>(ARGS + argLen, v); argLen += 8; argCount++; }
export function argVec2(x: f32, y: f32): void { put32(VECTOR2); store<f32>(ARGS + argLen, x); store<f32>(ARGS + argLen + 4, y); argLen += 8; argCount++; }
/** An object argument: its handle (0 = null). Only for parameters ClassDB declares as objects. */
export function argObject(handle: i32): void { argInt(handle); }
export function argString(s: string): void {
  put32(STRING);
  const n = utf8(s, ARGS + argLen + 4, ARGS_CAP - argLen - 8);
  put32(n);
  argLen += (n + 3) & ~3;
  argCount++;
}
/** Starts an argument of Variant type `t` (its header); follow with argF32/argI32, then argEnd(). */
export function argBegin(t: u32): void { put32(t); }
export function argF32(v: f32): void { store<f32>(ARGS + argLen, v); argLen += 4; }
export function argI32(v: i32): void { store<i32>(ARGS + argLen, v); argLen += 4; }
export function argEnd(): void { argCount++; }
/** Raw var_to_bytes of one value, for types the helpers above do not cover. */
export function argRaw(ptr: usize, len: i32): void { memory.copy(ARGS + argLen, ptr, len); argLen += len; argCount++; }

function sealArgs(): void { store<u32>(ARGS, ARRAY); store<u32>(ARGS + 4, argCount); }

// --- Calls. Each returns the result's full length (bytes) and leaves it for ret*().

export function modNode(): i32 { return _mod_node(); }
export function singleton(name: string): i32 { return _singleton(NAME_A, utf8(name, NAME_A, NAME_CAP)); }
export function methodBind(cls: string, method: string): i32 {
  return _bind(NAME_A, utf8(cls, NAME_A, NAME_CAP), NAME_B, utf8(method, NAME_B, NAME_CAP));
}
export function callBind(bind: i32, obj: i32): i32 {
  sealArgs();
  retLen = _bind_call(bind, obj, ARGS, argLen, RET, RET_CAP);
  begin();
  return retLen;
}
export function call(obj: i32, method: string): i32 {
  sealArgs();
  retLen = _call(obj, NAME_A, utf8(method, NAME_A, NAME_CAP), ARGS, argLen, RET, RET_CAP);
  begin();
  return retLen;
}
export function callStatic(cls: string, method: string): i32 {
  sealArgs();
  retLen = _call_static(NAME_A, utf8(cls, NAME_A, NAME_CAP), NAME_B, utf8(method, NAME_B, NAME_CAP), ARGS, argLen, RET, RET_CAP);
  begin();
  return retLen;
}
export function utility(name: string): i32 {
  sealArgs();
  retLen = _utility(NAME_A, utf8(name, NAME_A, NAME_CAP), ARGS, argLen, RET, RET_CAP);
  begin();
  return retLen;
}
export function get(obj: i32, property: string): i32 {
  retLen = _get(obj, NAME_A, utf8(property, NAME_A, NAME_CAP), RET, RET_CAP);
  return retLen;
}
/** Sets a property to the ONE value built with begin()/arg*(). */
export function set(obj: i32, property: string): void {
  _set(obj, NAME_A, utf8(property, NAME_A, NAME_CAP), ARGS + 8, argLen - 8);
  begin();
}
export function construct(cls: string): i32 { return _construct(NAME_A, utf8(cls, NAME_A, NAME_CAP)); }
export function isValid(obj: i32): bool { return _is_valid(obj) != 0; }
export function release(obj: i32): void { _release(obj); }
/**
 * Connects `signal` of `obj` to the mod's export `exportName`, called when the signal fires
 * with its arguments as numbers (bool, int, float; objects as handles; null as 0). Returns the
 * connection.
 */
export function connect(obj: i32, signal: string, exportName: string): i32 {
  return _connect(obj, NAME_A, utf8(signal, NAME_A, NAME_CAP), NAME_B, utf8(exportName, NAME_B, NAME_CAP), 0, 0);
}
/**
 * Connects `signal` of `obj` to `exportName(length: i32)`: each time the signal fires,
 * var_to_bytes of the Array of its arguments (objects as handles) is written to [buf, buf+cap)
 * (cut at cap) and the export gets the full length.
 */
export function connectBuffer(obj: i32, signal: string, exportName: string, buf: usize, cap: i32): i32 {
  return _connect(obj, NAME_A, utf8(signal, NAME_A, NAME_CAP), NAME_B, utf8(exportName, NAME_B, NAME_CAP), buf, cap);
}
/** Disconnects a connection; false when it was not connected (any more). */
export function disconnect(connection: i32): bool { return _disconnect(connection) != 0; }
export function print(text: string): void { _print(NAME_A, utf8(text, NAME_A, NAME_CAP)); }
export function printError(text: string): void { _print_error(NAME_A, utf8(text, NAME_A, NAME_CAP)); }

// --- Results (of the last call/get/utility).

export function retType(): i32 { return retLen >= 4 ? <i32>(load<u32>(RET) & 0xff) : NIL; }
export function retInt(): i64 {
  const h = load<u32>(RET);
  const t = <i32>(h & 0xff);
  if (t == INT || t == BOOL || t == 24) return (h & FLAG_64) ? load<i64>(RET + 4) : <i64>load<i32>(RET + 4);
  if (t == FLOAT) return <i64>retFloat();
  return 0;
}
export function retBool(): bool { return retInt() != 0; }
export function retFloat(): f64 {
  const h = load<u32>(RET);
  const t = <i32>(h & 0xff);
  if (t == FLOAT) return (h & FLAG_64) ? load<f64>(RET + 4) : <f64>load<f32>(RET + 4);
  if (t == INT) return <f64>retInt();
  return 0;
}
/** A returned object is its handle (an int in the result). */
export function retObject(): i32 { return <i32>retInt(); }
export function retVec2X(): f32 { return (load<u32>(RET) & FLAG_64) ? <f32>load<f64>(RET + 4) : load<f32>(RET + 4); }
export function retVec2Y(): f32 { return (load<u32>(RET) & FLAG_64) ? <f32>load<f64>(RET + 12) : load<f32>(RET + 8); }
/** Float component `i` (0-based, after the header) of a vector-like result (Vector2/3/4, Rect2, Color, ...). */
export function retF32At(i: i32): f32 {
  return (load<u32>(RET) & FLAG_64) ? <f32>load<f64>(RET + 4 + (i << 3)) : load<f32>(RET + 4 + (i << 2));
}
/** Integer component `i` of a Vector2i/3i/4i or Rect2i result. */
export function retI32At(i: i32): i32 { return load<i32>(RET + 4 + (i << 2)); }
/** A String / StringName result as an AssemblyScript string ("" for anything else). */
export function retString(): string {
  const t = retType();
  if (t != STRING && t != 21 || retLen < 8) return "";
  const n = <i32>load<u32>(RET + 4);
  return String.UTF8.decodeUnsafe(RET + 8, <usize>min(n, RET_CAP - 8));
}
/** The raw result bytes (valid until the next call). */
export function retPtr(): usize { return RET; }
export function retLength(): i32 { return retLen; }
