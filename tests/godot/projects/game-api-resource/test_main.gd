## The declarative API (WasGoApi resource, wasgo/api/resource): game.spawn targets the Game
## autoload's method; AnimatedSprite2D.play and the script method Crate.open are opened at
## level 1 and stay open at levels 2 and 3; game.hp is a level-2 function.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")
const AS_MOD := "res://mods/spawner.wasm"
const IMPORT_REFUSED := 33
const POLICY_DENIED := 71


func _ready() -> void:
	T.run(self)


## A mod on a fresh node that also has an AnimatedSprite2D "Sprite" and a Crate "Crate".
func _mod(level: int) -> Dictionary:
	var rec := Mods.load_mod(self, AS_MOD, {"level": level})
	var sprite := AnimatedSprite2D.new()
	sprite.name = "Sprite"
	var frames := SpriteFrames.new()
	frames.add_frame("default", PlaceholderTexture2D.new())
	frames.add_frame("default", PlaceholderTexture2D.new())
	sprite.sprite_frames = frames
	rec["node"].add_child(sprite)
	var crate := Crate.new()
	crate.name = "Crate"
	rec["node"].add_child(crate)
	rec["sprite"] = sprite
	rec["crate"] = crate
	return rec


func test_engine(t: T) -> void:
	t.check("engine ready", WasGoEngine.is_ready(), WasGoEngine.load_error())
	t.eq("the resource's setting", ProjectSettings.get_setting("wasgo/api/resource"), "res://mod_api.tres")
	await t.frames(self, 2)
	t.check("targets resolved after start: still ready", WasGoEngine.is_ready(), WasGoEngine.load_error())
	# Parameter names and doc (for `wasgo sdk`) reach the JSON twin and change nothing at run time.
	var spawn: Dictionary = load("res://mod_api.tres").to_data()["functions"][0]
	t.eq("the twin keeps the parameter names", spawn.get("names"), ["kind", "x", "y"])
	t.eq("and the doc", spawn.get("doc"), "Spawns an enemy.")


func test_function_on_autoload(t: T) -> void:
	var rec := _mod(1)
	var mod = rec["mod"]
	var r = mod.call_export("spawn_at", [4.0, 5.5])
	t.eq("game.spawn reached Game.spawn", r, 1000 + Game.spawned.size())
	t.eq("with Godot values", Game.spawned.back(), ["orc", 4.0, 5.5])
	t.eq("no error", rec["errors"], [])
	t.eq("a level-2 function is refused at level 1", mod.call_export("hp"), null)
	if t.eq("one error", rec["errors"].size(), 1):
		t.eq("ImportRefused", rec["errors"][0][0], IMPORT_REFUSED)
		t.check("names level 2", "game.hp" in rec["errors"][0][1] and "level 2" in rec["errors"][0][1], rec["errors"][0][1])
	t.eq("level 2 calls it", _mod(2)["mod"].call_export("hp"), 77)
	t.eq("the resource's name is taken", WasGoEngine.register_function("game", "spawn", func(): return 1, [], "i32"), ERR_ALREADY_EXISTS)


func test_policy_addition(t: T) -> void:
	for level in [1, 2, 3]:
		var rec := _mod(level)
		t.check("level %d: not playing before" % level, not rec["sprite"].is_playing(), "")
		t.eq("level %d: AnimatedSprite2D.play allowed" % level, rec["mod"].call_export("play_sprite"), 1)
		t.eq("level %d: no error" % level, rec["errors"], [])
		t.check("level %d: the sprite plays" % level, rec["sprite"].is_playing(), "")
		t.eq("level %d: Crate.open (a script class method) allowed" % level, rec["mod"].call_export("open_crate"), 50)
		t.eq("level %d: the crate was opened" % level, rec["crate"].opened, 5)
		t.eq("level %d: still no error" % level, rec["errors"], [])


func test_only_what_is_added(t: T) -> void:
	# Crate.destroy is not added: refused at level 1 like any unknown method, naming level 3.
	var rec := _mod(1)
	var expr_mod = rec["mod"]
	t.eq("counter check: open works", expr_mod.call_export("open_crate"), 50)
	rec["crate"].set_script(null)
	t.eq("an object without the script: open is no longer a script method", expr_mod.call_export("open_crate"), null)
	if t.eq("one error", rec["errors"].size(), 1):
		t.eq("PolicyDenied", rec["errors"][0][0], POLICY_DENIED)
		t.check("needs level 3", "needs level 3" in rec["errors"][0][1], rec["errors"][0][1])
