// The hand-written base of the typed Godot SDK (docs/sdk.md): Godot's built-in value types as
// AssemblyScript classes with operators, their var_to_bytes encoding over the low-level ABI
// (../godot.ts), and GodotObject, the handle-backed base of every generated object class.
// The generated entries (./level1.ts, ./level2.ts, ./level3.ts) import from here.
import {
  argBegin, argEnd, argF32, argI32, argBool, argFloat, argInt, argString, argObject, methodBind,
  modNode, retBool, retF32At, retFloat, retI32At, retInt, retObject, retString, isValid, release,
  connect, disconnect, singleton,
} from "../godot";

export { print, printError } from "../godot";

// Variant.Type numbers (Godot 4).
const T_VECTOR2: u32 = 5, T_VECTOR2I: u32 = 6, T_RECT2: u32 = 7, T_RECT2I: u32 = 8, T_VECTOR3: u32 = 9;
const T_VECTOR3I: u32 = 10, T_TRANSFORM2D: u32 = 11, T_VECTOR4: u32 = 12, T_VECTOR4I: u32 = 13;
const T_QUATERNION: u32 = 15, T_BASIS: u32 = 17, T_COLOR: u32 = 20;

@final export class Vector2 {
  constructor(public x: f32 = 0, public y: f32 = 0) {}
  @operator("+") add(o: Vector2): Vector2 { return new Vector2(this.x + o.x, this.y + o.y); }
  @operator("-") sub(o: Vector2): Vector2 { return new Vector2(this.x - o.x, this.y - o.y); }
  @operator("*") mul(o: Vector2): Vector2 { return new Vector2(this.x * o.x, this.y * o.y); }
  @operator("/") div(o: Vector2): Vector2 { return new Vector2(this.x / o.x, this.y / o.y); }
  @operator("==") eq(o: Vector2): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y; }
  @operator("!=") ne(o: Vector2): bool { return !this.eq(o); }
  @operator.prefix("-") neg(): Vector2 { return new Vector2(-this.x, -this.y); }
  scaled(s: f32): Vector2 { return new Vector2(this.x * s, this.y * s); }
  dot(o: Vector2): f32 { return this.x * o.x + this.y * o.y; }
  length(): f32 { return Mathf.sqrt(this.x * this.x + this.y * this.y); }
  normalized(): Vector2 { const l = this.length(); return l == 0 ? new Vector2() : new Vector2(this.x / l, this.y / l); }
  /** Sets both components in place (no allocation) and returns this. */
  set(x: f32, y: f32): Vector2 { this.x = x; this.y = y; return this; }
  toString(): string { return "(" + this.x.toString() + ", " + this.y.toString() + ")"; }
  static encode(v: Vector2): void { argBegin(T_VECTOR2); argF32(v.x); argF32(v.y); argEnd(); }
  static decode(out: Vector2 | null = null): Vector2 { return (changetype<usize>(out) != 0 ? out : new Vector2()).set(retF32At(0), retF32At(1)); }
}

@final export class Vector2i {
  constructor(public x: i32 = 0, public y: i32 = 0) {}
  @operator("+") add(o: Vector2i): Vector2i { return new Vector2i(this.x + o.x, this.y + o.y); }
  @operator("-") sub(o: Vector2i): Vector2i { return new Vector2i(this.x - o.x, this.y - o.y); }
  @operator("*") mul(o: Vector2i): Vector2i { return new Vector2i(this.x * o.x, this.y * o.y); }
  @operator("==") eq(o: Vector2i): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y; }
  @operator("!=") ne(o: Vector2i): bool { return !this.eq(o); }
  static encode(v: Vector2i): void { argBegin(T_VECTOR2I); argI32(v.x); argI32(v.y); argEnd(); }
  static decode(out: Vector2i | null = null): Vector2i { const r = changetype<usize>(out) != 0 ? out : new Vector2i(); r.x = retI32At(0); r.y = retI32At(1); return r; }
}

