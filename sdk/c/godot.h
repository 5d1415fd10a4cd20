/* WasGo's `godot` module for C mods (clang --target=wasm32 -nostdlib). See docs/abi.md,
 * "The godot module".
 *
 *   #include "godot.h"
 *   int32_t node = godot_mod_node();
 *   int32_t get = godot_method_bind("Node2D", "get_position");
 *   uint8_t ret[64];
 *   godot_args a;
 *   godot_args_begin(&a);                            // no arguments
 *   godot_bind_call(get, node, &a, ret, sizeof ret);
 *   float x = godot_ret_vec2_x(ret), y = godot_ret_vec2_y(ret);
 *   godot_args_begin(&a);
 *   godot_arg_vec2(&a, x + 1, y);
 *   godot_call(node, "set_position", &a, ret, sizeof ret);
 *
 * Values are Godot's binary serialization (var_to_bytes): a u32 header (type | flags), then the
 * payload, little-endian, padded to 4 bytes. Arguments are var_to_bytes of an Array; objects
 * are handles (int32). Nothing here allocates or needs libc. Results are written into a buffer
 * you give; calls return the result's full length (or -1 when the arguments did not fit). */
#ifndef WASGO_GODOT_H
#define WASGO_GODOT_H
#include <stdint.h>

#define GODOT_IMPORT(name) __attribute__((import_module("godot"), import_name(#name)))

/* --- The imports (docs/abi.md). Strings are UTF-8 (pointer, length). */
GODOT_IMPORT(mod_node) int32_t godot_mod_node(void);
GODOT_IMPORT(global_get_singleton) int32_t godot_global_get_singleton(const char *name, int32_t len);
GODOT_IMPORT(classdb_get_method_bind) int32_t godot_classdb_get_method_bind(const char *cls, int32_t cls_len, const char *method, int32_t method_len);
GODOT_IMPORT(object_method_bind_call) int32_t godot_object_method_bind_call(int32_t bind, int32_t obj, const void *args, int32_t args_len, void *ret, int32_t ret_cap);
GODOT_IMPORT(object_call) int32_t godot_object_call(int32_t obj, const char *method, int32_t method_len, const void *args, int32_t args_len, void *ret, int32_t ret_cap);
GODOT_IMPORT(classdb_call_static) int32_t godot_classdb_call_static(const char *cls, int32_t cls_len, const char *method, int32_t method_len, const void *args, int32_t args_len, void *ret, int32_t ret_cap);
GODOT_IMPORT(object_get) int32_t godot_object_get(int32_t obj, const char *prop, int32_t prop_len, void *ret, int32_t ret_cap);
GODOT_IMPORT(object_set) void godot_object_set(int32_t obj, const char *prop, int32_t prop_len, const void *value, int32_t value_len);
GODOT_IMPORT(object_get_class) int32_t godot_object_get_class(int32_t obj, char *out, int32_t cap);
GODOT_IMPORT(object_is_valid) int32_t godot_object_is_valid(int32_t obj);
GODOT_IMPORT(classdb_construct_object) int32_t godot_classdb_construct_object(const char *cls, int32_t len);
GODOT_IMPORT(handle_release) void godot_handle_release(int32_t obj);
GODOT_IMPORT(variant_utility_call) int32_t godot_variant_utility_call(const char *name, int32_t len, const void *args, int32_t args_len, void *ret, int32_t ret_cap);
GODOT_IMPORT(object_connect) int32_t godot_object_connect(int32_t obj, const char *signal, int32_t signal_len, const char *export_name, int32_t export_len, void *buf, int32_t cap);
GODOT_IMPORT(object_disconnect) int32_t godot_object_disconnect(int32_t connection);
GODOT_IMPORT(print) void godot_print_n(const char *text, int32_t len);
GODOT_IMPORT(print_error) void godot_print_error_n(const char *text, int32_t len);

