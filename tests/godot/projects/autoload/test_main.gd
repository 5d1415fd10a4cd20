## The WasGoEngine autoload: present, loads wasgo.js through JavaScriptBridge, reads settings.
extends Node

const T = preload("res://wasgo_test/t.gd")


func _ready() -> void:
	T.run(self)


func _package_version() -> String:
	var pkg = JSON.parse_string(FileAccess.get_file_as_string("res://wasgo_test/package.json"))
	return str(pkg["version"]) if pkg is Dictionary else "<unreadable package.json>"


func test_autoload(t: T) -> void:
	var node := get_node_or_null("/root/WasGoEngine")
	if not t.check("present at /root/WasGoEngine", node != null):
		return
	t.eq("script", node.get_script().resource_path, "res://addons/wasgo/wasgo_engine.gd")
	t.check("ready before the main scene", node.is_ready(), "load_error: " + str(node.load_error()))
	t.eq("no load error", node.load_error(), "")


func test_wasgo_js(t: T) -> void:
	t.eq("WasGo global defined", JavaScriptBridge.eval("typeof globalThis.WasGo", true), "object")
	t.eq("version() is the package version", WasGoEngine.version(), _package_version())
	var cfg := ConfigFile.new()
	t.eq("plugin.cfg parses", cfg.load("res://addons/wasgo/plugin.cfg"), OK)
	t.eq("plugin.cfg version is the package version", cfg.get_value("plugin", "version", ""), _package_version())
	t.eq("plugin.cfg script", cfg.get_value("plugin", "script", ""), "plugin.gd")


func test_settings_defaults(t: T) -> void:
	# Nothing under wasgo/ in project.godot (like an exported game left at the defaults).
	var s: Dictionary = WasGoEngine.settings()
	var expected := {
		"level": 1, "networkAllowlist": [], "fileDir": "user://wasgo", "confirmFileWrites": true,
		"memoryMb": 64, "totalMemoryMb": 1024, "fuelPerCall": 100000000, "mainTimeoutMs": 10000,
		"maxCallMs": 250, "fuelPerMain": 10000000000, "maxWorkers": 16, "maxTableEntries": 100000,
		"requireSignature": true, "trustedKeys": [],
		"maxValueKb": 64, "maxResultItems": 1024, "maxTextChars": 2048, "maxNameChars": 256, "maxLinePoints": 4096,
		"maxPolygonPoints": 256, "maxObjects": 10000, "maxConnections": 1024, "maxReentryDepth": 8, "maxZIndex": 100,
	}
	t.eq("keys", _sorted(s.keys()), _sorted(expected.keys()))
	for k in expected:
		t.eq("default " + k, s.get(k), expected[k])
	s["level"] = 3
	t.eq("settings() is a copy", WasGoEngine.settings()["level"], 1)


func _sorted(a: Array) -> Array:
	var b := a.duplicate()
	b.sort()
	return b
