## The game's own modding API from GDScript (WasGoEngine.register_function): an AssemblyScript
## and a C mod call game.spawn(string, f32, f32) -> i32 inline and from a worker main; a
## level-2 function is refused for a level-1 mod; node arguments stay in the mod's subtree;
## a failing Callable fails the mod's call (HostError naming the function), never the game.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")

const AS_MOD := "res://mods/spawner.wasm"
const C_MOD := "res://mods/c_spawner.wasm"
const IMPORT_REFUSED := 33
const HOST_ERROR := 34
const POLICY_DENIED := 71
const HANDLE_ERROR := 72

## What the game's functions saw: [kind, x, y] per spawn, [node, amount] per damage.
var spawned := []
var damaged := []
var next_id := 100
var registered := {}


## A helper object whose method is registered, then freed (a Callable on a freed object).
class Spawner:
	extends Object
	func spawn(kind: String, x: float, y: float) -> int:
		return kind.length()


func _ready() -> void:
	registered["spawn"] = WasGoEngine.register_function("game", "spawn", _spawn, ["string", "f32", "f32"], "i32", 1)
	registered["damage"] = WasGoEngine.register_function("game", "damage", _damage, ["node", "i32"], "i32")
	registered["player_name"] = WasGoEngine.register_function("game", "player_name", func() -> String: return "Ünа", [], "string")
	registered["secret"] = WasGoEngine.register_function("game", "secret", func() -> int: return 7, [], "i32", 2)
	registered["echo"] = WasGoEngine.register_function("game", "echo", _echo, ["variant"], "variant")
	T.run(self)


func _spawn(kind: String, x: float, y: float) -> int:
	spawned.append([kind, x, y])
	next_id += 1
	return next_id


var echoed := []


func _echo(v: Variant) -> Variant:
	echoed.append(v)
	return v * 3000000000 if v is int else v


func _damage(node: Node, amount: int) -> int:
	damaged.append([node, amount])
	return amount * 2


func test_register(t: T) -> void:
	t.check("engine ready", WasGoEngine.is_ready(), WasGoEngine.load_error())
	for k in registered:
		t.eq("registered " + k, registered[k], OK)
	t.eq("a name is registered once", WasGoEngine.register_function("game", "spawn", _spawn, ["string"], "i32", 1), ERR_ALREADY_EXISTS)
	t.eq("not even at another level", WasGoEngine.register_function("game", "secret", _spawn, [], "i32", 1), ERR_ALREADY_EXISTS)
	t.eq("unknown kind", WasGoEngine.register_function("game", "x1", _spawn, ["out"], "i32"), ERR_INVALID_PARAMETER)
	t.eq("node is not a result kind", WasGoEngine.register_function("game", "x2", _spawn, [], "node"), ERR_INVALID_PARAMETER)
	t.eq("WasGo's own modules are not the game's", WasGoEngine.register_function("godot", "print", _spawn, ["string"]), ERR_INVALID_PARAMETER)
	t.eq("level 4", WasGoEngine.register_function("game", "x3", _spawn, [], "", 4), ERR_INVALID_PARAMETER)
	t.eq("an invalid Callable", WasGoEngine.register_function("game", "x4", Callable(), []), ERR_INVALID_PARAMETER)


func test_assemblyscript_inline(t: T) -> void:
	var rec := Mods.load_mod(self, AS_MOD)
	var mod = rec["mod"]
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	t.eq("level 1", mod.level, 1)
	spawned.clear()
	var id = mod.call_export("spawn_at", [1.5, -2.25])
	t.eq("the game's result comes back", id, next_id)
	t.eq("no error", mod.last_error(), {})
	t.eq("the game's function got Godot values", spawned, [["orc", 1.5, -2.25]])
	t.check("the call cost fuel", mod.fuel_used_last_call() > 0, str(mod.fuel_used_last_call()))
	t.eq("a string result: its UTF-8 length", mod.call_export("name_length"), "Ünа".to_utf8_buffer().size())
	t.eq("written into the mod's buffer", mod.call_export("first_byte"), "Ünа".to_utf8_buffer()[0])
	t.eq("no errored signal", rec["errors"], [])


