## Times guest -> Godot calls made by a real AssemblyScript mod (examples/godot-bench) and
## prints them next to baselines measured in the same run: empty TypeScript -> GDScript ->
## TypeScript round trips, a wasm -> TypeScript host call that does not reach Godot, and the
## same operations in plain GDScript. Figures only: the checks are about correctness (every
## call counted, one bridge round trip each, the node really moved), never about time.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")

const N := 2000
## Each figure is the best of ROUNDS runs of N calls, the runs of all figures interleaved (the
## machine is shared and noisy).
const ROUNDS := 7
## The budget of each benchmark call (call_export's `fuel`). Since fuel contract v2 a call is billed
## the measured time of its Godot calls (up to 2 units/ns): 2000-4000 calls are 15-60 ms here,
## more than the default fuel_per_call (1e8 ≈ 50 ms of host time). Benchmarks, not limits tests.
const FUEL := 1000000000000
const PING := "empty round trip, calls callback (floor)"
const NOOP := "empty round trip, operations callback"
const PING_ARGS := "empty round trip, calls callback + 28-char args"
const GD_GET := "GDScript node.get_position()"
const GET := "guest get_position (method bind)"

var _mod = null
var _node: Node2D = null
## label -> best µs per call so far
var _us := {}
var _sink = null


func _ready() -> void:
	T.run(self)


func test_load(t: T) -> void:
	var rec := Mods.load_mod(self, "res://mods/bench.wasm", {"name": "bench"})
	_mod = rec["mod"]
	_node = rec["node"]
	if not t.check("loaded", _mod != null, str(WasGoEngine.last_load_error())):
		return
	# Warm up: method binds, class and method info, call plans, the JIT.
	for e in ["host_only", "get_position", "set_position", "move", "get_property", "is_valid"]:
		_mod.call_export(e, [200], FUEL)
	t.eq("no error", _mod.last_error(), {})


## One guest export doing N calls of one kind: µs per call.
func _export_us(e: String) -> float:
	var t0 := Time.get_ticks_usec()
	_mod.call_export(e, [N], FUEL)
	return float(Time.get_ticks_usec() - t0) / N


func _keep(label: String, us: float) -> void:
	_us[label] = min(_us.get(label, INF), us)


func _round() -> void:
	var r = JSON.parse_string(str(WasGoEngine._godot.measureBridge(N)))
	if r is Dictionary and r.get("ok", false):
		_keep(PING, float(r["pingUs"]))
		_keep(NOOP, float(r["noopUs"]))
		_keep(PING_ARGS, float(r["pingArgsUs"]))
	_keep("guest host call, no bridge (godot.mod_node)", _export_us("host_only"))
	var n := _node
	var t0 := Time.get_ticks_usec()
	for k in N:
		_sink = n.get_position()
	_keep(GD_GET, float(Time.get_ticks_usec() - t0) / N)
	t0 = Time.get_ticks_usec()
	for k in N:
		n.set_position(Vector2(k, 2 * k))
	_keep("GDScript node.set_position(v)", float(Time.get_ticks_usec() - t0) / N)
	var none := []
	t0 = Time.get_ticks_usec()
	for k in N:
		_sink = n.callv(&"get_position", none)
	_keep("GDScript node.callv(&\"get_position\", [])", float(Time.get_ticks_usec() - t0) / N)
	_keep(GET, _export_us("get_position"))
	_keep("guest set_position (method bind)", _export_us("set_position"))
	_keep("guest get + set (move; per pair)", _export_us("move"))
	_keep("guest object_get(\"position\")", _export_us("get_property"))
	_keep("guest object_is_valid", _export_us("is_valid"))


func test_measure(t: T) -> void:
	for i in ROUNDS:
		_round()
	t.eq("every figure measured", _us.size(), 12)
	t.eq("no error", _mod.last_error(), {})


