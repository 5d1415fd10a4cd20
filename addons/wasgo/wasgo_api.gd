## The game's modding API, declared in the project and reviewable in a diff (docs/godot.md,
## "Offer your game's API to mods"): the Project Setting `wasgo/api/resource` names a .tres of
## this type (or its JSON twin), which WasGoEngine loads when it starts.
##
## functions: one Dictionary per function mods may import:
##   { "module": "game", "name": "spawn", "params": ["string", "f32", "f32"], "result": "i32",
##     "level": 1, "target": { "node": "/root/Game", "method": "spawn" },
##     "names": ["kind", "x", "y"], "doc": "Spawns an enemy." }   # names, doc: optional
## (kinds as for WasGoEngine.register_function; the target is a method of an autoload,
## /root/<Name>, or of a node at an absolute path; a missing target is a startup error).
## additions: policy additions per level, each holding at every level above it too:
##   { "level": 1, "methods": ["AnimatedSprite2D.play"], "construct": ["Timer"],
##     "singletons": ["Input"], "scripts": ["Enemy.hit"] }
## (scripts: methods of a class_name script a mod may call on objects it holds). Opening
## something a safety rule denies (OS.execute, reflection, ...) below level 3 is refused at
## startup with the rule's name.
@tool
extends Resource

@export var functions: Array[Dictionary] = []
@export var additions: Array[Dictionary] = []
## Writes the JSON twin next to the resource (res://x.tres -> res://x.json) for `wasgo run --api`.
@export_tool_button("Write the JSON twin") var write_twin := _write_twin


## The data as WasGo takes it: plain Dictionaries, Arrays, Strings and ints (= the JSON twin).
func to_data() -> Dictionary:
	var fs := []
	for f in functions:
		var d := {
			"module": str(f.get("module", "")), "name": str(f.get("name", "")),
			"params": Array(PackedStringArray(f.get("params", []))), "result": str(f.get("result", "")),
			"level": int(f.get("level", 1)),
		}
		if f.has("names"):  # parameter names for `wasgo sdk`'s typed bindings
			d["names"] = Array(PackedStringArray(f["names"]))
		if f.has("doc"):
			d["doc"] = str(f["doc"])
		var t = f.get("target")
		if t is Dictionary:
			d["target"] = {"node": str(t.get("node", "")), "method": str(t.get("method", ""))}
		fs.append(d)
	var adds := []
	for a in additions:
		var d := {"level": int(a.get("level", 0))}
		for kind in ["methods", "construct", "singletons", "scripts"]:
			if a.has(kind):
				d[kind] = Array(PackedStringArray(a[kind]))
		adds.append(d)
	return {"functions": fs, "additions": adds}


## Writes to_data() as JSON (tab-indented, sorted keys: stable diffs).
func save_json(path: String) -> Error:
	var f := FileAccess.open(path, FileAccess.WRITE)
	if f == null:
		return FileAccess.get_open_error()
	f.store_string(JSON.stringify(to_data(), "\t", true) + "\n")
	return OK


func _write_twin() -> void:
	if resource_path == "":
		push_error("WasGoApi: save the resource first")
		return
	var path := resource_path.get_basename() + ".json"
	var err := save_json(path)
	if err != OK:
		push_error("WasGoApi: cannot write %s (%s)" % [path, error_string(err)])
	else:
		print("WasGoApi: wrote ", path)
