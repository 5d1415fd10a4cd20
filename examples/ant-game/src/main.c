/* /main.wasm — the user's package (a level). load_main runs on_module_load, then main. */
#include "ant.h"

ANT_HOST_MALLOC(256)

static int32_t coins = 0;

WASGO_EXPORT(on_module_load) void on_module_load(int32_t id) {
  ant_say("main: loaded as ModuleId ", id);
  ant_say("main: /mods/coin.wasm is ModuleId ", ant_load_module(ANT_STR("/mods/coin.wasm")));
  ant_say("main: load_module(\"/core/physics.wasm\") -> ", ant_load_module(ANT_STR("/core/physics.wasm")));
  ant_say("main: load_module(\"/mods/missing.wasm\") -> ", ant_load_module(ANT_STR("/mods/missing.wasm")));
}

WASGO_EXPORT(main) void level_main(void) {
  WASGO_PRINT("main: level 1 ready");
}

WASGO_EXPORT(update) void update(int32_t frame) {
  if (frame % 2 == 0) coins++;
  ant_say("main: coins collected ", coins);
}