@final export class Vector3 {
  constructor(public x: f32 = 0, public y: f32 = 0, public z: f32 = 0) {}
  @operator("+") add(o: Vector3): Vector3 { return new Vector3(this.x + o.x, this.y + o.y, this.z + o.z); }
  @operator("-") sub(o: Vector3): Vector3 { return new Vector3(this.x - o.x, this.y - o.y, this.z - o.z); }
  @operator("*") mul(o: Vector3): Vector3 { return new Vector3(this.x * o.x, this.y * o.y, this.z * o.z); }
  @operator("/") div(o: Vector3): Vector3 { return new Vector3(this.x / o.x, this.y / o.y, this.z / o.z); }
  @operator("==") eq(o: Vector3): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y && this.z == o.z; }
  @operator("!=") ne(o: Vector3): bool { return !this.eq(o); }
  @operator.prefix("-") neg(): Vector3 { return new Vector3(-this.x, -this.y, -this.z); }
  scaled(s: f32): Vector3 { return new Vector3(this.x * s, this.y * s, this.z * s); }
  dot(o: Vector3): f32 { return this.x * o.x + this.y * o.y + this.z * o.z; }
  cross(o: Vector3): Vector3 { return new Vector3(this.y * o.z - this.z * o.y, this.z * o.x - this.x * o.z, this.x * o.y - this.y * o.x); }
  length(): f32 { return Mathf.sqrt(this.dot(this)); }
  set(x: f32, y: f32, z: f32): Vector3 { this.x = x; this.y = y; this.z = z; return this; }
  static encode(v: Vector3): void { argBegin(T_VECTOR3); argF32(v.x); argF32(v.y); argF32(v.z); argEnd(); }
  static decode(out: Vector3 | null = null): Vector3 { return (changetype<usize>(out) != 0 ? out : new Vector3()).set(retF32At(0), retF32At(1), retF32At(2)); }
}

@final export class Vector3i {
  constructor(public x: i32 = 0, public y: i32 = 0, public z: i32 = 0) {}
  @operator("+") add(o: Vector3i): Vector3i { return new Vector3i(this.x + o.x, this.y + o.y, this.z + o.z); }
  @operator("-") sub(o: Vector3i): Vector3i { return new Vector3i(this.x - o.x, this.y - o.y, this.z - o.z); }
  @operator("==") eq(o: Vector3i): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y && this.z == o.z; }
  @operator("!=") ne(o: Vector3i): bool { return !this.eq(o); }
  static encode(v: Vector3i): void { argBegin(T_VECTOR3I); argI32(v.x); argI32(v.y); argI32(v.z); argEnd(); }
  static decode(out: Vector3i | null = null): Vector3i { const r = changetype<usize>(out) != 0 ? out : new Vector3i(); r.x = retI32At(0); r.y = retI32At(1); r.z = retI32At(2); return r; }
}

@final export class Vector4 {
  constructor(public x: f32 = 0, public y: f32 = 0, public z: f32 = 0, public w: f32 = 0) {}
  @operator("+") add(o: Vector4): Vector4 { return new Vector4(this.x + o.x, this.y + o.y, this.z + o.z, this.w + o.w); }
  @operator("-") sub(o: Vector4): Vector4 { return new Vector4(this.x - o.x, this.y - o.y, this.z - o.z, this.w - o.w); }
  @operator("==") eq(o: Vector4): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y && this.z == o.z && this.w == o.w; }
  @operator("!=") ne(o: Vector4): bool { return !this.eq(o); }
  static encode(v: Vector4): void { argBegin(T_VECTOR4); argF32(v.x); argF32(v.y); argF32(v.z); argF32(v.w); argEnd(); }
  static decode(out: Vector4 | null = null): Vector4 { const r = changetype<usize>(out) != 0 ? out : new Vector4(); r.x = retF32At(0); r.y = retF32At(1); r.z = retF32At(2); r.w = retF32At(3); return r; }
}

@final export class Vector4i {
  constructor(public x: i32 = 0, public y: i32 = 0, public z: i32 = 0, public w: i32 = 0) {}
  @operator("==") eq(o: Vector4i): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y && this.z == o.z && this.w == o.w; }
  @operator("!=") ne(o: Vector4i): bool { return !this.eq(o); }
  static encode(v: Vector4i): void { argBegin(T_VECTOR4I); argI32(v.x); argI32(v.y); argI32(v.z); argI32(v.w); argEnd(); }
  static decode(out: Vector4i | null = null): Vector4i { const r = changetype<usize>(out) != 0 ? out : new Vector4i(); r.x = retI32At(0); r.y = retI32At(1); r.z = retI32At(2); r.w = retI32At(3); return r; }
}

