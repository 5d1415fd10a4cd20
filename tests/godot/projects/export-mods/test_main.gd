## What the export plugin adds to an export: the .wasm and .ant.zip files under the folders of
## wasgo/mods/paths (addons/wasgo/mod_files.gd, the function export_plugin.gd calls; the plugin
## itself needs the editor). The tree in this project:
##   mods/a.wasm  mods/B.WASM  mods/game.ant.zip  mods/readme.txt  mods/sub/c.wasm
##   mods/.hidden/h.wasm  mods/ignored/.gdignore + i.wasm  extra/one.ant.zip  extra/two.wasm  other.wasm
extends Node

const T = preload("res://wasgo_test/t.gd")
const ModFiles = preload("res://addons/wasgo/mod_files.gd")
const Settings = preload("res://addons/wasgo/settings.gd")

const IN_MODS := ["res://mods/B.WASM", "res://mods/a.wasm", "res://mods/game.ant.zip", "res://mods/sub/c.wasm"]


func _ready() -> void:
	T.run(self)


func _files(paths: Array) -> Array:
	return Array(ModFiles.collect(PackedStringArray(paths))["files"])


func _warnings(paths: Array) -> Array:
	return Array(ModFiles.collect(PackedStringArray(paths))["warnings"])


func test_default_setting(t: T) -> void:
	t.eq("not set before registration", ProjectSettings.has_setting("wasgo/mods/paths"), false)
	t.eq("configured_paths falls back to the default", ModFiles.configured_paths(), PackedStringArray(["res://mods"]))
	Settings.register_settings()
	t.eq("registered with its default", ProjectSettings.get_setting("wasgo/mods/paths"), PackedStringArray(["res://mods"]))
	t.eq("revert value is the default", ProjectSettings.property_get_revert("wasgo/mods/paths"), PackedStringArray(["res://mods"]))
	var info := {}
	for p in ProjectSettings.get_property_list():
		if p["name"] == "wasgo/mods/paths":
			info = p
	t.eq("type", info.get("type"), TYPE_PACKED_STRING_ARRAY)
	t.eq("hint: a folder picker per element", [info.get("hint"), info.get("hint_string")], [PROPERTY_HINT_TYPE_STRING, "%d/%d:" % [TYPE_STRING, PROPERTY_HINT_DIR]])
	t.eq("basic setting", (int(info.get("usage", 0)) & PROPERTY_USAGE_EDITOR_BASIC_SETTING) != 0, true)
	t.check("not handed to the TypeScript engine", not Settings.read_settings().values().has(PackedStringArray(["res://mods"])) and not Settings.read_settings().values().has(["res://mods"]), str(Settings.read_settings().keys()))
	ProjectSettings.set_setting("wasgo/mods/paths", PackedStringArray(["res://extra"]))
	t.eq("configured_paths follows the setting", ModFiles.configured_paths(), PackedStringArray(["res://extra"]))
	t.eq("and collect() the folder it names", _files(ModFiles.configured_paths()), ["res://extra/one.ant.zip", "res://extra/two.wasm"])
	ProjectSettings.set_setting("wasgo/mods/paths", PackedStringArray(["res://mods"]))


func test_selection(t: T) -> void:
	var r := ModFiles.collect(PackedStringArray(["res://mods"]))
	t.eq("wasm and ant.zip files, recursively, sorted; no other files, hidden or .gdignore'd folders", Array(r["files"]), IN_MODS)
	t.eq("no warnings", Array(r["warnings"]), [])
	t.eq("a trailing slash is the same folder", _files(["res://mods/"]), IN_MODS)
	t.eq("overlapping entries: each file once", _files(["res://mods", "res://mods/sub", "res://mods/a.wasm"]), IN_MODS)
	t.eq("one file named directly", _files(["res://extra/one.ant.zip"]), ["res://extra/one.ant.zip"])
	t.eq("a file that is not a mod is not taken", _files(["res://mods/readme.txt"]), [])
	var w := _warnings(["res://mods/readme.txt"])
	t.check("  ... and warned about as not a mod file", w.size() == 1 and "neither a folder nor a .wasm or .ant.zip file" in w[0], str(w))
	t.eq("two folders", _files(["res://mods/sub", "res://extra"]), ["res://extra/one.ant.zip", "res://extra/two.wasm", "res://mods/sub/c.wasm"])
	t.eq("nothing configured, nothing added", _files([]), [])
	var all := _files(["res://"])
	t.check("res:// walks the project: finds other.wasm", "res://other.wasm" in all, str(all))
	t.check("res:// still skips hidden and .gdignore'd folders", not "res://mods/.hidden/h.wasm" in all and not "res://mods/ignored/i.wasm" in all, str(all))


func test_bad_entries(t: T) -> void:
	for bad in ["user://mods", "/etc", "C:/mods", "mods", "res://../mods", "res://mods/../../x"]:
		var r := ModFiles.collect(PackedStringArray([bad]))
		t.eq(bad + ": nothing taken", Array(r["files"]), [])
		t.eq(bad + ": one warning", r["warnings"].size(), 1)
		if r["warnings"].size() == 1:
			t.check(bad + ": the warning names the entry and the setting", bad in r["warnings"][0] and "wasgo/mods/paths" in r["warnings"][0], r["warnings"][0])
	var missing := ModFiles.collect(PackedStringArray(["res://nope", "res://mods"]))
	t.eq("a missing folder: the others still taken", Array(missing["files"]), IN_MODS)
	t.check("  ... and a warning says it does not exist", missing["warnings"].size() == 1 and "does not exist" in missing["warnings"][0], str(missing["warnings"]))
