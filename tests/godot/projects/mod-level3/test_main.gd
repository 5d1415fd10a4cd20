## The probe exports that level 1 refuses (mod-level1) work when project.godot says level 3.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")


func _ready() -> void:
	T.run(self)


func _works(t: T, what: String, export_name: String) -> Dictionary:
	var rec := Mods.probe(self, export_name)
	t.eq(what + ": no error", rec["last"], {})
	t.eq(what + ": no errored signal", rec["errors"], [])
	t.eq(what + ": mod still ready", rec["mod"].state() if rec["mod"] != null else "", "ready")
	return rec


func test_level(t: T) -> void:
	t.eq("project level", WasGoEngine.settings()["level"], 3)
	var rec := Mods.load_mod(self, Mods.PROBE)
	t.eq("mod level", rec["mod"].level, 3)


func test_same_mod_works_at_level_3(t: T) -> void:
	var rec := _works(t, "FileAccess.file_exists", "file_access")
	t.eq("FileAccess.file_exists(user://nothing) is false", rec["result"], 0)
	rec = _works(t, "OS singleton", "os_name")
	t.eq("OS.get_name() = \"Web\" (var_to_bytes: 12 bytes)", rec["result"], 12)
	rec = _works(t, "node.call()", "reflect")
	t.eq("node.call(\"set_position\", ...) moved the node", rec["node"].position, Vector2(7, 8))
	rec = _works(t, "absolute node path", "absolute")
	t.check("/root came back as a handle", rec["result"] is int and rec["result"] > 1, T.show(rec["result"]))
	rec = _works(t, "renaming the parent", "rename_parent")
	t.eq("the parent was renamed", str(name), "renamed_by_mod")
	name = "TestMain"


func test_handles_still_checked(t: T) -> void:
	var rec := Mods.probe(self, "invent")
	t.eq("invented handle refused at level 3 too", rec["last"].get("code"), "HandleError")
	rec = Mods.probe(self, "smuggle_nested")
	t.eq("smuggled object refused at level 3 too", rec["errors"].size(), 1)


func test_per_mod_level(t: T) -> void:
	var rec := Mods.load_mod(self, Mods.PROBE, {"level": 1})
	t.eq("load_mod option lowers the level", rec["mod"].level, 1)
	t.eq("OS refused for that mod", rec["mod"].call_export("os_name"), null)
	t.eq("needs level 3", rec["mod"].last_error().get("level_needed"), 3)