func test_counts(t: T) -> void:
	# One bridge round trip per guest call, every call counted (the figures above mean what they say).
	for e in [["get_position", 1], ["set_position", 1], ["get_property", 1], ["is_valid", 1], ["host_only", 0]]:
		var s0: Dictionary = WasGoEngine.stats()
		_mod.call_export(e[0], [N], FUEL)
		var s1: Dictionary = WasGoEngine.stats()
		t.eq("%s: bridge round trips" % e[0], int(s1["ops"] - s0["ops"]), N * e[1])
	var s0: Dictionary = WasGoEngine.stats()
	_mod.call_export("move", [N], FUEL)
	var s1: Dictionary = WasGoEngine.stats()
	t.eq("move: bridge round trips", int(s1["ops"] - s0["ops"]), 2 * N + 1)
	t.eq("move: calls counted", int(s1["calls"] - s0["calls"]), 2 * N + 1)
	t.eq("no error", _mod.last_error(), {})


func test_effects(t: T) -> void:
	_node.position = Vector2.ZERO
	_mod.call_export("set_position", [N], FUEL)
	t.eq("set_position really set", _node.position, Vector2(N - 1, 2 * (N - 1)))
	_node.position = Vector2(0, 7)
	t.eq("move moved the node", _mod.call_export("move", [N], FUEL), float(N))
	t.eq("move: node", _node.position, Vector2(N, 7))
	t.eq("get_position reads it", _mod.call_export("get_position", [3]), float(N))
	t.eq("object_get reads it", _mod.call_export("get_property", [3]), float(N))
	t.eq("is_valid", _mod.call_export("is_valid", [5]), 5)


func test_arguments(t: T) -> void:
	t.eq("int for a float parameter is widened", _mod.call_export("rotate_by_int", [2]), 2.0)
	t.eq("rotation", _node.rotation, 2.0)
	# rename() renames the mod's own node: below level 3 only nodes the mod constructed may be
	# renamed (docs/godot-policy.md, "Ownership"), so this conversion check runs at level 3.
	var r3 := Mods.load_mod(self, "res://mods/bench.wasm", {"name": "bench", "level": 3})
	r3["mod"].call_export("rename")
	t.eq("String for a StringName parameter", str(r3["node"].name), "Renamed")
	t.eq("no error", r3["mod"].last_error(), {})
	r3["mod"].kill()
	r3["node"].free()
	t.eq("no error", _mod.last_error(), {})
	var rec := Mods.load_mod(self, "res://mods/bench.wasm", {"name": "bench"})
	rec["mod"].call_export("wrong_type")
	t.check("wrong type refused", rec["errors"].size() == 1 and "argument 1: expected Vector2, got int" in rec["errors"][0][1], str(rec["errors"]))
	t.eq("node unchanged", rec["node"].position, Vector2(10, 20))
	rec = Mods.load_mod(self, "res://mods/bench.wasm", {"name": "bench"})
	rec["mod"].call_export("too_many")
	t.check("too many arguments refused", rec["errors"].size() == 1 and "expects 1 arguments, got 2" in rec["errors"][0][1], str(rec["errors"]))


func test_report(t: T) -> void:
	var floor_us: float = _us.get(PING, 0.0)
	var gd: float = _us.get(GD_GET, 0.0)
	print("BENCH ---- µs per call, best of %d interleaved rounds of %d calls ----" % [ROUNDS, N])
	for k in _us:
		var us: float = _us[k]
		print("BENCH %-44s %7.2f us  %6.2f × floor  %7.0f × GDScript get_position()" % [k, us, us / floor_us, us / gd])
	var call_us: float = _us.get(GET, 0.0)
	print("BENCH ratio: a guest get_position costs %.2f × an empty calls-callback round trip, %.2f × an operations-callback one, %.0f × GDScript's get_position()" % [call_us / floor_us, call_us / _us.get(NOOP, 1.0), call_us / gd])
	t.check("figures", floor_us > 0.0 and gd > 0.0 and call_us > 0.0, str(_us))
