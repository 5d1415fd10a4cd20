## Red team (issue 9, item 4): host → guest re-entry. A mod connects its own child's `renamed`
## signal to an export that renames the child again — unbounded recursion through Godot's C++
## and GDScript frames, which used to overflow the JS stack inside them (mods no longer disposed,
## the memory budget leaking until every load_mod failed). Now the depth is limited
## (wasgo/limits/max_reentry_depth): each attempt must end with exactly one `errored`
## (ReentrancyLimit, errno 38), and after 1,000 attempts (levels 1 and 2) every mod is disposed,
## the memory budget is back where it was, a bystander mod works and new mods still load.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")
const REDTEAM := "res://mods/redteam.wasm"
const REENTRANCY_LIMIT := 38
const DEADLINE_MS := 250.0
const ATTEMPTS := 1000
## Each attempt's budget (call_export's `fuel`). An attempt is 8 nested deliveries with a few
## Godot calls each: a few ms warm, but since fuel contract v2 bills the Godot calls' measured
## time, a cold first attempt or a GC pause inside one (70-75 ms seen) ran a default call
## (1e8 ≈ 50 ms of host time) out of fuel before the depth limit. This project tests the depth
## limit, so it must be what stops the recursion; maxCallMs still bounds every attempt.
const ATTEMPT_FUEL := 1000000000000

var _bystander: Dictionary
var _baseline := {}


func _ready() -> void:
	T.run(self)


func test_setup(t: T) -> void:
	t.check("engine ready", WasGoEngine.is_ready(), WasGoEngine.load_error())
	_bystander = Mods.load_mod(self, Mods.MOVER)
	_bystander["mod"].call_export("main")
	_baseline = WasGoEngine.stats()
	t.check("counters", _baseline.has("memoryReserved") and int(_baseline["memoryReserved"]) > 0, str(_baseline))


func _healthy(t: T, label: String) -> void:
	var s := WasGoEngine.stats()
	t.eq(label + ": live mods back", s.get("mods"), _baseline.get("mods"))
	t.eq(label + ": instances back", s.get("instances"), _baseline.get("instances"))
	t.eq(label + ": memory budget back", s.get("memoryReserved"), _baseline.get("memoryReserved"))
	t.eq(label + ": re-entry depth back to 0", s.get("reentryDepth"), 0.0)
	var before: Vector2 = _bystander["node"].position
	_bystander["mod"].call_export("step", [1.0, 0.0])
	t.check(label + ": bystander works", _bystander["node"].position == before + Vector2(1, 0) and _bystander["errors"].is_empty(), str(_bystander["errors"]))


## `attempts` runs of one recursion: { bad: first bad attempt's description or "", worst ms }.
func _recurse(level: int, attempts: int, export_name: String, game_handler := false) -> Dictionary:
	var worst := 0.0
	var times := []
	var depth_seen := 0
	var worst_load := 0.0
	for i in attempts:
		var l0 := Time.get_ticks_usec()
		var rec := Mods.load_mod(self, REDTEAM, {"level": level})
		var load_ms := (Time.get_ticks_usec() - l0) / 1000.0
		worst_load = maxf(worst_load, load_ms)
		var mod = rec["mod"]
		if mod == null:
			# The time tells a stall (>= maxCallMs: the start function's deadline counts from before
			# V8 instantiates, memory allocation and any GC it triggers included) from a stale meter
			# (a finished call's meter inherited: Timeout at once, then every later call fails too).
			return {"bad": "attempt %d: load_mod failed after %.1f ms (stats %s): %s" % [i, load_ms, WasGoEngine.stats(), WasGoEngine.last_load_error()], "worst": worst, "worst_load": worst_load}
		if game_handler:
			# The game's own handler calls back into the mod: re-entry through game code.
			rec["node"].child_order_changed.connect(func() -> void: mod.call_export("add_one"))
		var t0 := Time.get_ticks_usec()
		var r = mod.call_export(export_name, [], ATTEMPT_FUEL)
		var ms := (Time.get_ticks_usec() - t0) / 1000.0
		worst = maxf(worst, ms)
		times.append(ms)
		var codes: Array = rec["errors"].map(func(e): return e[0])
		if game_handler:
			depth_seen = rec["node"].get_child_count() - 1
		if codes != [REENTRANCY_LIMIT] or r != null:
			return {"bad": "attempt %d: result %s, errors %s" % [i, r, rec["errors"]], "worst": worst}
		if mod.state() != "failed":
			return {"bad": "attempt %d: state %s" % [i, mod.state()], "worst": worst}
		mod.kill()
		rec["node"].queue_free()
	times.sort()
	return {"bad": "", "worst": worst, "worst_load": worst_load, "depth": depth_seen, "median": times[times.size() / 2], "p99": times[times.size() * 99 / 100]}


## An attempt is bounded by the depth limit (8 nested deliveries): typically a few ms. The worst
## of hundreds includes garbage collection and, on a shared CI machine, other processes: it must
## stay within a few deadlines, the median well within one.
func _times(t: T, label: String, r: Dictionary) -> void:
	t.check(label + ": median attempt within %d ms" % (DEADLINE_MS / 10), r.get("median", 1e9) < DEADLINE_MS / 10, "%.1f ms" % r.get("median", -1.0))
	t.check(label + ": worst attempt within %d ms" % (DEADLINE_MS * 4), r["worst"] < DEADLINE_MS * 4, "%.1f ms" % r["worst"])


func test_signal_recursion(t: T) -> void:
	for level in [1, 2]:
		var n := ATTEMPTS if level == 1 else ATTEMPTS / 4
		var r := _recurse(level, n, "rename_recursion")
		t.eq("L%d %d attempts: each ends with one errored (ReentrancyLimit)" % [level, n], r["bad"], "")
		_times(t, "L%d" % level, r)
		print("REDTEAM rename recursion L%d worst %.2f ms, median %.2f, p99 %.2f; worst load_mod %.2f ms" % [level, r["worst"], r.get("median", 0.0), r.get("p99", 0.0), r.get("worst_load", 0.0)])
		_healthy(t, "L%d after %d signal recursions" % [level, n])


func test_game_handler_recursion(t: T) -> void:
	for level in [1, 2]:
		var r := _recurse(level, 100, "add_one", true)
		t.eq("L%d 100 attempts through a game handler: each ends with one errored" % level, r["bad"], "")
		_times(t, "L%d game handler" % level, r)
		t.check("L%d nested at most max_reentry_depth times" % level, int(r.get("depth", 0)) <= int(WasGoEngine.limits()["maxReentryDepth"]), str(r.get("depth")))
		print("REDTEAM game-handler recursion L%d worst %.2f ms, median %.2f, p99 %.2f, depth %d; worst load_mod %.2f ms" % [level, r["worst"], r.get("median", 0.0), r.get("p99", 0.0), r.get("depth", 0), r.get("worst_load", 0.0)])
		_healthy(t, "L%d after game-handler recursions" % level)


func test_still_loads(t: T) -> void:
	var rec := Mods.load_mod(self, REDTEAM)
	t.check("a new mod loads", rec["mod"] != null, str(WasGoEngine.last_load_error()))
	t.eq("and runs", rec["mod"].call_export("bind_ok") > 0, true)
	t.eq("no error", rec["errors"], [])
	push_error("the error printer still works")
	rec["mod"].kill()
	_healthy(t, "end")
