/* The C twin of examples/game-api (docs/godot.md, "Offer your game's API to mods"): the game's
 * own functions are plain imports from the module the game chose ("game"). A `string` is
 * (pointer, UTF-8 length). Used by tests/godot/projects/game-api. */
#include "../../sdk/c/godot.h"

#define EXPORT(name) __attribute__((export_name(#name)))
#define GAME_IMPORT(name) __attribute__((import_module("game"), import_name(#name)))

GAME_IMPORT(spawn) int32_t game_spawn(const char *kind, int32_t kind_len, float x, float y);
GAME_IMPORT(damage) int32_t game_damage(int32_t node, int32_t amount);

static int32_t spawn(const char *kind, float x, float y) { return game_spawn(kind, godot_strlen(kind), x, y); }

/* main(), in a worker when the game calls mod.start(). */
EXPORT(main) int main(void) { return spawn("c-worker", 5, 6); }

EXPORT(spawn_at) int32_t spawn_at(float x, float y) { return spawn("goblin", x, y); }

EXPORT(damage_self) int32_t damage_self(int32_t amount) { return game_damage(godot_mod_node(), amount); }
