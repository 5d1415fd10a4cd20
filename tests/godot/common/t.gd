## Tiny test helper for the WasGo e2e harness (tests/godot/run.mjs). Packed into every test
## project as res://wasgo_test/t.gd.
##
## The engine used by the harness is a RELEASE template: assert() is compiled out and most runtime
## errors (calling a method on null...) print nothing and execution continues with null. So every
## expectation is checked explicitly and reported as a marker line the harness collects:
##   WASGO_TEST PASS <name>
##   WASGO_TEST FAIL <name>: <reason>
##   WASGO_TEST DONE <number of checks>
##
## Usage (res://test_main.gd, the script of res://wasgo_test/main.tscn):
##   extends Node
##   const T = preload("res://wasgo_test/t.gd")
##   func _ready() -> void:
##       T.run(self)            # calls every test_* method in order, then quits
##   func test_something(t: T) -> void:
##       t.check("name", cond, "detail shown on failure")
##       t.eq("other", actual, expected)
extends RefCounted

var passed := 0
var failed := 0
var _prefix := ""


## Runs every `test_*` method of `host` (each gets this helper; they may `await`), prints the
## DONE marker and quits with exit code 1 if anything failed, 0 otherwise.
static func run(host: Node) -> void:
	var t = load("res://wasgo_test/t.gd").new()
	var names: Array[String] = []
	for m in host.get_script().get_script_method_list():
		var n: String = m["name"]
		if n.begins_with("test_") and not names.has(n):
			names.append(n)
	for n in names:
		t._prefix = n.trim_prefix("test_") + "/"
		var before: int = t.passed + t.failed
		await host.call(n, t)
		if t.passed + t.failed == before:
			t.check("ran", false, "the test made no checks")
	t._prefix = ""
	print("WASGO_TEST DONE %d" % (t.passed + t.failed))
	host.get_tree().quit(1 if t.failed > 0 else 0)


## Reports one check. Returns `cond` so tests can skip dependent checks.
func check(name: String, cond: bool, detail: String = "") -> bool:
	var full := _clean(_prefix + name).replace(": ", " - ")
	if cond:
		passed += 1
		print("WASGO_TEST PASS " + full)
	else:
		failed += 1
		print("WASGO_TEST FAIL " + full + ": " + (_clean(detail) if detail != "" else "check failed"))
	return cond


## Equality that also requires the same Variant type (42 and 42.0 are different here).
func eq(name: String, actual: Variant, expected: Variant) -> bool:
	var same: bool = typeof(actual) == typeof(expected) and actual == expected
	return check(name, same, "got %s, expected %s" % [show(actual), show(expected)])


## A value with its type, for failure details.
static func show(v: Variant) -> String:
	return "%s (%s)" % [var_to_str(v).replace("\n", " "), type_string(typeof(v))]


## Waits `n` process frames.
func frames(host: Node, n: int = 1) -> void:
	for i in n:
		await host.get_tree().process_frame


func _clean(s: String) -> String:
	return s.replace("\n", " ").replace("\r", " ")