@final export class Rect2 {
  constructor(public position: Vector2 = new Vector2(), public size: Vector2 = new Vector2()) {}
  static of(x: f32, y: f32, w: f32, h: f32): Rect2 { return new Rect2(new Vector2(x, y), new Vector2(w, h)); }
  get end(): Vector2 { return this.position + this.size; }
  hasPoint(p: Vector2): bool { return p.x >= this.position.x && p.y >= this.position.y && p.x < this.position.x + this.size.x && p.y < this.position.y + this.size.y; }
  @operator("==") eq(o: Rect2): bool { return changetype<usize>(o) != 0 && this.position == o.position && this.size == o.size; }
  @operator("!=") ne(o: Rect2): bool { return !this.eq(o); }
  static encode(v: Rect2): void { argBegin(T_RECT2); argF32(v.position.x); argF32(v.position.y); argF32(v.size.x); argF32(v.size.y); argEnd(); }
  static decode(out: Rect2 | null = null): Rect2 { const r = changetype<usize>(out) != 0 ? out : new Rect2(); r.position.set(retF32At(0), retF32At(1)); r.size.set(retF32At(2), retF32At(3)); return r; }
}

@final export class Rect2i {
  constructor(public position: Vector2i = new Vector2i(), public size: Vector2i = new Vector2i()) {}
  @operator("==") eq(o: Rect2i): bool { return changetype<usize>(o) != 0 && this.position == o.position && this.size == o.size; }
  @operator("!=") ne(o: Rect2i): bool { return !this.eq(o); }
  static encode(v: Rect2i): void { argBegin(T_RECT2I); argI32(v.position.x); argI32(v.position.y); argI32(v.size.x); argI32(v.size.y); argEnd(); }
  static decode(out: Rect2i | null = null): Rect2i { const r = changetype<usize>(out) != 0 ? out : new Rect2i(); r.position.x = retI32At(0); r.position.y = retI32At(1); r.size.x = retI32At(2); r.size.y = retI32At(3); return r; }
}

@final export class Color {
  constructor(public r: f32 = 0, public g: f32 = 0, public b: f32 = 0, public a: f32 = 1) {}
  @operator("+") add(o: Color): Color { return new Color(this.r + o.r, this.g + o.g, this.b + o.b, this.a + o.a); }
  @operator("*") mul(o: Color): Color { return new Color(this.r * o.r, this.g * o.g, this.b * o.b, this.a * o.a); }
  @operator("==") eq(o: Color): bool { return changetype<usize>(o) != 0 && this.r == o.r && this.g == o.g && this.b == o.b && this.a == o.a; }
  @operator("!=") ne(o: Color): bool { return !this.eq(o); }
  lerp(o: Color, t: f32): Color { return new Color(this.r + (o.r - this.r) * t, this.g + (o.g - this.g) * t, this.b + (o.b - this.b) * t, this.a + (o.a - this.a) * t); }
  // Color is always four f32 in var_to_bytes (no 64-bit flag).
  static encode(v: Color): void { argBegin(T_COLOR); argF32(v.r); argF32(v.g); argF32(v.b); argF32(v.a); argEnd(); }
  static decode(out: Color | null = null): Color { const r = changetype<usize>(out) != 0 ? out : new Color(); r.r = retF32At(0); r.g = retF32At(1); r.b = retF32At(2); r.a = retF32At(3); return r; }
}

@final export class Quaternion {
  constructor(public x: f32 = 0, public y: f32 = 0, public z: f32 = 0, public w: f32 = 1) {}
  @operator("*") mul(o: Quaternion): Quaternion {
    return new Quaternion(
      this.w * o.x + this.x * o.w + this.y * o.z - this.z * o.y,
      this.w * o.y + this.y * o.w + this.z * o.x - this.x * o.z,
      this.w * o.z + this.z * o.w + this.x * o.y - this.y * o.x,
      this.w * o.w - this.x * o.x - this.y * o.y - this.z * o.z);
  }
  @operator("==") eq(o: Quaternion): bool { return changetype<usize>(o) != 0 && this.x == o.x && this.y == o.y && this.z == o.z && this.w == o.w; }
  @operator("!=") ne(o: Quaternion): bool { return !this.eq(o); }
  static encode(v: Quaternion): void { argBegin(T_QUATERNION); argF32(v.x); argF32(v.y); argF32(v.z); argF32(v.w); argEnd(); }
  static decode(out: Quaternion | null = null): Quaternion { const r = changetype<usize>(out) != 0 ? out : new Quaternion(); r.x = retF32At(0); r.y = retF32At(1); r.z = retF32At(2); r.w = retF32At(3); return r; }
}