/* --- Variant types and header flags (var_to_bytes). */
enum {
  GODOT_NIL = 0, GODOT_BOOL = 1, GODOT_INT = 2, GODOT_FLOAT = 3, GODOT_STRING = 4, GODOT_VECTOR2 = 5,
  GODOT_VECTOR2I = 6, GODOT_RECT2 = 7, GODOT_VECTOR3 = 9, GODOT_COLOR = 20, GODOT_STRING_NAME = 21,
  GODOT_NODE_PATH = 22, GODOT_OBJECT = 24, GODOT_DICTIONARY = 27, GODOT_ARRAY = 28,
};
#define GODOT_FLAG_64 (1u << 16)

static inline int32_t godot_strlen(const char *s) { int32_t n = 0; while (s[n]) n++; return n; }
static inline void godot_print(const char *text) { godot_print_n(text, godot_strlen(text)); }
static inline void godot_print_error(const char *text) { godot_print_error_n(text, godot_strlen(text)); }

/* --- Encoding single values: each writes var_to_bytes(value) at `p` (which must have room:
 * see GODOT_SIZE_*) and returns the bytes written. */
#define GODOT_SIZE_NIL 4
#define GODOT_SIZE_BOOL 8
#define GODOT_SIZE_INT 12 /* at most */
#define GODOT_SIZE_FLOAT 12
#define GODOT_SIZE_VECTOR2 12
#define GODOT_SIZE_STRING(len) (8 + (((len) + 3) & ~3))
#define GODOT_SIZE_ARRAY_HEADER 8

static inline void godot_put_u32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static inline uint32_t godot_get_u32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }
static inline void godot_put_u64(uint8_t *p, uint64_t v) { godot_put_u32(p, (uint32_t)v); godot_put_u32(p + 4, (uint32_t)(v >> 32)); }
static inline uint64_t godot_get_u64(const uint8_t *p) { return (uint64_t)godot_get_u32(p) | ((uint64_t)godot_get_u32(p + 4) << 32); }
static inline void godot_put_f32(uint8_t *p, float v) { union { float f; uint32_t u; } c; c.f = v; godot_put_u32(p, c.u); }
static inline float godot_get_f32(const uint8_t *p) { union { float f; uint32_t u; } c; c.u = godot_get_u32(p); return c.f; }
static inline void godot_put_f64(uint8_t *p, double v) { union { double f; uint64_t u; } c; c.f = v; godot_put_u64(p, c.u); }
static inline double godot_get_f64(const uint8_t *p) { union { double f; uint64_t u; } c; c.u = godot_get_u64(p); return c.f; }

static inline int32_t godot_put_nil(uint8_t *p) { godot_put_u32(p, GODOT_NIL); return 4; }
static inline int32_t godot_put_bool(uint8_t *p, int v) { godot_put_u32(p, GODOT_BOOL); godot_put_u32(p + 4, v ? 1 : 0); return 8; }
/* 32-bit when it fits (what Godot writes), else 64-bit. */
static inline int32_t godot_put_int(uint8_t *p, int64_t v) {
  if (v >= INT32_MIN && v <= INT32_MAX) { godot_put_u32(p, GODOT_INT); godot_put_u32(p + 4, (uint32_t)(int32_t)v); return 8; }
  godot_put_u32(p, GODOT_INT | GODOT_FLAG_64); godot_put_u64(p + 4, (uint64_t)v); return 12;
}
static inline int32_t godot_put_float(uint8_t *p, double v) { godot_put_u32(p, GODOT_FLOAT | GODOT_FLAG_64); godot_put_f64(p + 4, v); return 12; }
static inline int32_t godot_put_vec2(uint8_t *p, float x, float y) { godot_put_u32(p, GODOT_VECTOR2); godot_put_f32(p + 4, x); godot_put_f32(p + 8, y); return 12; }
/* A String (type GODOT_STRING) or a StringName (GODOT_STRING_NAME) from UTF-8. */
static inline int32_t godot_put_string_as(uint8_t *p, uint32_t type, const char *s, int32_t len) {
  godot_put_u32(p, type);
  godot_put_u32(p + 4, (uint32_t)len);
  int32_t i = 0;
  for (; i < len; i++) p[8 + i] = (uint8_t)s[i];
  for (; i & 3; i++) p[8 + i] = 0;
  return 8 + i;
}
static inline int32_t godot_put_string(uint8_t *p, const char *s, int32_t len) { return godot_put_string_as(p, GODOT_STRING, s, len); }
/* An Array's header: `count` elements follow, each one encoded value. */
static inline int32_t godot_put_array_header(uint8_t *p, uint32_t count) { godot_put_u32(p, GODOT_ARRAY); godot_put_u32(p + 4, count); return 8; }

