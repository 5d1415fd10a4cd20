/* The hand-written base of the typed C bindings (docs/sdk.md): Godot's value types as structs and
 * their var_to_bytes encoding over ../godot.h. The generated godot/level<N>.h include this.
 * Rect2 is {x, y, w, h}; Transform2D is the columns x, y and the origin; Basis is rows x, y, z. */
#ifndef WASGO_GODOT_CORE_H
#define WASGO_GODOT_CORE_H
#include "../godot.h"

/* A declaration the mod's level does not allow: using it fails the build with `msg`. */
#if defined(__clang__)
#define GODOT_NEEDS_LEVEL(msg) __attribute__((unavailable(msg)))
#else
#define GODOT_NEEDS_LEVEL(msg) __attribute__((error(msg)))
#endif

/* The result buffer of the typed calls (one per translation unit; results are decoded at once). */
#define GODOT_RET_CAP 256
static uint8_t godot__ret[GODOT_RET_CAP];
/* Component i of a float vector-like result (64-bit floats when the header says so). */
static inline float godot_ret_f32_at(const void *r, int i) {
  const uint8_t *p = (const uint8_t *)r;
  return (godot_get_u32(p) & GODOT_FLAG_64) ? (float)godot_get_f64(p + 4 + 8 * i) : godot_get_f32(p + 4 + 4 * i);
}
static inline int32_t godot_ret_i32_at(const void *r, int i) { return (int32_t)godot_get_u32((const uint8_t *)r + 4 + 4 * i); }
typedef struct { float x, y; } godot_Vector2;
static inline int32_t godot_put_Vector2(uint8_t *p_, godot_Vector2 v) { godot_put_u32(p_, 5); godot_put_f32(p_ + 4, v.x); godot_put_f32(p_ + 8, v.y); return 12; }
static inline void godot_arg_Vector2(godot_args *a, godot_Vector2 v) { GODOT__ARG(a, 12, godot_put_Vector2(p_, v)); }
static inline godot_Vector2 godot_ret_Vector2(const void *r) { godot_Vector2 v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1) }; return v; }

typedef struct { int32_t x, y; } godot_Vector2i;
static inline int32_t godot_put_Vector2i(uint8_t *p_, godot_Vector2i v) { godot_put_u32(p_, 6); godot_put_u32(p_ + 4, (uint32_t)v.x); godot_put_u32(p_ + 8, (uint32_t)v.y); return 12; }
static inline void godot_arg_Vector2i(godot_args *a, godot_Vector2i v) { GODOT__ARG(a, 12, godot_put_Vector2i(p_, v)); }
static inline godot_Vector2i godot_ret_Vector2i(const void *r) { godot_Vector2i v = { godot_ret_i32_at(r, 0), godot_ret_i32_at(r, 1) }; return v; }

typedef struct { float x, y, w, h; } godot_Rect2;
static inline int32_t godot_put_Rect2(uint8_t *p_, godot_Rect2 v) { godot_put_u32(p_, 7); godot_put_f32(p_ + 4, v.x); godot_put_f32(p_ + 8, v.y); godot_put_f32(p_ + 12, v.w); godot_put_f32(p_ + 16, v.h); return 20; }
static inline void godot_arg_Rect2(godot_args *a, godot_Rect2 v) { GODOT__ARG(a, 20, godot_put_Rect2(p_, v)); }
static inline godot_Rect2 godot_ret_Rect2(const void *r) { godot_Rect2 v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2), godot_ret_f32_at(r, 3) }; return v; }

typedef struct { int32_t x, y, w, h; } godot_Rect2i;
static inline int32_t godot_put_Rect2i(uint8_t *p_, godot_Rect2i v) { godot_put_u32(p_, 8); godot_put_u32(p_ + 4, (uint32_t)v.x); godot_put_u32(p_ + 8, (uint32_t)v.y); godot_put_u32(p_ + 12, (uint32_t)v.w); godot_put_u32(p_ + 16, (uint32_t)v.h); return 20; }
static inline void godot_arg_Rect2i(godot_args *a, godot_Rect2i v) { GODOT__ARG(a, 20, godot_put_Rect2i(p_, v)); }
static inline godot_Rect2i godot_ret_Rect2i(const void *r) { godot_Rect2i v = { godot_ret_i32_at(r, 0), godot_ret_i32_at(r, 1), godot_ret_i32_at(r, 2), godot_ret_i32_at(r, 3) }; return v; }

typedef struct { float x, y, z; } godot_Vector3;
static inline int32_t godot_put_Vector3(uint8_t *p_, godot_Vector3 v) { godot_put_u32(p_, 9); godot_put_f32(p_ + 4, v.x); godot_put_f32(p_ + 8, v.y); godot_put_f32(p_ + 12, v.z); return 16; }
static inline void godot_arg_Vector3(godot_args *a, godot_Vector3 v) { GODOT__ARG(a, 16, godot_put_Vector3(p_, v)); }
static inline godot_Vector3 godot_ret_Vector3(const void *r) { godot_Vector3 v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2) }; return v; }

typedef struct { int32_t x, y, z; } godot_Vector3i;
static inline int32_t godot_put_Vector3i(uint8_t *p_, godot_Vector3i v) { godot_put_u32(p_, 10); godot_put_u32(p_ + 4, (uint32_t)v.x); godot_put_u32(p_ + 8, (uint32_t)v.y); godot_put_u32(p_ + 12, (uint32_t)v.z); return 16; }
static inline void godot_arg_Vector3i(godot_args *a, godot_Vector3i v) { GODOT__ARG(a, 16, godot_put_Vector3i(p_, v)); }
static inline godot_Vector3i godot_ret_Vector3i(const void *r) { godot_Vector3i v = { godot_ret_i32_at(r, 0), godot_ret_i32_at(r, 1), godot_ret_i32_at(r, 2) }; return v; }

