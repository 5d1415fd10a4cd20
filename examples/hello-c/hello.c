/* A C mod: prints its arguments and returns how many there were; with the argument `save` it
 * tries to save a file (level 2) and returns 0 when the file was written, 1 when declined. */
#include "../../sdk/c/wasgo.h"

static char heap[4096];
static int32_t heap_top;

/* WasGo writes argv here (see docs/abi.md). */
WASGO_EXPORT(host_malloc) void *host_malloc(int32_t n) {
  if (n < 0 || heap_top + n > (int32_t)sizeof heap) return 0;
  void *p = heap + heap_top;
  heap_top += (n + 7) & ~7;
  return p;
}

WASGO_EXPORT(main) int main(int argc, char **argv) {
  WASGO_PRINT("Hello from C!");
  for (int i = 1; i < argc; i++) { WASGO_PRINT("arg:"); WASGO_PRINT(argv[i]); }
  if (argc > 1 && argv[1][0] == 's') {
    const char *msg = "saved by hello-c";
    int32_t r = wasgo_file_write("save.txt", 8, msg, wasgo_strlen(msg));
    WASGO_PRINT(r == 0 ? "save: written" : "save: declined");
    return r == 0 ? 0 : 1;
  }
  return argc - 1;
}
