## Hostile var_to_bytes() encodings sent as a game function's `variant` argument. The mod
## (WAT, inlined below) stores words into its memory (store32), then calls game.echo(variant)
## -> variant on them (send), or on Arrays nested `d` deep (nest).
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")

## (module (import "game" "echo" (func (param i32 i32 i32 i32) (result i32))) (memory 16)
##   store32(addr, v), send(ptr, len) = echo(ptr, len, 0, 0), nest(d) = echo of [[[...null]]] d deep)
const MOD_B64 := "AGFzbQEAAAABGQRgBH9/f38Bf2ACf38AYAJ/fwF/YAF/AX8CDQEEZ2FtZQRlY2hvAAADBAMBAgMFAwEAEAciBAZtZW1vcnkCAAdzdG9yZTMyAAEEc2VuZAACBG5lc3QAAwpkAwkAIAAgATYCAAsMACAAIAFBAEEAEAALSwEBfwJAA0AgASAATw0BIAFBCGxBHDYCACABQQhsQQRqQQE2AgAgAUEBaiEBDAALCyAAQQhsQQA2AgBBACAAQQhsQQRqQQBBABAACwAfBG5hbWUBBwEABGVjaG8CDwQAAAEAAgADAgABZAEBaQ=="

var seen := []


func _ready() -> void:
	WasGoEngine.register_function("game", "echo", func(v: Variant) -> Variant: seen.append(v); return _depth(v), ["variant"], "variant")
	T.run(self)


func _depth(v: Variant) -> int:
	var d := 0
	while v is Array and not v.is_empty():
		v = v[0]
		d += 1
	return d


func _mod(level: int = 1) -> Variant:
	var n := Mods.fresh_node(self)
	return WasGoEngine.load_mod(Marshalls.base64_to_raw(MOD_B64), n, {"name": "variants", "level": level})


func _send(mod, bytes: PackedByteArray) -> Variant:
	var padded := bytes.duplicate()
	while padded.size() % 4 != 0:
		padded.append(0)
	for i in range(0, padded.size(), 4):
		mod.call_export("store32", [i, padded.decode_u32(i)])
	return mod.call_export("send", [0, bytes.size()])


static func words(w: Array) -> PackedByteArray:
	var b := PackedByteArray()
	b.resize(w.size() * 4)
	for i in w.size():
		b.encode_u32(i * 4, int(w[i]))
	return b


func test_refused_encodings(t: T) -> void:
	var path := "res://x.gd".to_utf8_buffer()
	var script_typed := words([28 | (3 << 16), path.size()]) + path + PackedByteArray([0, 0]) + words([0])
	var cases := {
		"PackedByteArray claiming 2^31 bytes": words([29, 0x7fffffff, 0]),
		"Array claiming 2^31 elements": words([28, 0x7fffffff]),
		"String claiming 2^31 bytes": words([4, 0x7fffffff, 0x41414141]),
		"Dictionary claiming 2^31 entries": words([27, 0x7fffffff]),
		"unknown type 255": words([255]),
		"truncated 64-bit int": words([2 | (1 << 16), 5]),
		"an RID": words([23, 1, 0]),
		"a Callable": words([25]),
		"a Signal": words([26, 0, 1, 0]),
		"an object as ID inside an Array": words([28, 1, 24 | (1 << 16), 1, 0]),
		"a full object": words([24, 4]) + "Node".to_utf8_buffer() + words([0]),
		"an Array typed by a script path": script_typed,
		"an Array typed by a class name": words([28 | (2 << 16), 4]) + "Node".to_utf8_buffer() + words([0]),
		"a script-typed Array inside an Array": words([28, 1]) + script_typed,
		"nothing (0 bytes)": PackedByteArray(),
		"3 bytes": PackedByteArray([0, 0, 0]),
	}
	for what in cases:
		var mod = _mod()
		if not t.check(what + ": loaded", mod != null, str(WasGoEngine.last_load_error())):
			return
		seen.clear()
		var r = _send(mod, cases[what])
		t.eq(what + ": refused (HostError)", [r, mod.last_error().get("code")], [null, "HostError"])
		t.check(what + ": names the function", str(mod.last_error().get("message", "")).contains("game.echo"), str(mod.last_error()))
		t.eq(what + ": the game's function never ran", seen, [])


func test_accepted(t: T) -> void:
	var mod = _mod()
	seen.clear()
	t.eq("NIL", _send(mod, words([0])), 8)
	t.eq("an int", _send(mod, words([2, 7])), 8)
	t.eq("the game saw them", seen, [null, 7])
	t.eq("no error", mod.last_error(), {})


func test_deep_nesting(t: T) -> void:
	# At most 64 levels (MAX_NESTING): deeper is refused up front. Godot's own limit (1024) ran
	# the browser's stack out in the GDScript checks: "Maximum call stack size exceeded".
	for d in [1, 64, 65, 100, 1000, 1023, 1024, 1025, 4000, 7000]:
		var mod = _mod()
		seen.clear()
		var r = mod.call_export("nest", [d])
		if d <= 64:
			t.eq("depth %d: answered" % d, [r, mod.last_error()], [8, {}])
			t.eq("depth %d: the game saw it whole" % d, _depth(seen[0]) if seen.size() == 1 else -1, d)
		else:
			t.eq("depth %d: refused (HostError)" % d, [r, mod.last_error().get("code")], [null, "HostError"])
			t.eq("depth %d: the game's function never ran" % d, seen, [])
	# Level 3: no cap on the arguments' size.
	var top = _mod(3)
	var r3 = top.call_export("nest", [100000])
	t.check("level 3, depth 100000: refused, the game goes on", r3 == null and top.last_error().get("code") == "HostError", "%s %s" % [r3, top.last_error()])
	var after = _mod()
	t.eq("the engine still answers", after.call_export("nest", [3]), 8)


