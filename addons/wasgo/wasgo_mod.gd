## A WebAssembly mod loaded by WasGoEngine.load_mod(): one sandboxed instance bound to a node.
##
## Everything is forwarded to WasGo's TypeScript engine; this object only keeps the mod's id,
## turns answers into GDScript values and emits the signals. See docs/godot.md.
extends RefCounted

## The mod printed a line (godot.print, wasgo.print; `print_error`/`push_error` lines too).
signal printed(text: String)
## The mod failed: `code` is the WasGoError errno (docs/errors), `message` says what and where
## (for a refused Godot call: which level would allow it). The instance is unusable afterwards.
signal errored(code: int, message: String)
## main() ended (start()): its result, or -1 when it failed (errored fired first).
signal finished(status: int)

## The mod's name (file name without folders), used in messages and its file folder.
var name := ""
## The node the mod was given (its handle 1); below level 3 it may only touch this subtree.
var node: Node = null
## The safety level the mod runs at.
var level := 1
## When true, WasGoEngine calls the mod's `_process(delta: f64)` export every frame (inline,
## under the fuel budget). Opt-in; a mod without that export is skipped.
var process_each_frame := false

var _engine: Node = null
var _id := 0
var _exports := PackedStringArray()
var _last_error := {}
var _last_fuel := 0
## Custom monitors added for this mod (wasgo/debug/monitors).
var _monitors := PackedStringArray()


## True until the mod failed, was killed or disposed.
func is_alive() -> bool:
	return _id != 0 and state() != "failed" and state() != "disposed"


## "ready", "running" (main in a worker), "failed" or "disposed".
func state() -> String:
	if _id == 0 or _engine == null:
		return "disposed"
	return str(_engine._godot.state(_id))


## The exported functions (names).
func exports() -> PackedStringArray:
	return _exports


func has_export(export_name: String) -> bool:
	return _exports.has(export_name)


## Calls an export inline (numbers only: int, float; 64-bit results come back as int) under
## the fuel budget (`fuel` > 0 overrides wasgo/limits/fuel_per_call for this call). Returns its
## result (null for none); on failure returns null and last_error() says why (errored fired
## when the mod itself failed).
func call_export(export_name: String, args: Array = [], fuel: int = 0) -> Variant:
	if _id == 0:
		return _error({"ok": false, "code": "InstanceFailed", "errno": 11, "message": "the mod was disposed", "levelNeeded": null})
	var r = JSON.parse_string(_engine._godot.call(_id, export_name, JSON.stringify(args), fuel))
	if not (r is Dictionary) or not r.get("ok", false):
		return _error(r)
	_last_error = {}
	_last_fuel = int(r.get("fuel", 0))
	return _engine._value(r.get("value"), str(r.get("type", "")))


## Runs the mod's main (main, _start or __main_argc_argv) with `args` as argv[1..]. In a worker
## thread when the browser allows it ("worker": kill() and wasgo/limits/main_timeout_ms stop it,
## asynchronous functions such as HTTP and dialog confirmations work), else inline under the
## fuel budget ("inline"). `finished` fires when main ends. Returns the mode, or "" on error.
func start(args: PackedStringArray = PackedStringArray(), prefer_worker: bool = true) -> String:
	if _id == 0:
		return ""
	var r = JSON.parse_string(_engine._godot.start(_id, JSON.stringify(Array(args)), prefer_worker))
	if not (r is Dictionary) or not r.get("ok", false):
		_error(r)
		return ""
	return str(r["mode"])


## Stops the mod now (a running main too) and disposes it. Its handles die with it; nodes it
## constructed but never added to the tree are freed.
func kill() -> void:
	if _id != 0 and _engine != null:
		_engine._remove_monitors(_monitors)
		_engine._forget(_id)
		_engine._godot.kill(_id)
	_id = 0


## The last failure of a call on this object: { code, errno, message, level_needed } or {}.
func last_error() -> Dictionary:
	return _last_error.duplicate()


## Fuel the last inline call used (0 when the module is not metered).
func fuel_used_last_call() -> int:
	return _last_fuel


## This mod's counters: { fuel_used (all its calls and mains), calls (into the mod: call_export,
## _process, start), godot_calls, game_calls (its calls of godot.* and of the game's own
## functions), denied (calls the policy refused), host_ms (time spent in those calls),
## memory_bytes (its linear memory), handles (live handles it holds), live_objects (objects it
## constructed that are still alive), last_error (as last_error()) }. {} once disposed.
func stats() -> Dictionary:
	if _id == 0 or _engine == null:
		return {}
	var r = JSON.parse_string(str(_engine._godot.modStats(_id)))
	if not (r is Dictionary) or not r.get("ok", false):
		return {}
	var s: Dictionary = _engine._snake_stats(r)
	s["live_objects"] = _engine._live_objects(_id)
	s["last_error"] = _last_error.duplicate()
	return s


## The instance id in the TypeScript engine (0 once disposed).
func id() -> int:
	return _id


func _notification(what: int) -> void:
	if what == NOTIFICATION_PREDELETE and _id != 0 and _engine != null and is_instance_valid(_engine):
		_engine._remove_monitors(_monitors)
		_engine._forget(_id)
		_engine._godot.dispose(_id)
		_id = 0


func _error(r: Variant) -> Variant:
	if r is Dictionary:
		var need = r.get("levelNeeded")
		_last_error = {
			"code": str(r.get("code", "WasGoError")), "errno": int(r.get("errno", 1)),
			"message": str(r.get("message", "")), "level_needed": int(need) if need != null else 0,
		}
	else:
		_last_error = {"code": "WasGoError", "errno": 1, "message": "no answer from the WasGo engine", "level_needed": 0}
	return null


## Events from the engine (wasgo_engine.gd routes them here).
func _event(kind: String, code: int, text: String, level_needed: int) -> void:
	match kind:
		"printed":
			if code != 0:
				push_error("WasGo mod '%s': %s" % [name, text])
			else:
				print("[%s] %s" % [name, text])
			printed.emit(text)
		"errored":
			_last_error = {"code": text.get_slice(":", 0), "errno": code, "message": text, "level_needed": level_needed}
			push_error("WasGo mod '%s' failed: %s" % [name, text])
			errored.emit(code, text)
		"finished":
			finished.emit(code)