/** A 2D affine transform: columns x, y and the origin (Godot's layout). */
@final export class Transform2D {
  constructor(public x: Vector2 = new Vector2(1, 0), public y: Vector2 = new Vector2(0, 1), public origin: Vector2 = new Vector2()) {}
  /** Applies the transform to a point. */
  @operator("*") xform(p: Vector2): Vector2 { return new Vector2(this.x.x * p.x + this.y.x * p.y + this.origin.x, this.x.y * p.x + this.y.y * p.y + this.origin.y); }
  static encode(v: Transform2D): void {
    argBegin(T_TRANSFORM2D); argF32(v.x.x); argF32(v.x.y); argF32(v.y.x); argF32(v.y.y); argF32(v.origin.x); argF32(v.origin.y); argEnd();
  }
  static decode(out: Transform2D | null = null): Transform2D {
    const r = changetype<usize>(out) != 0 ? out : new Transform2D();
    r.x.set(retF32At(0), retF32At(1)); r.y.set(retF32At(2), retF32At(3)); r.origin.set(retF32At(4), retF32At(5));
    return r;
  }
}

/** A 3x3 matrix, rows x, y, z (Godot's Basis.rows; var_to_bytes writes them row by row). */
@final export class Basis {
  constructor(public x: Vector3 = new Vector3(1, 0, 0), public y: Vector3 = new Vector3(0, 1, 0), public z: Vector3 = new Vector3(0, 0, 1)) {}
  @operator("*") xform(v: Vector3): Vector3 { return new Vector3(this.x.dot(v), this.y.dot(v), this.z.dot(v)); }
  static encode(v: Basis): void {
    argBegin(T_BASIS);
    argF32(v.x.x); argF32(v.x.y); argF32(v.x.z); argF32(v.y.x); argF32(v.y.y); argF32(v.y.z); argF32(v.z.x); argF32(v.z.y); argF32(v.z.z);
    argEnd();
  }
  static decode(out: Basis | null = null): Basis {
    const r = changetype<usize>(out) != 0 ? out : new Basis();
    r.x.set(retF32At(0), retF32At(1), retF32At(2)); r.y.set(retF32At(3), retF32At(4), retF32At(5)); r.z.set(retF32At(6), retF32At(7), retF32At(8));
    return r;
  }
}

// --- Scalars and strings, used by the generated code.

// @ts-ignore: decorator
@inline export function encodeBool(v: bool): void { argBool(v); }
// @ts-ignore: decorator
@inline export function encodeInt(v: i64): void { argInt(v); }
// @ts-ignore: decorator
@inline export function encodeFloat(v: f64): void { argFloat(v); }
/** String, StringName and NodePath arguments are sent as Strings; Godot converts them. */
// @ts-ignore: decorator
@inline export function encodeString(v: string): void { argString(v); }
export function encodeObject(v: GodotObject | null): void { argObject(v === null ? 0 : v.handle); }
// @ts-ignore: decorator
@inline export function decodeBool(): bool { return retBool(); }
// @ts-ignore: decorator
@inline export function decodeInt(): i64 { return retInt(); }
// @ts-ignore: decorator
@inline export function decodeFloat(): f64 { return retFloat(); }
// @ts-ignore: decorator
@inline export function decodeString(): string { return retString(); }
// @ts-ignore: decorator
@inline export function decodeHandle(): i32 { return retObject(); }

/**
 * The base of every object class: a handle (docs/abi.md, "Objects are handles"). Wrapping a
 * handle allocates one small object; keep wrappers you use every frame (Node2D.self() once).
 */
export class GodotObject {
  constructor(public readonly handle: i32) {}
  /** The object behind the handle still exists and the handle is live. */
  isValid(): bool { return this.handle != 0 && isValid(this.handle); }
  /** Forgets the handle (the object itself lives on); the wrapper is then unusable. */
  release(): void { release(this.handle); }
  /**
   * Connects this object's `signal` to the mod's exported function `exportName`, which gets the
   * signal's arguments as numbers (objects as handles). Returns the connection (> 0).
   */
  connectExport(signal: string, exportName: string): i32 { return connect(this.handle, signal, exportName); }
  /** Disconnects a connection made by connectExport; false when it was not connected. */
  static disconnectExport(connection: i32): bool { return disconnect(connection); }
  /** Views this object as class T (no check: the bridge checks every call against the real class). */
  as<T extends GodotObject>(): T { return instantiate<T>(this.handle); }
}

/** The handle of the mod's own node (always 1). */
export function modHandle(): i32 { return modNode(); }
/** The handle of an engine singleton, 0 when the level does not allow it. */
export function singletonHandle(name: string): i32 { return singleton(name); }