/* --- Building a call's arguments: var_to_bytes(Array). */
#ifndef GODOT_ARGS_CAP
#define GODOT_ARGS_CAP 1024
#endif
typedef struct {
  uint8_t buf[GODOT_ARGS_CAP];
  int32_t len;
  uint32_t count;
  int32_t overflow; /* an argument did not fit: the call is not made (returns -1) */
} godot_args;

static inline void godot_args_begin(godot_args *a) { a->len = GODOT_SIZE_ARRAY_HEADER; a->count = 0; a->overflow = 0; }
static inline uint8_t *godot__room(godot_args *a, int32_t n) {
  if (a->overflow || n < 0 || a->len + n > GODOT_ARGS_CAP) { a->overflow = 1; return 0; }
  return a->buf + a->len;
}
#define GODOT__ARG(a, size, expr) do { uint8_t *p_ = godot__room((a), (size)); if (p_) { (a)->len += (expr); (a)->count++; } } while (0)
static inline void godot_arg_nil(godot_args *a) { GODOT__ARG(a, GODOT_SIZE_NIL, godot_put_nil(p_)); }
static inline void godot_arg_bool(godot_args *a, int v) { GODOT__ARG(a, GODOT_SIZE_BOOL, godot_put_bool(p_, v)); }
static inline void godot_arg_int(godot_args *a, int64_t v) { GODOT__ARG(a, GODOT_SIZE_INT, godot_put_int(p_, v)); }
static inline void godot_arg_float(godot_args *a, double v) { GODOT__ARG(a, GODOT_SIZE_FLOAT, godot_put_float(p_, v)); }
static inline void godot_arg_vec2(godot_args *a, float x, float y) { GODOT__ARG(a, GODOT_SIZE_VECTOR2, godot_put_vec2(p_, x, y)); }
/* An object argument is its handle (0 = null); only for parameters ClassDB declares as objects. */
static inline void godot_arg_object(godot_args *a, int32_t handle) { godot_arg_int(a, handle); }
static inline void godot_arg_string_n(godot_args *a, const char *s, int32_t len) { GODOT__ARG(a, GODOT_SIZE_STRING(len), godot_put_string(p_, s, len)); }
static inline void godot_arg_string(godot_args *a, const char *s) { godot_arg_string_n(a, s, godot_strlen(s)); }
/* One value already encoded (var_to_bytes), for types the helpers do not cover. */
static inline void godot_arg_raw(godot_args *a, const void *v, int32_t len) {
  uint8_t *p = godot__room(a, len);
  if (!p) return;
  for (int32_t i = 0; i < len; i++) p[i] = ((const uint8_t *)v)[i];
  a->len += len;
  a->count++;
}
/* Seals the Array header; the bytes are a->buf[0 .. a->len). */
static inline const uint8_t *godot_args_bytes(godot_args *a) { godot_put_array_header(a->buf, a->count); return a->buf; }

/* --- Calls. Each returns the result's full length (the result is var_to_bytes in `ret`), or -1
 * when the arguments overflowed GODOT_ARGS_CAP (nothing was called). A refused or failed call
 * fails the mod (docs/abi.md), so there is nothing to check on success. */
