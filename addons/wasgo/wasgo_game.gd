## An ANT.zip game loaded by WasGoEngine.load_package(): its Core, Main and other modules.
##
## Reading and verifying a package is asynchronous, so `loaded` (or `errored`) arrives later;
## await it: `var game := WasGoEngine.load_package("res://game.ant.zip"); await game.loaded`.
## See docs/ant-packages.md and docs/antwasm.md for the package rules and the phases.
extends RefCounted

## The Core's entry returned (its result); modules() and call_export() work from now on.
signal loaded(core_result: int)
## A module printed a line.
signal printed(text: String)
## Loading failed (a refused package, a Core that failed, ...) or a module failed later.
signal errored(code: int, message: String)

var name := ""
var _engine: Node = null
var _id := 0
var _loaded := false
var _modules := []
var _last_error := {}


## "loading" until `loaded`/`errored`; then the runtime's phase: "initialization", "game",
## "failed", or "unloaded" once disposed.
func phase() -> String:
	if _id == 0 or _engine == null:
		return "unloaded"
	if not _loaded:
		return "loading" if _last_error.is_empty() else "failed"
	return str(_engine._godot.gamePhase(_id))


func is_loaded() -> bool:
	return _loaded


## The modules after `loaded`: [{ id, path, role }] (the Core is id 0).
func modules() -> Array:
	return _modules.duplicate(true)


## Calls an export of one module (Game Phase only). Returns its result or null (last_error()).
func call_export(module_id: int, export_name: String, args: Array = []) -> Variant:
	if _id == 0:
		return null
	var r = JSON.parse_string(str(_engine._godot.callGame(_id, module_id, export_name, JSON.stringify(args))))
	if not (r is Dictionary) or not r.get("ok", false):
		_last_error = r if r is Dictionary else {"message": "no answer"}
		return null
	_last_error = {}
	return _engine._value(r.get("value"), str(r.get("type", "")))


func last_error() -> Dictionary:
	return _last_error.duplicate()


## Disposes every module of the game.
func kill() -> void:
	if _id != 0 and _engine != null:
		_engine._forget_game(_id)
		_engine._godot.disposeGame(_id)
	_id = 0


func _notification(what: int) -> void:
	if what == NOTIFICATION_PREDELETE and _id != 0 and _engine != null and is_instance_valid(_engine):
		_engine._forget_game(_id)
		_engine._godot.disposeGame(_id)
		_id = 0


func _event(kind: String, code: int, text: String, level_needed: int) -> void:
	match kind:
		"loaded":
			var d = JSON.parse_string(text)
			_modules = []
			if d is Dictionary:
				for m in d.get("modules", []):
					_modules.append({"id": int(m["id"]), "path": str(m["path"]), "role": str(m["role"])})
			_loaded = true
			loaded.emit(code)
		"printed":
			if code != 0:
				push_error("WasGo game '%s': %s" % [name, text])
			else:
				print("[%s] %s" % [name, text])
			printed.emit(text)
		"errored":
			_last_error = {"errno": code, "message": text, "level_needed": level_needed}
			push_error("WasGo game '%s' failed: %s" % [name, text])
			errored.emit(code, text)
