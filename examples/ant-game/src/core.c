/* /core.wasm — the game engine. Runs first: loads its physics module from /core/, then the
 * user's package (/main.wasm), then starts the game. */
#include "ant.h"

ANT_HOST_MALLOC(1024)

WASGO_EXPORT(main) int32_t core_main(void) {
  WASGO_PRINT("core: booting");
  int32_t physics = ant_load_module_core(ANT_STR("/core/physics.wasm"));
  ant_say("core: /core/physics.wasm is ModuleId ", physics);
  ant_say("core: load_module_core(\"/main.wasm\") -> ", ant_load_module_core(ANT_STR("/main.wasm")));
  int32_t main_id = ant_load_main();
  ant_say("core: /main.wasm is ModuleId ", main_id);
  ant_say("core: start_game() -> ", ant_start_game());
  ant_say("core: load_module_core after start -> ", ant_load_module_core(ANT_STR("/core/physics.wasm")));
  return physics > 0 && main_id > 0 ? 0 : 1;
}

WASGO_EXPORT(update) void update(int32_t frame) {
  ant_say("core: frame ", frame);
}
