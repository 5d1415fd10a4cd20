## Level 2: wasgo.file_write lands in <file_dir>/<mod>/ only when the game's confirmation says yes.
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")
const FILE := "user://mod-data/probe/notes/hello.txt"

var asked := []
var answer := false


func _ready() -> void:
	T.run(self)


func _confirm(mod: String, path: String, size: int) -> bool:
	asked.append([mod, path, size])
	return answer


func test_settings(t: T) -> void:
	t.eq("level 2", WasGoEngine.settings()["level"], 2)
	t.eq("file_dir", WasGoEngine.settings()["fileDir"], "user://mod-data")
	WasGoEngine.set_write_confirmation(_confirm)
	if FileAccess.file_exists(FILE):
		DirAccess.remove_absolute(FILE)


func test_denied(t: T) -> void:
	asked.clear()
	answer = false
	var rec := Mods.probe(self, "save")
	t.eq("save returns -1 (declined)", rec["result"], -1)
	t.eq("no error", rec["last"], {})
	t.eq("the game was asked once", asked.size(), 1)
	if asked.size() == 1:
		t.eq("asked with mod, path, size", asked[0], ["probe.wasm", "notes/hello.txt", 16])
	t.check("nothing written", not FileAccess.file_exists(FILE), FILE)


func test_granted(t: T) -> void:
	asked.clear()
	answer = true
	var rec := Mods.probe(self, "save")
	t.eq("save returns 0 (written)", rec["result"], 0)
	t.eq("no error", rec["last"], {})
	t.eq("the game was asked once", asked.size(), 1)
	t.eq("written into the mod's folder", FileAccess.get_file_as_string(FILE), "hello from probe")


func test_godot_api_still_level_1_rules(t: T) -> void:
	var rec := Mods.probe(self, "os_name")
	t.eq("OS refused at level 2", rec["last"].get("code"), "PolicyDenied")
	t.eq("needs level 3", rec["last"].get("level_needed"), 3)
