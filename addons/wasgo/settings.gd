## WasGo's project settings: names, defaults and editor property info in one table.
##
## plugin.gd (editor) calls register_settings(); the WasGoEngine autoload (runtime) calls
## read_settings(). Plain static functions with no editor dependency, so runtime code and the
## e2e tests can call them too. The TypeScript engine validates the values (resolveSettings).
extends RefCounted

const LEVEL_SAFE := 1
const LEVEL_WRAPPED := 2
const LEVEL_UNSAFE := 3


## Ranges (`min,max` of PROPERTY_HINT_RANGE) and defaults are the TypeScript engine's
## SETTING_RANGES / DEFAULT_SETTINGS (ts/engine/settings.ts) for engine settings, and
## GODOT_LIMIT_SETTINGS (ts/godot/limits.ts) for the bridge's limits (max_value_kb ... max_z_index);
## tests/engine/limits-v2.test.ts checks they agree. No `or_greater`:
## the engine refuses values past the maximum.
## One entry per setting: `name` (ProjectSettings path), `key` (field of the TypeScript engine's
## settings), `type`, `default`, `hint`, `hint_string`, `basic` (shown without "Advanced Settings").
static func definitions() -> Array[Dictionary]:
	return [
		_def("wasgo/safety/level", "level", TYPE_INT, LEVEL_SAFE,
			PROPERTY_HINT_ENUM, "Safe:1,Wrapped:2,Unsafe:3", true),
		_def("wasgo/safety/network_allowlist", "networkAllowlist", TYPE_PACKED_STRING_ARRAY, PackedStringArray(),
			PROPERTY_HINT_NONE, "", true),
		_def("wasgo/safety/file_dir", "fileDir", TYPE_STRING, "user://wasgo",
			PROPERTY_HINT_NONE, "", true),
		_def("wasgo/safety/confirm_file_writes", "confirmFileWrites", TYPE_BOOL, true,
			PROPERTY_HINT_NONE, "", true),
		_def("wasgo/limits/memory_mb", "memoryMb", TYPE_INT, 64,
			PROPERTY_HINT_RANGE, "1,4096,1,suffix:MiB", true),
		_def("wasgo/limits/total_memory_mb", "totalMemoryMb", TYPE_INT, 1024,
			PROPERTY_HINT_RANGE, "1,16777216,1,suffix:MiB", false),
		_def("wasgo/limits/fuel_per_call", "fuelPerCall", TYPE_INT, 100000000,
			PROPERTY_HINT_RANGE, "0,9007199254740991,1", false),
		_def("wasgo/limits/max_call_ms", "maxCallMs", TYPE_INT, 250,
			PROPERTY_HINT_RANGE, "0,2147483647,1,suffix:ms", false),
		_def("wasgo/limits/main_timeout_ms", "mainTimeoutMs", TYPE_INT, 10000,
			PROPERTY_HINT_RANGE, "0,2147483647,1,suffix:ms", false),
		_def("wasgo/limits/fuel_per_main", "fuelPerMain", TYPE_INT, 10000000000,
			PROPERTY_HINT_RANGE, "0,9007199254740991,1", false),
		_def("wasgo/limits/max_workers", "maxWorkers", TYPE_INT, 16,
			PROPERTY_HINT_RANGE, "1,1024,1", false),
		_def("wasgo/limits/max_table_entries", "maxTableEntries", TYPE_INT, 100000,
			PROPERTY_HINT_RANGE, "1,10000000,1", false),
		# Bounds on single Godot calls and on what a mod holds (ts/godot/limits.ts, docs/godot-policy.md "Limits").
		_def("wasgo/limits/max_value_kb", "maxValueKb", TYPE_INT, 64,
			PROPERTY_HINT_RANGE, "1,16384,1,suffix:KiB", false),
		_def("wasgo/limits/max_result_items", "maxResultItems", TYPE_INT, 1024,
			PROPERTY_HINT_RANGE, "1,1000000,1", false),
		_def("wasgo/limits/max_text_chars", "maxTextChars", TYPE_INT, 2048,
			PROPERTY_HINT_RANGE, "1,16777216,1", false),
		_def("wasgo/limits/max_name_chars", "maxNameChars", TYPE_INT, 256,
			PROPERTY_HINT_RANGE, "1,4096,1", false),
		_def("wasgo/limits/max_line_points", "maxLinePoints", TYPE_INT, 4096,
			PROPERTY_HINT_RANGE, "2,1000000,1", false),
		_def("wasgo/limits/max_polygon_points", "maxPolygonPoints", TYPE_INT, 256,
			PROPERTY_HINT_RANGE, "3,1000000,1", false),
		_def("wasgo/limits/max_objects", "maxObjects", TYPE_INT, 10000,
			PROPERTY_HINT_RANGE, "1,10000000,1", false),
		_def("wasgo/limits/max_connections", "maxConnections", TYPE_INT, 1024,
			PROPERTY_HINT_RANGE, "1,1000000,1", false),
		_def("wasgo/limits/max_reentry_depth", "maxReentryDepth", TYPE_INT, 8,
			PROPERTY_HINT_RANGE, "1,64,1", false),
		_def("wasgo/limits/max_z_index", "maxZIndex", TYPE_INT, 100,
			PROPERTY_HINT_RANGE, "0,4096,1", false),
		# Read by the Godot side only (wasgo_engine.gd), so no engine key: read_settings() leaves them out.
		_def("wasgo/api/resource", "", TYPE_STRING, "",
			PROPERTY_HINT_FILE, "*.tres,*.res,*.json", true),
		_def("wasgo/debug/monitors", "", TYPE_BOOL, false,
			PROPERTY_HINT_NONE, "", false),
		_def("wasgo/ant/require_signature", "requireSignature", TYPE_BOOL, true,
			PROPERTY_HINT_NONE, "", true),
		_def("wasgo/ant/trusted_keys", "trustedKeys", TYPE_PACKED_STRING_ARRAY, PackedStringArray(),
			PROPERTY_HINT_NONE, "", true),
	]


