## A mod written in C with sdk/c/godot.h (examples/godot-c): the var_to_bytes encoders and
## readers of the header against the real engine.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")
const C_MOVER := "res://mods/c_mover.wasm"


func _ready() -> void:
	T.run(self)


func test_move(t: T) -> void:
	var rec := Mods.load_mod(self, C_MOVER)
	var mod = rec["mod"]
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	t.eq("level", mod.level, 1)
	t.eq("main", mod.call_export("main"), 0)
	t.eq("main printed", rec["printed"], ["c mover: ready"])
	mod.call_export("step", [5.0, 2.5])
	t.eq("the C mod moved its node", rec["node"].position, Vector2(15, 22.5))
	mod.call_export("step", [-1, 1])
	t.eq("ints for its f64 parameters", rec["node"].position, Vector2(14, 23.5))
	t.eq("x() reads it back as a property", mod.call_export("x"), 14.0)
	t.eq("no error", rec["errors"], [])


func test_values(t: T) -> void:
	# dress() renames the mod's own node (a String argument): below level 3 only nodes the mod
	# constructed may be renamed (docs/godot-policy.md, "Ownership"), so these value checks run at 3.
	var rec := Mods.load_mod(self, C_MOVER, {"level": 3})
	var mod = rec["mod"]
	mod.call_export("dress")
	t.eq("bool argument", rec["node"].visible, false)
	t.eq("String argument", str(rec["node"].name), "CMover")
	t.eq("object_set with one encoded Vector2", rec["node"].scale, Vector2(2, 3))
	t.eq("StringName result", mod.call_export("name_length"), 6)
	t.eq("int and float arguments and results (utility functions)", mod.call_export("clamp_sum", [42, 0.25]), 10.25)
	t.eq("arguments overflowing the buffer are not sent", mod.call_export("overflow"), -1)
	t.eq("node unchanged by it", rec["node"].position, Vector2(10, 20))
	t.eq("no error", rec["errors"], [])


func test_signal(t: T) -> void:
	var rec := Mods.load_mod(self, C_MOVER)
	var mod = rec["mod"]
	var conn = mod.call_export("watch_children")
	t.check("connected", conn is int and conn > 0, str(mod.last_error()))
	var c := Node2D.new()
	rec["node"].add_child(c)
	t.eq("the handler placed the new child (handle read from the buffer)", c.position, Vector2(4, 5))
	t.eq("no error", rec["errors"], [])


func test_values_level1_rename_refused(t: T) -> void:
	var rec := Mods.load_mod(self, C_MOVER)
	var before := str(rec["node"].name)
	rec["mod"].call_export("dress")
	t.eq("the game's node keeps its name", str(rec["node"].name), before)
	t.eq("refused as a policy denial", rec["errors"].size() == 1 and rec["errors"][0][0] == 71, true)
