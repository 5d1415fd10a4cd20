/* /mods/coin.wasm — loaded by the Main with load_module; it gets no ANT imports. */
#include "ant.h"

ANT_HOST_MALLOC(256)

WASGO_EXPORT(on_module_load) void on_module_load(int32_t id) {
  ant_say("coin: loaded as ModuleId ", id);
}

WASGO_EXPORT(update) void update(int32_t frame) {
  ant_say("coin: spin angle ", (frame * 45) % 360);
}
