/* A Godot mod in C: moves its own Node2D through the `godot` module (sdk/c/godot.h). Level 1
 * is enough: everything here touches the mod's own node. Used by tests/godot/projects/mod-c. */
#include "../../sdk/c/godot.h"

#define EXPORT(name) __attribute__((export_name(#name)))

static int32_t node, get_position, set_position;
static godot_args args;
static uint8_t ret[256];
static uint8_t signal_buf[64];

/* No constructors: a wasm start function runs before the mod has its node. */
static void init(void) {
  if (node) return;
  node = godot_mod_node();
  get_position = godot_method_bind("Node2D", "get_position");
  set_position = godot_method_bind("Node2D", "set_position");
}

EXPORT(main) int main(void) {
  init();
  godot_print("c mover: ready");
  return 0;
}

/* Moves the node by (dx, dy): get_position through a method bind, set_position by name. */
EXPORT(step) void step(double dx, double dy) {
  init();
  godot_args_begin(&args);
  godot_bind_call(get_position, node, &args, ret, sizeof ret);
  float x = godot_ret_vec2_x(ret), y = godot_ret_vec2_y(ret);
  godot_args_begin(&args);
  godot_arg_vec2(&args, x + (float)dx, y + (float)dy);
  godot_bind_call(set_position, node, &args, ret, sizeof ret);
}

/* The node's x, read as a property (object_get → get_position). */
EXPORT(x) double x(void) {
  init();
  godot_get(node, "position", ret, sizeof ret);
  return godot_ret_vec2_x(ret);
}

/* A bool argument, a String argument, a property set to one encoded value. */
EXPORT(dress) void dress(void) {
  init();
  godot_args_begin(&args);
  godot_arg_bool(&args, 0);
  godot_call(node, "set_visible", &args, ret, sizeof ret);
  godot_args_begin(&args);
  godot_arg_string(&args, "CMover");
  godot_call(node, "set_name", &args, ret, sizeof ret);
  uint8_t value[GODOT_SIZE_VECTOR2];
  godot_set(node, "scale", value, godot_put_vec2(value, 2, 3));
}

/* The node's name's length (a StringName result). */
EXPORT(name_length) int32_t name_length(void) {
  init();
  godot_args_begin(&args);
  godot_call(node, "get_name", &args, ret, sizeof ret);
  int32_t n = 0;
  if (godot_ret_type(ret) != GODOT_STRING_NAME && godot_ret_type(ret) != GODOT_STRING) return -1;
  godot_ret_string(ret, &n);
  return n;
}

/* A utility function with an int and a float: clampi(v, 0, 10) + clampf(f, 0, 1). */
EXPORT(clamp_sum) double clamp_sum(int32_t v, double f) {
  godot_args_begin(&args);
  godot_arg_int(&args, v);
  godot_arg_int(&args, 0);
  godot_arg_int(&args, 10);
  godot_utility("clampi", &args, ret, sizeof ret);
  int64_t i = godot_ret_int(ret);
  godot_args_begin(&args);
  godot_arg_float(&args, f);
  godot_arg_float(&args, 0);
  godot_arg_float(&args, 1);
  godot_utility("clampf", &args, ret, sizeof ret);
  return (double)i + godot_ret_float(ret);
}

/* Too many arguments for the buffer: the call is not made (-1). */
EXPORT(overflow) int32_t overflow(void) {
  init();
  godot_args_begin(&args);
  for (int i = 0; i < GODOT_ARGS_CAP; i++) godot_arg_float(&args, i);
  return godot_call(node, "set_position", &args, ret, sizeof ret);
}

/* Signals: a new child is placed at (4, 5); its handle arrives in a buffer as var_to_bytes([handle]). */
EXPORT(on_child) void on_child(int32_t length) {
  if (length < 16 || godot_get_u32(signal_buf) != GODOT_ARRAY) return;
  int32_t child = godot_ret_object(signal_buf + 8);
  godot_args_begin(&args);
  godot_arg_vec2(&args, 4, 5);
  godot_call(child, "set_position", &args, ret, sizeof ret);
}

EXPORT(watch_children) int32_t watch_children(void) {
  init();
  return godot_connect_buffer(node, "child_entered_tree", "on_child", signal_buf, sizeof signal_buf);
}
