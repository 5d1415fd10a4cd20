/*
 * An ordinary C program built with wasi-libc (clang --target=wasm32-wasi): no WasGo header,
 * just stdio, argv, clock and rand. WasGo runs it at level 1 through its WASI subset.
 *
 *   hello                 prints, exits 0 by returning from main
 *   hello a b             prints its arguments, exits with argc - 1 (returned from main)
 *   hello exit N          exits with N through exit() (WASI proc_exit)
 *   hello stderr          writes a line to stderr
 *   hello file            tries to open a file: there is no file access (fopen fails)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("Hello from WASI C!");
  printf(" (%s)\n", argv[0]); /* two printf calls, one line */
  for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);

  struct timespec t;
  int ok = clock_gettime(CLOCK_MONOTONIC, &t) == 0 && time(NULL) > 1600000000;
  printf("clock: %s\n", ok ? "ok" : "broken");
  srand(42);
  printf("rand: %d %d\n", rand() % 100, rand() % 100);
  unsigned char bytes[4];
  if (getentropy(bytes, sizeof bytes) == 0) /* WASI random_get: reproducible with --seed */
    printf("entropy: %02x%02x%02x%02x\n", bytes[0], bytes[1], bytes[2], bytes[3]);

  if (argc > 2 && strcmp(argv[1], "exit") == 0) {
    puts("exiting through exit()");
    exit(atoi(argv[2]));
  }
  if (argc > 1 && strcmp(argv[1], "stderr") == 0) fprintf(stderr, "to stderr\n");
  if (argc > 1 && strcmp(argv[1], "file") == 0) {
    FILE *f = fopen("secret.txt", "w");
    printf("fopen: %s\n", f ? "opened" : strerror(errno));
    return f ? 1 : 0;
  }
  return argc - 1;
}
