/* ANTwasm 0.0.1 bindings for C modules of an ANT.zip game (see docs/antwasm.md).
 * The ANT functions come from import module "ant" ("env" works too); WasGo's own (print...)
 * from "wasgo". Every module exports host_malloc and, if it wants its ModuleId, on_module_load. */
#ifndef ANT_H
#define ANT_H
#include "../../../sdk/c/wasgo.h"

#define ANT_IMPORT(name) __attribute__((import_module("ant"), import_name(#name)))

/* Core only */
ANT_IMPORT(load_module_core) int32_t ant_load_module_core(const char *path, int32_t len);
/* The spec says load_main (): void; WasGo also accepts () -> i32 and then returns the ModuleId. */
ANT_IMPORT(load_main) int32_t ant_load_main(void);
/* Main only */
ANT_IMPORT(load_module) int32_t ant_load_module(const char *path, int32_t len);
/* Core and Main. As () -> i32 it returns 0, or GAME_IS_RUNNING_ERROR when already started. */
ANT_IMPORT(start_game) int32_t ant_start_game(void);

#define GENERIC_FAILURE (-1)
#define PATH_RESOLUTION_ERROR (-2)
#define RESOLUTION_ERROR (-3)
#define GAME_HASNT_STARTED_YET_ERROR (-4)
#define GAME_IS_RUNNING_ERROR (-5)
#define NO_MORE_MEMORY_ERROR (-6)
#define WASM_PORT_MISSING (-7)

#define ANT_STR(s) (s), (int32_t)(sizeof(s) - 1)

/* The Basic Global Library's host_malloc: a bump allocator over a static heap. */
#define ANT_HOST_MALLOC(bytes)                                                        \
  static char ant_heap[bytes];                                                        \
  static int32_t ant_heap_top = 8;                                                    \
  WASGO_EXPORT(host_malloc) int32_t host_malloc(int32_t n) {                          \
    if (n < 0 || n > (int32_t)sizeof ant_heap - ant_heap_top) return NO_MORE_MEMORY_ERROR; \
    int32_t p = (int32_t)(ant_heap + ant_heap_top);                                   \
    ant_heap_top += (n + 7) & ~7;                                                     \
    return p;                                                                         \
  }

/* print(text + number) without a libc. */
static inline void ant_say(const char *text, int32_t n) {
  char buf[160];
  int32_t len = 0;
  while (text[len] && len < 140) { buf[len] = text[len]; len++; }
  char digits[12];
  int32_t d = 0;
  uint32_t u = n < 0 ? (uint32_t)(-(int64_t)n) : (uint32_t)n;
  do { digits[d++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (n < 0) buf[len++] = '-';
  while (d) buf[len++] = digits[--d];
  wasgo_print(buf, len);
}

#endif