static inline int32_t godot_singleton(const char *name) { return godot_global_get_singleton(name, godot_strlen(name)); }
static inline int32_t godot_method_bind(const char *cls, const char *method) {
  return godot_classdb_get_method_bind(cls, godot_strlen(cls), method, godot_strlen(method));
}
static inline int32_t godot_bind_call(int32_t bind, int32_t obj, godot_args *a, void *ret, int32_t cap) {
  if (a->overflow) return -1;
  return godot_object_method_bind_call(bind, obj, godot_args_bytes(a), a->len, ret, cap);
}
static inline int32_t godot_call(int32_t obj, const char *method, godot_args *a, void *ret, int32_t cap) {
  if (a->overflow) return -1;
  return godot_object_call(obj, method, godot_strlen(method), godot_args_bytes(a), a->len, ret, cap);
}
static inline int32_t godot_call_static(const char *cls, const char *method, godot_args *a, void *ret, int32_t cap) {
  if (a->overflow) return -1;
  return godot_classdb_call_static(cls, godot_strlen(cls), method, godot_strlen(method), godot_args_bytes(a), a->len, ret, cap);
}
static inline int32_t godot_utility(const char *name, godot_args *a, void *ret, int32_t cap) {
  if (a->overflow) return -1;
  return godot_variant_utility_call(name, godot_strlen(name), godot_args_bytes(a), a->len, ret, cap);
}
static inline int32_t godot_get(int32_t obj, const char *prop, void *ret, int32_t cap) {
  return godot_object_get(obj, prop, godot_strlen(prop), ret, cap);
}
/* Sets a property to one encoded value (godot_put_*). */
static inline void godot_set(int32_t obj, const char *prop, const void *value, int32_t len) {
  godot_object_set(obj, prop, godot_strlen(prop), value, len);
}
static inline int32_t godot_construct(const char *cls) { return godot_classdb_construct_object(cls, godot_strlen(cls)); }
/* Signals (docs/abi.md "Signals"): the export gets the arguments as numbers... */
static inline int32_t godot_connect(int32_t obj, const char *signal, const char *export_name) {
  return godot_object_connect(obj, signal, godot_strlen(signal), export_name, godot_strlen(export_name), 0, 0);
}
/* ...or their var_to_bytes in `buf` and its length as its one i32 parameter. */
static inline int32_t godot_connect_buffer(int32_t obj, const char *signal, const char *export_name, void *buf, int32_t cap) {
  return godot_object_connect(obj, signal, godot_strlen(signal), export_name, godot_strlen(export_name), buf, cap);
}

/* --- Reading a result (var_to_bytes of one value at `r`). */
static inline int32_t godot_ret_type(const void *r) { return (int32_t)(godot_get_u32((const uint8_t *)r) & 0xff); }
static inline int64_t godot_ret_int(const void *r) {
  const uint8_t *p = (const uint8_t *)r;
  uint32_t h = godot_get_u32(p);
  switch (h & 0xff) {
    case GODOT_INT: case GODOT_BOOL: return (h & GODOT_FLAG_64) ? (int64_t)godot_get_u64(p + 4) : (int64_t)(int32_t)godot_get_u32(p + 4);
    case GODOT_FLOAT: return (int64_t)((h & GODOT_FLAG_64) ? godot_get_f64(p + 4) : godot_get_f32(p + 4));
    default: return 0;
  }
}
static inline int godot_ret_bool(const void *r) { return godot_ret_int(r) != 0; }
static inline double godot_ret_float(const void *r) {
  const uint8_t *p = (const uint8_t *)r;
  uint32_t h = godot_get_u32(p);
  if ((h & 0xff) == GODOT_FLOAT) return (h & GODOT_FLAG_64) ? godot_get_f64(p + 4) : godot_get_f32(p + 4);
  return (double)godot_ret_int(r);
}
/* A returned object is its handle (an int in the result). */
static inline int32_t godot_ret_object(const void *r) { return (int32_t)godot_ret_int(r); }
static inline float godot_ret_vec2_x(const void *r) {
  const uint8_t *p = (const uint8_t *)r;
  return (godot_get_u32(p) & GODOT_FLAG_64) ? (float)godot_get_f64(p + 4) : godot_get_f32(p + 4);
}
static inline float godot_ret_vec2_y(const void *r) {
  const uint8_t *p = (const uint8_t *)r;
  return (godot_get_u32(p) & GODOT_FLAG_64) ? (float)godot_get_f64(p + 12) : godot_get_f32(p + 8);
}
/* A String/StringName result: its UTF-8 bytes (not NUL-terminated) and their length. */
static inline const char *godot_ret_string(const void *r, int32_t *len) {
  const uint8_t *p = (const uint8_t *)r;
  *len = (int32_t)godot_get_u32(p + 4);
  return (const char *)(p + 8);
}

#endif
