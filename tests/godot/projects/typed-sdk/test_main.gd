## The typed examples (examples/typed-*) at level 1 in the real engine: the typed bindings move
## and update their nodes exactly like the low-level ones, and nothing errors.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")

const MOVER := "res://mods/typed_mover.wasm"
const SIGNALS := "res://mods/typed_signals.wasm"


func _ready() -> void:
	T.run(self)


func test_mover(t: T) -> void:
	var rec := Mods.load_mod(self, MOVER)
	var mod = rec["mod"]
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	t.eq("level", mod.level, 1)
	t.eq("main", mod.call_export("main"), 0)
	t.eq("main printed", rec["printed"], ["typed mover: ready"])
	t.eq("step returns nothing", mod.call_export("step", [5.0, 2.5]), null)
	t.eq("no error", mod.last_error(), {})
	t.eq("node moved", rec["node"].position, Vector2(15, 22.5))
	t.eq("x() reads it back through the typed getter", mod.call_export("x"), 15.0)
	mod.call_export("step", [-20.0, 0.0])
	t.eq("moved again", rec["node"].position, Vector2(-5, 22.5))
	t.eq("bench runs", mod.call_export("bench", [100]), null)
	t.eq("no errored signal", rec["errors"], [])


func test_mover_process_each_frame(t: T) -> void:
	var rec := Mods.load_mod(self, MOVER)
	var mod = rec["mod"]
	var x0: float = rec["node"].position.x
	mod.process_each_frame = true
	await t.frames(self, 5)
	mod.process_each_frame = false
	t.check("_process(delta) moved the node each frame", rec["node"].position.x > x0, str(rec["node"].position))
	t.eq("no errored signal", rec["errors"], [])


func test_signals(t: T) -> void:
	var n := Mods.fresh_node(self)
	var timer := Timer.new()
	timer.name = "Timer"
	timer.wait_time = 0.02
	n.add_child(timer)
	var errors := []
	var mod = WasGoEngine.load_mod(SIGNALS, n, {})
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	mod.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
	var conn = mod.call_export("watch_timer")
	t.check("connected the scene's Timer", conn is int and conn > 0, str(conn) + " " + str(mod.last_error()))
	timer.start()
	await timer.timeout
	await timer.timeout
	timer.stop()
	var ticks = mod.call_export("ticks_seen")
	t.check("on_timeout ran", ticks is int and ticks >= 2, str(ticks))
	t.eq("and moved the node each time", n.position, Vector2(10 + 10 * ticks, 20))
	var own = mod.call_export("start_own_timer")
	t.check("created and connected its own Timer", own is int and own > 0, str(own) + " " + str(mod.last_error()))
	var made: Node = n.get_node_or_null("TypedTimer")
	if not t.check("the Timer is a child of the mod's node", made is Timer, str(made)):
		return
	t.eq("with the typed property values", made.wait_time, 0.02)
	await made.timeout
	await made.timeout
	mod.call_export("stop_own_timer")
	t.check("its timeouts moved the node too", mod.call_export("ticks_seen") >= ticks + 2, str(mod.call_export("ticks_seen")))
	t.check("stopped", made.is_stopped(), "")
	t.eq("no error", errors, [])

