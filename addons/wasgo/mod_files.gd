## Which files the export takes along as mods: every `.wasm` and `.ant.zip` under the folders of
## the project setting `wasgo/mods/paths` (default ["res://mods"]). Godot's export leaves files
## that are not resources out of the pack unless the export filter names them; export_plugin.gd
## adds what collect() returns to every export.
##
## No editor dependency (the export plugin cannot run outside the editor; this can, so the e2e
## tests check it in the real engine: tests/godot/projects/export-mods).
extends RefCounted

const Settings := preload("res://addons/wasgo/settings.gd")
const SETTING := "wasgo/mods/paths"
const EXTENSIONS := [".wasm", ".ant.zip"]


## The folders (or single files) `wasgo/mods/paths` names; its default (settings.gd) when unset.
static func configured_paths() -> PackedStringArray:
	for d in Settings.editor_definitions():
		if d["name"] == SETTING:
			return PackedStringArray(ProjectSettings.get_setting(SETTING, d["default"]))
	return PackedStringArray()


## The mod files under `paths`: { "files": PackedStringArray (sorted, each once), "warnings":
## PackedStringArray (one per entry that is not a res:// path, climbs out with "..", does not
## exist, or is a file that is not a mod) }. Folders are walked recursively, except hidden ones and those holding a .gdignore
## (Godot skips them too); an entry may also name one mod file.
static func collect(paths: PackedStringArray) -> Dictionary:
	var found := {}
	var warnings := PackedStringArray()
	for raw in paths:
		var p := raw.strip_edges()
		if not p.begins_with("res://"):
			warnings.append("%s: %s is not a res:// path (mods are exported from the project only)" % [SETTING, raw])
			continue
		if ".." in p.trim_prefix("res://").split("/"):
			warnings.append("%s: %s climbs out with '..'" % [SETTING, raw])
			continue
		p = p.trim_suffix("/") if p != "res://" else p
		if FileAccess.file_exists(p):
			if is_mod_file(p):
				found[p] = true
			else:
				warnings.append("%s: %s is neither a folder nor a %s file" % [SETTING, raw, " or ".join(EXTENSIONS)])
		elif DirAccess.dir_exists_absolute(p):
			_walk(p, found)
		else:
			warnings.append("%s: %s does not exist" % [SETTING, raw])
	var files := PackedStringArray(found.keys())
	files.sort()
	return {"files": files, "warnings": warnings}


static func is_mod_file(path: String) -> bool:
	var lower := path.to_lower()
	for ext in EXTENSIONS:
		if lower.ends_with(ext):
			return true
	return false


static func _walk(dir: String, found: Dictionary) -> void:
	if FileAccess.file_exists(dir.path_join(".gdignore")):
		return
	for f in DirAccess.get_files_at(dir):
		if is_mod_file(f):
			found[dir.path_join(f)] = true
	for d in DirAccess.get_directories_at(dir):
		if not d.begins_with("."):
			_walk(dir.path_join(d), found)
