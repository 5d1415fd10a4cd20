## Signals: a mod connects a signal of an object in its subtree to one of its exports, which
## Godot's emission then calls inline (numbers as numbers, objects as handles, or var_to_bytes
## in a buffer); refusals below level 3; connections die with the mod.
extends Node

const T = preload("res://wasgo_test/t.gd")
const SIGNALS := "res://mods/signals.wasm"
const POLICY_DENIED := 71
const GODOT_ERROR := 70


func _ready() -> void:
	T.run(self)


## A Node2D "ModNode" at (10, 20) with a Timer "Timer" and a LineEdit "Edit", and the mod on
## it: { mod, node, timer, edit, errors, printed }.
func _load(options: Dictionary = {}) -> Dictionary:
	var n := Node2D.new()
	n.name = "ModNode"
	n.position = Vector2(10, 20)
	add_child(n)
	var timer := Timer.new()
	timer.name = "Timer"
	timer.wait_time = 0.02
	n.add_child(timer)
	var edit := LineEdit.new()
	edit.name = "Edit"
	n.add_child(edit)
	var errors := []
	var printed := []
	var mod = WasGoEngine.load_mod(SIGNALS, n, options)
	if mod != null:
		mod.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
		mod.printed.connect(func(text: String) -> void: printed.append(text))
	return {"mod": mod, "node": n, "timer": timer, "edit": edit, "errors": errors, "printed": printed}


func test_timer(t: T) -> void:
	var r := _load()
	var mod = r["mod"]
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	var conn = mod.call_export("watch_timer")
	t.check("connected", conn is int and conn > 0, str(conn) + " " + str(mod.last_error()))
	t.eq("Godot holds one connection", r["timer"].timeout.get_connections().size(), 1)
	r["timer"].start()
	await r["timer"].timeout
	await r["timer"].timeout
	r["timer"].stop()
	var ticks = mod.call_export("ticks_seen")
	t.check("the export ran on each timeout", ticks is int and ticks >= 2, str(ticks))
	t.eq("and moved the node each time", r["node"].position, Vector2(10 + 10 * ticks, 20))
	t.eq("disconnect", mod.call_export("stop", [conn]), 1)
	t.eq("disconnect again", mod.call_export("stop", [conn]), 0)
	t.eq("Godot's connection is gone", r["timer"].timeout.get_connections().size(), 0)
	r["timer"].start()
	await r["timer"].timeout
	r["timer"].stop()
	t.eq("no more ticks", mod.call_export("ticks_seen"), ticks)
	t.eq("no error", r["errors"], [])


func test_object_argument(t: T) -> void:
	var r := _load()
	var mod = r["mod"]
	mod.call_export("watch_children")
	var c := Node2D.new()
	r["node"].add_child(c)  # child_entered_tree(c) fires synchronously
	var h = mod.call_export("last_child")
	t.check("the export got a handle for the new child", h is int and h > 1, str(h))
	t.eq("and used it", c.position, Vector2(7, 8))
	t.eq("no error", r["errors"], [])


func test_buffer(t: T) -> void:
	var r := _load()
	var mod = r["mod"]
	var conn = mod.call_export("watch_text")
	t.check("connected", conn is int and conn > 0, str(mod.last_error()))
	r["edit"].text_changed.emit("walk")
	r["edit"].text_changed.emit("jump!")
	t.eq("the arguments arrived as var_to_bytes in the buffer", r["printed"], ["text: walk (20 bytes)", "text: jump! (24 bytes)"])
	t.eq("no error", r["errors"], [])


func test_not_a_number(t: T) -> void:
	var r := _load()
	var conn = r["mod"].call_export("watch_text_as_numbers")
	t.check("connected (the argument types are known only when the signal fires)", conn is int and conn > 0, str(r["mod"].last_error()))
	r["edit"].text_changed.emit("x")
	t.eq("errored once", r["errors"].size(), 1)
	if r["errors"].size() == 1:
		t.check("why", "argument 1 is a String, not a number" in r["errors"][0][1], r["errors"][0][1])
	t.eq("the export did not run", r["printed"], [])
	t.eq("the mod failed", r["mod"].state(), "failed")


func _refused(t: T, what: String, export_name: String, code: int, text: String, options: Dictionary = {}) -> Dictionary:
	var r := _load(options)
	var v = r["mod"].call_export(export_name)
	t.eq(what + ": no connection", v, null)
	t.eq(what + ": errored once", r["errors"].size(), 1)
	if r["errors"].size() == 1:
		t.eq(what + ": code", r["errors"][0][0], code)
		t.check(what + ": message", text in r["errors"][0][1], r["errors"][0][1])
	return r


func test_refusals(t: T) -> void:
	var r := _refused(t, "outside the subtree", "watch_parent", POLICY_DENIED, "outside the mod's subtree")
	t.eq("outside: level needed", r["mod"].last_error().get("level_needed"), 3)
	t.eq("outside: nothing connected on the parent", child_entered_tree.get_connections().size(), 0)
	_refused(t, "unknown signal", "watch_unknown", POLICY_DENIED, "no_such_signal")
	_refused(t, "missing export", "watch_missing_export", GODOT_ERROR, "no exported function \"nope\"")


func test_level3_outside(t: T) -> void:
	var r := _load({"level": 3})
	var conn = r["mod"].call_export("watch_parent")
	t.check("level 3 may connect outside its subtree", conn is int and conn > 0, str(r["mod"].last_error()))
	var c := Node2D.new()
	add_child(c)
	t.eq("delivered", c.position, Vector2(7, 8))
	r["mod"].kill()
	var d := Node2D.new()
	add_child(d)
	t.eq("not after kill", d.position, Vector2.ZERO)
	t.eq("Godot's connection is gone after kill", child_entered_tree.get_connections().size(), 0)
	t.eq("no error", r["errors"], [])


func test_lifetime(t: T) -> void:
	var r := _load()
	r["mod"].call_export("watch_text")
	r["mod"].call_export("watch_timer")
	t.eq("two connections", r["edit"].text_changed.get_connections().size() + r["timer"].timeout.get_connections().size(), 2)
	r["mod"] = null  # the last reference: the mod is disposed
	t.eq("connections die with the mod", r["edit"].text_changed.get_connections().size() + r["timer"].timeout.get_connections().size(), 0)
	r["edit"].text_changed.emit("late")
	t.eq("nothing delivered", r["printed"], [])


func test_failing_handler(t: T) -> void:
	var r := _load()
	var mod = r["mod"]
	mod.call_export("watch_trap")
	r["timer"].start()
	await r["timer"].timeout
	await r["timer"].timeout
	r["timer"].stop()
	t.eq("errored once", r["errors"].size(), 1)
	if r["errors"].size() == 1:
		t.check("a trap in the handler", "unreachable" in r["errors"][0][1] or "Trap" in r["errors"][0][1], r["errors"][0][1])
	t.eq("the mod failed", mod.state(), "failed")
	t.eq("the game keeps running", get_tree().paused, false)


func test_freed_emitter(t: T) -> void:
	var r := _load()
	var conn = r["mod"].call_export("watch_timer")
	t.check("connected", conn is int and conn > 0)
	r["timer"].free()  # Godot drops the connection with the object
	t.eq("disconnecting a freed emitter's connection", r["mod"].call_export("stop", [conn]), 1)
	r["mod"].kill()
	t.eq("no error", r["errors"], [])
