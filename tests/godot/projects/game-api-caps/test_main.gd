## A game function's result is capped below level 3 like a Godot call's (maxValueBytes,
## maxResultItems): Godot refuses it before var_to_bytes / base64, the mod's call fails with
## ValueTooLarge naming the function; at level 3 the full result reaches the mod.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")

const MOD := "res://mods/spawner.wasm"
const VALUE_TOO_LARGE := 73

## What game.echo answers (any Variant); game.player_name answers `name`.
var answer: Variant = 0
var name_answer := ""
var calls := 0


func _ready() -> void:
	WasGoEngine.register_function("game", "player_name", func() -> String: calls += 1; return name_answer, [], "string")
	WasGoEngine.register_function("game", "echo", func(_v: Variant) -> Variant: calls += 1; return answer, ["variant"], "variant")
	T.run(self)


func _call(t: T, what: String, level: int, export_name: String, args: Array) -> Dictionary:
	var rec := Mods.load_mod(self, MOD, {"level": level})
	var mod = rec["mod"]
	if not t.check(what + ": loaded", mod != null, str(WasGoEngine.last_load_error())):
		return {}
	calls = 0
	var r = mod.call_export(export_name, args)
	t.eq(what + ": the game's function ran", calls, 1)
	return {"result": r, "last": mod.last_error(), "errors": rec["errors"]}


func _too_large(t: T, what: String, r: Dictionary) -> void:
	if r.is_empty():
		return
	t.eq(what + ": ValueTooLarge", r["last"].get("code"), "ValueTooLarge")
	t.check(what + ": names the function", str(r["last"].get("message", "")).contains("game."), str(r["last"]))
	t.eq(what + ": errored signal", r["errors"].map(func(e): return e[0]), [VALUE_TOO_LARGE])


func test_huge_bytes_variant(t: T) -> void:
	var big := PackedByteArray()
	big.resize(8 * 1024 * 1024)
	answer = big
	_too_large(t, "8 MB PackedByteArray at level 1", _call(t, "bytes L1", 1, "echo_int", [5]))
	_too_large(t, "8 MB PackedByteArray at level 2", _call(t, "bytes L2", 2, "echo_int", [5]))
	big.resize(100 * 1024)  # (8 MB at level 3 runs past maxCallMs: 250 ms)
	var top := _call(t, "bytes L3", 3, "echo_int", [5])
	if not top.is_empty():
		t.eq("level 3: no error (the answer is not an int: -1)", [top["result"], top["last"]], [-1, {}])


func test_many_elements(t: T) -> void:
	var a := []
	a.resize(5000)
	a.fill(1)
	answer = a
	_too_large(t, "an Array of 5000 ints", _call(t, "array L1", 1, "echo_int", [5]))


func test_nested_over_cap(t: T) -> void:
	# Few elements at the top, big once encoded: refused after var_to_bytes, before base64.
	var inner := PackedByteArray()
	inner.resize(3000)
	answer = [inner, inner, inner]
	_too_large(t, "nested 9 KB", _call(t, "nested L1", 1, "echo_int", [5]))


func test_huge_string(t: T) -> void:
	name_answer = "é".repeat(3000)  # 3000 characters, 6000 bytes of UTF-8: over 4 KB
	_too_large(t, "6 KB String at level 1", _call(t, "string L1", 1, "name_length", []))
	name_answer = "x".repeat(100000)
	_too_large(t, "100 KB String at level 1", _call(t, "string2 L1", 1, "name_length", []))
	var top := _call(t, "string L3", 3, "name_length", [])
	if not top.is_empty():
		t.eq("level 3: the full length", top["result"], 100000)


func test_under_cap(t: T) -> void:
	answer = 41
	var r := _call(t, "int L1", 1, "echo_int", [5])
	if not r.is_empty():
		t.eq("a small result passes", [r["result"], r["last"]], [41, {}])