typedef struct { float xx, xy, yx, yy, ox, oy; } godot_Transform2D;
static inline int32_t godot_put_Transform2D(uint8_t *p_, godot_Transform2D v) { godot_put_u32(p_, 11); godot_put_f32(p_ + 4, v.xx); godot_put_f32(p_ + 8, v.xy); godot_put_f32(p_ + 12, v.yx); godot_put_f32(p_ + 16, v.yy); godot_put_f32(p_ + 20, v.ox); godot_put_f32(p_ + 24, v.oy); return 28; }
static inline void godot_arg_Transform2D(godot_args *a, godot_Transform2D v) { GODOT__ARG(a, 28, godot_put_Transform2D(p_, v)); }
static inline godot_Transform2D godot_ret_Transform2D(const void *r) { godot_Transform2D v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2), godot_ret_f32_at(r, 3), godot_ret_f32_at(r, 4), godot_ret_f32_at(r, 5) }; return v; }

typedef struct { float x, y, z, w; } godot_Vector4;
static inline int32_t godot_put_Vector4(uint8_t *p_, godot_Vector4 v) { godot_put_u32(p_, 12); godot_put_f32(p_ + 4, v.x); godot_put_f32(p_ + 8, v.y); godot_put_f32(p_ + 12, v.z); godot_put_f32(p_ + 16, v.w); return 20; }
static inline void godot_arg_Vector4(godot_args *a, godot_Vector4 v) { GODOT__ARG(a, 20, godot_put_Vector4(p_, v)); }
static inline godot_Vector4 godot_ret_Vector4(const void *r) { godot_Vector4 v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2), godot_ret_f32_at(r, 3) }; return v; }

typedef struct { int32_t x, y, z, w; } godot_Vector4i;
static inline int32_t godot_put_Vector4i(uint8_t *p_, godot_Vector4i v) { godot_put_u32(p_, 13); godot_put_u32(p_ + 4, (uint32_t)v.x); godot_put_u32(p_ + 8, (uint32_t)v.y); godot_put_u32(p_ + 12, (uint32_t)v.z); godot_put_u32(p_ + 16, (uint32_t)v.w); return 20; }
static inline void godot_arg_Vector4i(godot_args *a, godot_Vector4i v) { GODOT__ARG(a, 20, godot_put_Vector4i(p_, v)); }
static inline godot_Vector4i godot_ret_Vector4i(const void *r) { godot_Vector4i v = { godot_ret_i32_at(r, 0), godot_ret_i32_at(r, 1), godot_ret_i32_at(r, 2), godot_ret_i32_at(r, 3) }; return v; }

typedef struct { float x, y, z, w; } godot_Quaternion;
static inline int32_t godot_put_Quaternion(uint8_t *p_, godot_Quaternion v) { godot_put_u32(p_, 15); godot_put_f32(p_ + 4, v.x); godot_put_f32(p_ + 8, v.y); godot_put_f32(p_ + 12, v.z); godot_put_f32(p_ + 16, v.w); return 20; }
static inline void godot_arg_Quaternion(godot_args *a, godot_Quaternion v) { GODOT__ARG(a, 20, godot_put_Quaternion(p_, v)); }
static inline godot_Quaternion godot_ret_Quaternion(const void *r) { godot_Quaternion v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2), godot_ret_f32_at(r, 3) }; return v; }

typedef struct { float xx, xy, xz, yx, yy, yz, zx, zy, zz; } godot_Basis;
static inline int32_t godot_put_Basis(uint8_t *p_, godot_Basis v) { godot_put_u32(p_, 17); godot_put_f32(p_ + 4, v.xx); godot_put_f32(p_ + 8, v.xy); godot_put_f32(p_ + 12, v.xz); godot_put_f32(p_ + 16, v.yx); godot_put_f32(p_ + 20, v.yy); godot_put_f32(p_ + 24, v.yz); godot_put_f32(p_ + 28, v.zx); godot_put_f32(p_ + 32, v.zy); godot_put_f32(p_ + 36, v.zz); return 40; }
static inline void godot_arg_Basis(godot_args *a, godot_Basis v) { GODOT__ARG(a, 40, godot_put_Basis(p_, v)); }
static inline godot_Basis godot_ret_Basis(const void *r) { godot_Basis v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2), godot_ret_f32_at(r, 3), godot_ret_f32_at(r, 4), godot_ret_f32_at(r, 5), godot_ret_f32_at(r, 6), godot_ret_f32_at(r, 7), godot_ret_f32_at(r, 8) }; return v; }

typedef struct { float r, g, b, a; } godot_Color;
static inline int32_t godot_put_Color(uint8_t *p_, godot_Color v) { godot_put_u32(p_, 20); godot_put_f32(p_ + 4, v.r); godot_put_f32(p_ + 8, v.g); godot_put_f32(p_ + 12, v.b); godot_put_f32(p_ + 16, v.a); return 20; }
static inline void godot_arg_Color(godot_args *a, godot_Color v) { GODOT__ARG(a, 20, godot_put_Color(p_, v)); }
static inline godot_Color godot_ret_Color(const void *r) { godot_Color v = { godot_ret_f32_at(r, 0), godot_ret_f32_at(r, 1), godot_ret_f32_at(r, 2), godot_ret_f32_at(r, 3) }; return v; }

#endif