## Settings of the editor side, not handed to the TypeScript engine (read_settings() leaves them
## out): `wasgo/mods/paths`, the folders export_plugin.gd exports mods from (mod_files.gd). Each
## element gets a folder picker.
static func editor_definitions() -> Array[Dictionary]:
	return [
		_def("wasgo/mods/paths", "", TYPE_PACKED_STRING_ARRAY, PackedStringArray(["res://mods"]),
			PROPERTY_HINT_TYPE_STRING, "%d/%d:" % [TYPE_STRING, PROPERTY_HINT_DIR], true),
	]


## Adds every setting that is not set yet (values already in project.godot are kept), its
## default (what "revert" goes back to, and what is not written to project.godot), its property
## info and its basic/advanced visibility. Property info is not saved in project.godot, so the
## editor plugin calls this every time it loads. Idempotent.
static func register_settings() -> void:
	for d in definitions() + editor_definitions():
		var name: String = d["name"]
		if not ProjectSettings.has_setting(name):
			ProjectSettings.set_setting(name, d["default"])
		ProjectSettings.set_initial_value(name, d["default"])
		ProjectSettings.add_property_info({
			"name": name, "type": d["type"], "hint": d["hint"], "hint_string": d["hint_string"],
		})
		ProjectSettings.set_as_basic(name, d["basic"])


## The settings as the TypeScript engine takes them: { level, networkAllowlist, fileDir,
## confirmFileWrites, memoryMb, totalMemoryMb, fuelPerCall, maxCallMs, mainTimeoutMs, fuelPerMain,
## maxWorkers, maxTableEntries, the limits (maxValueKb, maxResultItems, maxTextChars, maxNameChars,
## maxLinePoints, maxPolygonPoints, maxObjects, maxConnections, maxReentryDepth, maxZIndex),
## requireSignature, trustedKeys }.
## Missing settings (an exported game only stores values that differ from the default) read as
## the default. Lists come back as plain Arrays of Strings so the Dictionary survives JSON.
static func read_settings() -> Dictionary:
	var out := {}
	for d in definitions():
		if d["key"] == "":
			continue
		var v: Variant = ProjectSettings.get_setting(d["name"], d["default"])
		if typeof(v) != d["type"]:
			v = type_convert(v, d["type"])
		if v is PackedStringArray:
			v = Array(v)
		out[d["key"]] = v
	return out


static func _def(name: String, key: String, type: int, default: Variant, hint: int, hint_string: String, basic: bool) -> Dictionary:
	return {
		"name": name, "key": key, "type": type, "default": default,
		"hint": hint, "hint_string": hint_string, "basic": basic,
	}
