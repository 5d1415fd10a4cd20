/* /core/physics.wasm — a module of the engine, loaded by the Core with load_module_core. */
#include "ant.h"

ANT_HOST_MALLOC(256)

static int32_t height = 100, speed = 0;

WASGO_EXPORT(on_module_load) void on_module_load(int32_t id) {
  ant_say("physics: loaded as ModuleId ", id);
}

WASGO_EXPORT(update) void update(int32_t frame) {
  (void)frame;
  speed -= 10;
  height += speed;
  if (height < 0) { height = -height; speed = -speed / 2; }
  ant_say("physics: ball height ", height);
}