## game.echo again, with another Callable (unregister, then register: the same name, a new function).
func _echo_with(f: Callable) -> void:
	WasGoEngine.unregister_function("game", "echo")
	WasGoEngine.register_function("game", "echo", f, ["variant"], "variant")


func _restore_echo() -> void:
	_echo_with(func(v: Variant) -> Variant: seen.append(v); return _depth(v))


var current_mod = null


func test_callable_awaits(t: T) -> void:
	var resumed := [false]
	_echo_with(func(_v: Variant) -> Variant:
		await get_tree().process_frame
		resumed[0] = true
		return 1)
	var mod = _mod()
	var r = mod.call_export("nest", [1])
	t.eq("an awaiting Callable: the call fails (HostError naming the function)", [r, mod.last_error().get("code")], [null, "HostError"])
	t.check("says it awaited", str(mod.last_error().get("message", "")).contains("game.echo") and str(mod.last_error().get("message", "")).contains("await"), str(mod.last_error()))
	await get_tree().process_frame
	await get_tree().process_frame
	t.check("the coroutine finished later without harm", resumed[0])
	_restore_echo()
	t.eq("the next mod calls it", _mod().call_export("nest", [2]), 8)


func test_callable_reenters_the_mod(t: T) -> void:
	var depth := [0]
	_echo_with(func(_v: Variant) -> Variant:
		depth[0] += 1
		var r = current_mod.call_export("nest", [1])
		return 0 if r == null else r)
	current_mod = _mod()
	var r = current_mod.call_export("nest", [1])
	var code = current_mod.last_error().get("code", "")
	t.check("re-entry is bounded: the mod fails, the game goes on", code in ["ReentrancyLimit", "HostError"] or r != null, "%s %s" % [r, current_mod.last_error()])
	t.check("it went deeper than once, and stopped", depth[0] > 1 and depth[0] < 1000, str(depth[0]))
	t.eq("re-entry depth back to 0", int(WasGoEngine.stats().get("reentryDepth", -1)), 0)
	current_mod = null
	_restore_echo()


func test_callable_kills_the_mod(t: T) -> void:
	_echo_with(func(_v: Variant) -> Variant:
		current_mod.kill()
		return PackedByteArray([1, 2, 3]))
	current_mod = _mod()
	var r = current_mod.call_export("nest", [1])
	t.check("the call ends (no result or a clean error)", r == null or r is int, str(r))
	t.check("the mod is dead", not current_mod.is_alive())
	current_mod = null
	_restore_echo()
	t.eq("the engine still answers", _mod().call_export("nest", [3]), 8)


func test_callable_unregisters_itself(t: T) -> void:
	_echo_with(func(_v: Variant) -> Variant:
		WasGoEngine.unregister_function("game", "echo")
		return 5)
	var mod = _mod()
	t.eq("this call ends with its result", mod.call_export("nest", [1]), 8)
	t.eq("the next fails (HostError)", [mod.call_export("nest", [1]), mod.last_error().get("code")], [null, "HostError"])
	_restore_echo()
	var again = _mod()
	t.eq("registered again: a new mod calls the new function", again.call_export("nest", [1]), 8)


func test_stats_count_refusals(t: T) -> void:
	var mod = _mod()
	mod.call_export("nest", [1])
	var bad = _send(mod, words([23, 1, 0]))
	var st: Dictionary = mod.stats()
	t.eq("refused call still counted as a game call", st.get("game_calls"), 2)
	t.eq("refused", bad, null)


## A mod named like another's disambiguated label ("m #<id>") must not take over its monitors.
func test_monitor_labels_never_collide(t: T) -> void:
	var bytes := Marshalls.base64_to_raw(MOD_B64)
	var a = WasGoEngine.load_mod(bytes, Mods.fresh_node(self), {"name": "m"})
	var next: int = a.id() + 2
	var b = WasGoEngine.load_mod(bytes, Mods.fresh_node(self), {"name": "m #%d" % next})
	var c = WasGoEngine.load_mod(bytes, Mods.fresh_node(self), {"name": "m"})
	if not t.check("ids as predicted", c != null and c.id() == next, "%s" % [c.id() if c != null else null]):
		return
	var labels := [a._monitors[0], b._monitors[0], c._monitors[0]]
	t.check("three mods, three monitor sets", labels[0] != labels[1] and labels[1] != labels[2] and labels[0] != labels[2], str(labels))
	c.call_export("nest", [1])
	t.eq("c's monitor shows c's calls", Performance.get_custom_monitor(c._monitors[1]), 1)
	t.eq("b's monitor shows b's calls", Performance.get_custom_monitor(b._monitors[1]), 0)
	var b_monitors: PackedStringArray = b._monitors
	c.kill()
	c = null
	t.check("freeing c leaves b's monitors", Performance.has_custom_monitor(b_monitors[0]), str(b_monitors))


## A kind with a comma, or an empty kind, is one bad kind (TypeScript once split a csv and
## registered two i32 parameters the Callable never took: every call failed).
func test_register_odd_kinds(t: T) -> void:
	var f := func(_a: int) -> int: return 0
	t.eq("\"i32,i32\" is not a kind", WasGoEngine.register_function("game", "odd1", f, ["i32,i32"], "i32"), ERR_INVALID_PARAMETER)
	t.eq("\"\" is not a kind", WasGoEngine.register_function("game", "odd2", f, [""], "i32"), ERR_INVALID_PARAMETER)
	t.eq("[\"i32\"] is", WasGoEngine.register_function("game", "odd3", f, ["i32"], "i32"), OK)
