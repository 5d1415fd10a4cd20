## One row of the demo's panel: a mod file, the node it gets, and what it did so far (fuel, calls,
## last error). Calls go through call_export() here so each mod's Godot calls can be counted: the
## engine counts calls for the whole game (WasGoEngine.stats()), and an inline call runs
## synchronously, so the difference around it is that mod's.
extends RefCounted

var title := ""
var path := ""
var node: Node = null
## The WasGoMod (null before load_fresh() or when loading failed).
var mod = null
var fuel := 0
var calls := 0
var last_code := ""
var last_error := ""
## Emitted when the mod's main ends (start()): its status.
signal finished(status: int)


func _init(mod_title: String, mod_path: String, mod_node: Node) -> void:
	title = mod_title
	path = mod_path
	node = mod_node


## Loads a fresh instance (the previous one, failed or not, is dropped). False when it cannot load.
func load_fresh() -> bool:
	mod = WasGoEngine.load_mod(path, node, {"name": title})
	if mod == null:
		var e: Dictionary = WasGoEngine.last_load_error()
		_failed(str(e.get("code", "")), str(e.get("message", "")))
		return false
	mod.errored.connect(func(_code: int, message: String) -> void: _failed(message.get_slice(":", 0), message))
	mod.finished.connect(func(status: int) -> void: finished.emit(status))
	return true


## Calls an export inline; counts its Godot calls and fuel. Returns its result (null on failure).
func call_export(export_name: String, args: Array = []) -> Variant:
	if mod == null:
		return null
	var before: Dictionary = WasGoEngine.stats()
	var r = mod.call_export(export_name, args)
	calls += int(WasGoEngine.stats().get("calls", 0)) - int(before.get("calls", 0))
	var e: Dictionary = mod.last_error()
	if e.is_empty():
		fuel += mod.fuel_used_last_call()
	else:
		_failed(str(e.get("code", "")), str(e.get("message", "")))
		if last_code == "OutOfFuel":
			# It used its whole budget: that is what running out means.
			fuel += int(WasGoEngine.settings().get("fuelPerCall", 0))
	return r


func level() -> int:
	return mod.level if mod != null else 0


func state() -> String:
	return mod.state() if mod != null else "not loaded"


func _failed(code: String, message: String) -> void:
	last_code = code
	last_error = message
