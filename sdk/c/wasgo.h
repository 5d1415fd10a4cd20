/* WasGo bindings for C mods (clang --target=wasm32). See docs/abi.md.
 * Strings are UTF-8 (pointer, length); numbers pass as themselves. */
#ifndef WASGO_H
#define WASGO_H
#include <stdint.h>

#define WASGO_IMPORT(name) __attribute__((import_module("wasgo"), import_name(#name)))
#define WASGO_EXPORT(name) __attribute__((export_name(#name)))

/* Level 1 */
WASGO_IMPORT(print) void wasgo_print(const char *text, int32_t len);
WASGO_IMPORT(push_error) void wasgo_push_error(const char *text, int32_t len);
WASGO_IMPORT(time_ms) double wasgo_time_ms(void);
WASGO_IMPORT(random_u32) uint32_t wasgo_random_u32(void);
WASGO_IMPORT(random_f64) double wasgo_random_f64(void);
WASGO_IMPORT(random_seed) void wasgo_random_seed(int32_t seed);
/* Level 2: confined to the mod's folder; writes need the player's confirmation (0 ok, -1 declined). */
WASGO_IMPORT(file_write) int32_t wasgo_file_write(const char *path, int32_t path_len, const void *data, int32_t len);
WASGO_IMPORT(file_read) int32_t wasgo_file_read(const char *path, int32_t path_len, void *out, int32_t cap);
/* Level 3 */
WASGO_IMPORT(fs_write) int32_t wasgo_fs_write(const char *path, int32_t path_len, const void *data, int32_t len);

static inline int32_t wasgo_strlen(const char *s) { int32_t n = 0; while (s[n]) n++; return n; }
#define WASGO_PRINT(s) wasgo_print((s), wasgo_strlen(s))

#endif
