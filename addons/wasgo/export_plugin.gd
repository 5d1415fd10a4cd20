## WasGo's export plugin (editor only; plugin.gd adds it). Godot's default export filter takes
## resources only, so it adds what WasGo needs that is not one:
## - res://addons/wasgo/wasgo.js, the TypeScript engine the autoload evaluates;
## - the mods: every .wasm and .ant.zip under the folders of `wasgo/mods/paths` (mod_files.gd).
@tool
extends EditorExportPlugin

const ModFiles := preload("res://addons/wasgo/mod_files.gd")
const WASGO_JS := "res://addons/wasgo/wasgo.js"


func _get_name() -> String:
	return "WasGo"


func _export_begin(_features: PackedStringArray, _is_debug: bool, _path: String, _flags: int) -> void:
	add_file(WASGO_JS, FileAccess.get_file_as_bytes(WASGO_JS), false)
	var mods := ModFiles.collect(ModFiles.configured_paths())
	for w in mods["warnings"]:
		push_warning("WasGo export: " + w)
	for f in mods["files"]:
		add_file(f, FileAccess.get_file_as_bytes(f), false)
	print("WasGo export: wasgo.js and %d mod file(s) from %s" % [mods["files"].size(), ", ".join(ModFiles.configured_paths())])
