## The project settings: registration (what the editor plugin does on enable), defaults,
## property info, and values set in project.godot reaching read_settings() and the autoload.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Settings = preload("res://addons/wasgo/settings.gd")

## The documented settings (docs/godot.md), written out independently of settings.gd:
## name: [type, default, hint, hint_string, basic, key]
const DOCUMENTED := {
	"wasgo/safety/level": [TYPE_INT, 1, PROPERTY_HINT_ENUM, "Safe:1,Wrapped:2,Unsafe:3", true, "level"],
	"wasgo/safety/network_allowlist": [TYPE_PACKED_STRING_ARRAY, [], PROPERTY_HINT_NONE, "", true, "networkAllowlist"],
	"wasgo/safety/file_dir": [TYPE_STRING, "user://wasgo", PROPERTY_HINT_NONE, "", true, "fileDir"],
	"wasgo/safety/confirm_file_writes": [TYPE_BOOL, true, PROPERTY_HINT_NONE, "", true, "confirmFileWrites"],
	"wasgo/limits/memory_mb": [TYPE_INT, 64, PROPERTY_HINT_RANGE, "1,4096,1,suffix:MiB", true, "memoryMb"],
	"wasgo/limits/total_memory_mb": [TYPE_INT, 1024, PROPERTY_HINT_RANGE, "1,16777216,1,suffix:MiB", false, "totalMemoryMb"],
	"wasgo/limits/fuel_per_call": [TYPE_INT, 100000000, PROPERTY_HINT_RANGE, "0,9007199254740991,1", false, "fuelPerCall"],
	"wasgo/limits/max_call_ms": [TYPE_INT, 250, PROPERTY_HINT_RANGE, "0,2147483647,1,suffix:ms", false, "maxCallMs"],
	"wasgo/limits/main_timeout_ms": [TYPE_INT, 10000, PROPERTY_HINT_RANGE, "0,2147483647,1,suffix:ms", false, "mainTimeoutMs"],
	"wasgo/limits/fuel_per_main": [TYPE_INT, 10000000000, PROPERTY_HINT_RANGE, "0,9007199254740991,1", false, "fuelPerMain"],
	"wasgo/limits/max_workers": [TYPE_INT, 16, PROPERTY_HINT_RANGE, "1,1024,1", false, "maxWorkers"],
	"wasgo/limits/max_table_entries": [TYPE_INT, 100000, PROPERTY_HINT_RANGE, "1,10000000,1", false, "maxTableEntries"],
	"wasgo/limits/max_value_kb": [TYPE_INT, 64, PROPERTY_HINT_RANGE, "1,16384,1,suffix:KiB", false, "maxValueKb"],
	"wasgo/limits/max_result_items": [TYPE_INT, 1024, PROPERTY_HINT_RANGE, "1,1000000,1", false, "maxResultItems"],
	"wasgo/limits/max_text_chars": [TYPE_INT, 2048, PROPERTY_HINT_RANGE, "1,16777216,1", false, "maxTextChars"],
	"wasgo/limits/max_name_chars": [TYPE_INT, 256, PROPERTY_HINT_RANGE, "1,4096,1", false, "maxNameChars"],
	"wasgo/limits/max_line_points": [TYPE_INT, 4096, PROPERTY_HINT_RANGE, "2,1000000,1", false, "maxLinePoints"],
	"wasgo/limits/max_polygon_points": [TYPE_INT, 256, PROPERTY_HINT_RANGE, "3,1000000,1", false, "maxPolygonPoints"],
	"wasgo/limits/max_objects": [TYPE_INT, 10000, PROPERTY_HINT_RANGE, "1,10000000,1", false, "maxObjects"],
	"wasgo/limits/max_connections": [TYPE_INT, 1024, PROPERTY_HINT_RANGE, "1,1000000,1", false, "maxConnections"],
	"wasgo/limits/max_reentry_depth": [TYPE_INT, 8, PROPERTY_HINT_RANGE, "1,64,1", false, "maxReentryDepth"],
	"wasgo/limits/max_z_index": [TYPE_INT, 100, PROPERTY_HINT_RANGE, "0,4096,1", false, "maxZIndex"],
	"wasgo/ant/require_signature": [TYPE_BOOL, true, PROPERTY_HINT_NONE, "", true, "requireSignature"],
	"wasgo/ant/trusted_keys": [TYPE_PACKED_STRING_ARRAY, [], PROPERTY_HINT_NONE, "", true, "trustedKeys"],
	# Editor side only (the export plugin's mod folders): no key, read_settings() leaves it out.
	"wasgo/mods/paths": [TYPE_PACKED_STRING_ARRAY, ["res://mods"], PROPERTY_HINT_TYPE_STRING, "4/14:", true, ""],  # TYPE_STRING / PROPERTY_HINT_DIR
	# Godot-side only (no engine key: read_settings() leaves them out).
	"wasgo/api/resource": [TYPE_STRING, "", PROPERTY_HINT_FILE, "*.tres,*.res,*.json", true, ""],
	"wasgo/debug/monitors": [TYPE_BOOL, false, PROPERTY_HINT_NONE, "", false, ""],
}


