## The WasGoEngine autoload: the Godot-side binding of WasGo's TypeScript engine.
##
## It only forwards. Every decision (safety levels, limits, what a mod may call) is made in
## TypeScript, in res://addons/wasgo/wasgo.js (built from ts/ by build.mjs). On the web the
## script is evaluated through JavaScriptBridge, so an exported game needs no HTML changes.
extends Node

const Settings := preload("res://addons/wasgo/settings.gd")
const SCRIPT_PATH := "res://addons/wasgo/wasgo.js"

## The `WasGo` JavaScript global once wasgo.js is loaded; null when it could not be loaded.
var _wasgo: JavaScriptObject = null
## The project settings handed to the TypeScript engine (see settings.gd read_settings()).
var _settings: Dictionary = {}
## Why the engine is not ready, or "".
var _load_error := ""


func _ready() -> void:
	_settings = Settings.read_settings()
	if not OS.has_feature("web"):
		_fail("WasGo runs in web exports for now (it needs JavaScriptBridge)")
		return
	var source := FileAccess.get_file_as_string(SCRIPT_PATH)
	if source.is_empty():
		_fail("cannot read %s (%s); is it included in the export?" % [SCRIPT_PATH, error_string(FileAccess.get_open_error())])
		return
	JavaScriptBridge.eval(source, true)
	_wasgo = JavaScriptBridge.get_interface("WasGo")
	if _wasgo == null:
		_fail("evaluating %s did not define the WasGo global" % SCRIPT_PATH)
		return
	# TODO(engine): create the TypeScript engine here from _settings (JSON.stringify) and the
	# JavaScriptBridge adapter of ts/godot/, and keep it next to _wasgo.


func _exit_tree() -> void:
	# Drop the JavaScriptObject while the engine is still up (see docs/godot.md, quirks).
	_wasgo = null


## True once wasgo.js is loaded and the TypeScript engine can be called.
func is_ready() -> bool:
	return _wasgo != null


## WasGo's version (the TypeScript bundle's VERSION), or "" when not ready.
func version() -> String:
	return str(_wasgo.VERSION) if _wasgo != null else ""


## The settings the engine was started with (a copy).
func settings() -> Dictionary:
	return _settings.duplicate(true)


## Why is_ready() is false ("" when it is true).
func load_error() -> String:
	return _load_error


# --- Game-script API: load_mod(path_or_bytes, node) -> WasGoMod, load_package(path) for
# --- ANT.zip, ... are added here, each forwarding to the TypeScript engine.


func _fail(message: String) -> void:
	_load_error = message
	push_error("WasGo: " + message)