func test_c_inline(t: T) -> void:
	var rec := Mods.load_mod(self, C_MOD)
	var mod = rec["mod"]
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	spawned.clear()
	var id = mod.call_export("spawn_at", [7.0, 8.5])
	t.eq("the game's result comes back", id, next_id)
	t.eq("the game's function got Godot values", spawned, [["goblin", 7.0, 8.5]])
	t.eq("no errored signal", rec["errors"], [])


func _run_main(t: T, path: String, kind: String) -> void:
	var rec := Mods.load_mod(self, path)
	var mod = rec["mod"]
	if not t.check(kind + ": loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	spawned.clear()
	var mode: String = mod.start()
	t.eq(kind + ": main runs in a worker", mode, "worker")
	var t0 := Time.get_ticks_msec()
	while rec["finished"].is_empty() and Time.get_ticks_msec() - t0 < 10000:
		await get_tree().process_frame
	t.eq(kind + ": main's status is the game's result", rec["finished"], [next_id])
	t.eq(kind + ": the game's function ran on the main thread with Godot values", spawned, [[kind, 3.0 if kind == "worker" else 5.0, 4.0 if kind == "worker" else 6.0]])
	t.eq(kind + ": no error", rec["errors"], [])
	var st: Dictionary = mod.stats()
	t.eq(kind + ": counted one call into the mod", st.get("calls"), 1)
	t.eq(kind + ": counted one game call", st.get("game_calls"), 1)
	t.check(kind + ": fuel of main counted", st.get("fuel_used", 0) > 0, str(st))


func test_worker_main(t: T) -> void:
	await _run_main(t, AS_MOD, "worker")
	await _run_main(t, C_MOD, "c-worker")


func test_level_2_function(t: T) -> void:
	var rec := Mods.load_mod(self, AS_MOD)
	var mod = rec["mod"]
	t.eq("refused at level 1", mod.call_export("secret"), null)
	t.eq("ImportRefused", rec["errors"].size(), 1)
	if rec["errors"].size() == 1:
		t.eq("errno", rec["errors"][0][0], IMPORT_REFUSED)
		t.check("names the function and level 2", "game.secret" in rec["errors"][0][1] and "level 2" in rec["errors"][0][1], rec["errors"][0][1])
	t.eq("level_needed", mod.last_error().get("level_needed"), 2)
	for level in [2, 3]:
		var high := Mods.load_mod(self, AS_MOD, {"level": level})
		t.eq("allowed at level %d" % level, high["mod"].call_export("secret"), 7)


func test_node_argument(t: T) -> void:
	var rec := Mods.load_mod(self, AS_MOD)
	var mod = rec["mod"]
	damaged.clear()
	t.eq("own node", mod.call_export("damage_self", [5]), 10)
	t.eq("the Callable got the mod's Node", damaged, [[rec["node"], 5]])
	t.eq("a child in the subtree", mod.call_export("damage_child", [3]), 6)
	t.eq("the Callable got the child", damaged[1][0], rec["node"].get_node("Child"))
	# The game moves the child out of the mod's subtree: the handle the mod holds now names a
	# node outside it.
	var child: Node = rec["node"].get_node("Child")
	t.check("the mod keeps a handle to Child", mod.call_export("keep_child") > 1, str(mod.last_error()))
	t.eq("kept: still inside", mod.call_export("damage_kept", [2]), 4)
	var rec2 := Mods.load_mod(self, AS_MOD)
	var mod2 = rec2["mod"]
	var child2: Node = rec2["node"].get_node("Child")
	child.reparent(self)
	damaged.clear()
	t.eq("outside the subtree: refused", mod.call_export("damage_kept", [1]), null)
	t.eq("outside: the Callable never ran", damaged, [])
	t.eq("outside: one error", rec["errors"].size(), 1)
	if rec["errors"].size() == 1:
		t.eq("outside: PolicyDenied", rec["errors"][0][0], POLICY_DENIED)
		t.check("outside: names the function and level 3", "game.damage" in rec["errors"][0][1] and "needs level 3" in rec["errors"][0][1], rec["errors"][0][1])
	t.eq("a forged handle", mod2.call_export("damage_forged"), null)
	if t.eq("forged: one error", rec2["errors"].size(), 1):
		t.eq("forged: HandleError", rec2["errors"][0][0], HANDLE_ERROR)
	t.eq("forged: the Callable never ran", damaged, [])
	t.check("child2 untouched", child2.get_parent() == rec2["node"], "")
	var rec3 := Mods.load_mod(self, C_MOD)
	t.eq("C: own node", rec3["mod"].call_export("damage_self", [21]), 42)
	t.eq("C: the Callable got the mod's Node", damaged, [[rec3["node"], 21]])


func test_callable_failures(t: T) -> void:
	var cases := {
		# Untyped: a runtime error ends it with null (a typed one returns its type's default in
		# release exports: nothing to detect, see docs/godot.md).
		"runtime error": func():
			var a := []
			return a[3],
		"wrong type": func() -> String: return "seven",
		"fail_call": func() -> int:
			WasGoEngine.fail_call("no such enemy")
			return 0,
	}
	for what in cases:
		WasGoEngine.unregister_function("game", "broken")
		t.eq(what + ": registered", WasGoEngine.register_function("game", "broken", cases[what], [], "i32"), OK)
		var rec := Mods.load_mod(self, AS_MOD)
		t.eq(what + ": the call fails", rec["mod"].call_export("broken"), null)
		if t.eq(what + ": one error", rec["errors"].size(), 1):
			t.eq(what + ": HostError", rec["errors"][0][0], HOST_ERROR)
			t.check(what + ": names game.broken", "game.broken" in rec["errors"][0][1], rec["errors"][0][1])
		t.check(what + ": says why", ("no such enemy" in rec["errors"][0][1]) if what == "fail_call" else (("String" in rec["errors"][0][1]) if what == "wrong type" else ("null" in rec["errors"][0][1])), rec["errors"][0][1] if rec["errors"].size() > 0 else "")
	# A Callable on an object that was freed.
	var s := Spawner.new()
	WasGoEngine.unregister_function("game", "broken")
	WasGoEngine.register_function("game", "broken", s.spawn.bind("x", 1.0, 2.0), [], "i32")
	s.free()
	var rec := Mods.load_mod(self, AS_MOD)
	t.eq("freed object: the call fails", rec["mod"].call_export("broken"), null)
	if t.eq("freed object: one error", rec["errors"].size(), 1):
		t.eq("freed object: HostError", rec["errors"][0][0], HOST_ERROR)
		t.check("freed object: names game.broken", "game.broken" in rec["errors"][0][1] and "freed" in rec["errors"][0][1], rec["errors"][0][1])
	# The game goes on: another mod calls the game's API as before.
	var ok := Mods.load_mod(self, AS_MOD)
	spawned.clear()
	t.eq("the game goes on", ok["mod"].call_export("spawn_at", [1.0, 1.0]), next_id)


func test_unregister(t: T) -> void:
	var rec := Mods.load_mod(self, AS_MOD)
	t.eq("unregister", WasGoEngine.unregister_function("game", "secret"), OK)
	t.eq("unregister again", WasGoEngine.unregister_function("game", "secret"), ERR_DOES_NOT_EXIST)
	t.eq("godot.print is not the game's", WasGoEngine.unregister_function("godot", "print"), ERR_DOES_NOT_EXIST)
	var high := Mods.load_mod(self, AS_MOD, {"level": 2})
	t.eq("a mod loaded after: not provided", high["mod"].call_export("secret"), null)
	t.eq("ImportRefused", high["errors"][0][0] if high["errors"].size() > 0 else 0, IMPORT_REFUSED)
	t.eq("registered again at level 1", WasGoEngine.register_function("game", "secret", func() -> int: return 8, [], "i32", 1), OK)
	var again := Mods.load_mod(self, AS_MOD)
	t.eq("a level-1 mod loaded after calls it", again["mod"].call_export("secret"), 8)
	t.eq("no error", again["errors"], [])


func test_counters(t: T) -> void:
	var rec := Mods.load_mod(self, AS_MOD, {"name": "counted"})
	var mod = rec["mod"]
	var s0: Dictionary = mod.stats()
	t.eq("fresh: no calls", [s0.get("calls"), s0.get("game_calls"), s0.get("godot_calls"), s0.get("denied")], [0, 0, 0, 0])
	mod.call_export("spawn_at", [1.0, 2.0])
	mod.call_export("spawn_at", [3.0, 4.0])
	mod.call_export("damage_self", [1])
	mod.call_export("name_length")
	mod.call_export("keep_child")
	var s: Dictionary = mod.stats()
	t.eq("calls into the mod", s.get("calls"), 5)
	t.eq("game calls (spawn x2, damage, player_name)", s.get("game_calls"), 4)
	t.eq("godot calls (mod_node twice, object_call get_node)", s.get("godot_calls"), 3)
	t.eq("nothing denied", s.get("denied"), 0)
	t.eq("live handles: its node and Child", s.get("handles"), 2)
	t.eq("no objects constructed", s.get("live_objects"), 0)
	t.check("fuel used grows with the calls", s.get("fuel_used", 0) > s0.get("fuel_used", 0), str(s))
	t.check("host time measured", s.get("host_ms", 0.0) > 0.0, str(s))
	t.check("memory: its pages", s.get("memory_bytes", 0) >= 65536 and s.get("memory_bytes", 0) % 65536 == 0, str(s))
	t.eq("no last error", s.get("last_error"), {})
	t.eq("monitor: game calls", Performance.get_custom_monitor("WasGo/counted/game_calls"), 4)
	t.eq("monitor: calls", Performance.get_custom_monitor("WasGo/counted/calls"), 5)
	var total: Dictionary = WasGoEngine.stats().get("mods_total", {})
	t.check("the engine sums the mods", total.get("game_calls", 0) >= 4 and total.get("calls", 0) >= 5, str(total))
	# A denied call: the game moved the child away.
	rec["node"].get_node("Child").reparent(self)
	mod.call_export("damage_kept", [1])
	s = mod.stats()
	t.eq("denied counted", s.get("denied"), 1)
	t.eq("last_error: PolicyDenied", s.get("last_error", {}).get("code"), "PolicyDenied")
	mod.kill()
	t.check("monitors removed with the mod", not Performance.has_custom_monitor("WasGo/counted/calls"), "")
	t.eq("disposed: no stats", mod.stats(), {})


func test_no_addition_no_play(t: T) -> void:
	# This project declares no WasGoApi: AnimatedSprite2D.play stays a level-3 method (the
	# game-api-resource project opens it at level 1).
	var rec := Mods.load_mod(self, AS_MOD)
	var sprite := AnimatedSprite2D.new()
	sprite.name = "Sprite"
	rec["node"].add_child(sprite)
	t.eq("refused", rec["mod"].call_export("play_sprite"), null)
	if t.eq("one error", rec["errors"].size(), 1):
		t.eq("PolicyDenied", rec["errors"][0][0], POLICY_DENIED)
		t.check("names AnimatedSprite2D.play and level 3", "AnimatedSprite2D.play" in rec["errors"][0][1] and "needs level 3" in rec["errors"][0][1], rec["errors"][0][1])


func test_variant(t: T) -> void:
	var rec := Mods.load_mod(self, AS_MOD)
	echoed.clear()
	t.eq("an int through a variant, a 64-bit int back", rec["mod"].call_export("echo_int", [7]), 21000000000)
	t.eq("the Callable got an int", echoed, [7])
	t.eq("no error", rec["errors"], [])
	for as_id in [0, 1]:
		var what := "an object%s in a variant" % (" (as ID)" if as_id else "")
		var r2 := Mods.load_mod(self, AS_MOD)
		t.eq(what + ": refused", r2["mod"].call_export("echo_object", [as_id]), null)
		t.eq(what + ": the Callable never saw it", echoed, [7])
		if t.eq(what + ": one error", r2["errors"].size(), 1):
			t.eq(what + ": HostError", r2["errors"][0][0], HOST_ERROR)
			t.check(what + ": names game.echo and the object", "game.echo" in r2["errors"][0][1] and "object" in r2["errors"][0][1], r2["errors"][0][1])