func _ready() -> void:
	T.run(self)


## Every wasgo/* property ProjectSettings lists, by name.
func _listed() -> Dictionary:
	var out := {}
	for p in ProjectSettings.get_property_list():
		if str(p["name"]).begins_with("wasgo/"):
			out[p["name"]] = p
	return out


## The documented default as the Variant type the setting has.
func _default(name: String) -> Variant:
	var d = DOCUMENTED[name]
	return PackedStringArray(d[1]) if d[0] == TYPE_PACKED_STRING_ARRAY else d[1]


func _sorted(a: Array) -> Array:
	var b := a.duplicate()
	b.sort()
	return b


# Runs first: before registration only what project.godot sets exists (as in an exported game).
func test_before_register(t: T) -> void:
	t.eq("only project.godot values", _sorted(_listed().keys()), ["wasgo/limits/memory_mb", "wasgo/safety/level"])
	var s := Settings.read_settings()
	t.eq("read_settings level from project.godot", s["level"], 3)
	t.eq("read_settings memoryMb from project.godot", s["memoryMb"], 128)
	t.eq("read_settings falls back to defaults", s["fuelPerCall"], 100000000)


func test_register(t: T) -> void:
	Settings.register_settings()
	var listed := _listed()
	t.eq("exactly the documented settings", _sorted(listed.keys()), _sorted(DOCUMENTED.keys()))
	for name in DOCUMENTED:
		var d = DOCUMENTED[name]
		var p: Dictionary = listed.get(name, {})
		var short: String = name.trim_prefix("wasgo/")
		t.eq(short + " type", p.get("type"), d[0])
		t.eq(short + " hint", p.get("hint"), d[2])
		t.eq(short + " hint_string", p.get("hint_string"), d[3])
		var basic := (int(p.get("usage", 0)) & PROPERTY_USAGE_EDITOR_BASIC_SETTING) != 0
		t.eq(short + " basic", basic, d[4])
		t.eq(short + " default (revert value)", ProjectSettings.property_get_revert(name), _default(name))
	# Values from project.godot survive registration; the rest are the defaults.
	t.eq("level kept", ProjectSettings.get_setting("wasgo/safety/level"), 3)
	t.eq("memory_mb kept", ProjectSettings.get_setting("wasgo/limits/memory_mb"), 128)
	t.eq("file_dir set to default", ProjectSettings.get_setting("wasgo/safety/file_dir"), "user://wasgo")
	t.eq("network_allowlist set to default", ProjectSettings.get_setting("wasgo/safety/network_allowlist"), PackedStringArray())
	Settings.register_settings()
	t.eq("registering twice changes nothing", _sorted(_listed().keys()), _sorted(DOCUMENTED.keys()))
	t.eq("level still kept", ProjectSettings.get_setting("wasgo/safety/level"), 3)


func test_read_settings(t: T) -> void:
	var s := Settings.read_settings()
	var keys := []
	for name in DOCUMENTED:
		if DOCUMENTED[name][5] != "":
			keys.append(DOCUMENTED[name][5])
	t.eq("keys", _sorted(s.keys()), _sorted(keys))
	t.eq("level", s["level"], 3)
	t.eq("memoryMb", s["memoryMb"], 128)
	t.eq("networkAllowlist", s["networkAllowlist"], [])
	t.eq("fileDir", s["fileDir"], "user://wasgo")
	t.eq("confirmFileWrites", s["confirmFileWrites"], true)
	t.eq("fuelPerCall", s["fuelPerCall"], 100000000)
	t.eq("mainTimeoutMs", s["mainTimeoutMs"], 10000)
	t.eq("requireSignature", s["requireSignature"], true)
	t.eq("trustedKeys", s["trustedKeys"], [])
	ProjectSettings.set_setting("wasgo/safety/network_allowlist", PackedStringArray(["https://example.com/api/"]))
	ProjectSettings.set_setting("wasgo/ant/trusted_keys", PackedStringArray(["AAAA", "BBBB"]))
	s = Settings.read_settings()
	t.eq("lists as plain Arrays", s["networkAllowlist"], ["https://example.com/api/"])
	t.eq("trustedKeys", s["trustedKeys"], ["AAAA", "BBBB"])
	# The TypeScript engine gets the settings as JSON; check what JS sees.
	var js = JavaScriptBridge.eval("(() => { const s = JSON.parse(%s); return [typeof s.level, s.level, Array.isArray(s.trustedKeys), s.trustedKeys.length, s.fileDir].join('|'); })()" % JSON.stringify(JSON.stringify(s)), true)
	t.eq("JSON reaches JS intact", js, "number|3|true|2|user://wasgo")


func test_autoload_reads_project_godot(t: T) -> void:
	var s: Dictionary = WasGoEngine.settings()
	t.eq("autoload level is 3 (from project.godot)", s.get("level"), 3)
	t.eq("autoload memoryMb is 128", s.get("memoryMb"), 128)
	t.check("autoload ready", WasGoEngine.is_ready(), WasGoEngine.load_error())
