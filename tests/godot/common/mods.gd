## Helpers shared by the mod-* test projects (packed into every project): fresh nodes, a mod with its signals recorded.
extends RefCounted

const MOVER := "res://mods/mover.wasm"
const PROBE := "res://mods/probe.wasm"


## A Node2D "ModNode" at (10, 20) with a Node2D "Child" at (3, 4), under `host`.
static func fresh_node(host: Node) -> Node2D:
	var n := Node2D.new()
	n.name = "ModNode"
	n.position = Vector2(10, 20)
	host.add_child(n)
	var c := Node2D.new()
	c.name = "Child"
	c.position = Vector2(3, 4)
	n.add_child(c)
	return n


## Loads `path` on a fresh node and records its signals: { mod, node, errors: [[code, msg]], printed: [], finished: [] }.
static func load_mod(host: Node, path: String, options: Dictionary = {}) -> Dictionary:
	var n := fresh_node(host)
	# The lambdas capture the lists, not `rec` (which holds the mod): no reference cycle.
	var errors := []
	var printed := []
	var finished := []
	var rec := {"node": n, "errors": errors, "printed": printed, "finished": finished}
	var mod = WasGoEngine.load_mod(path, n, options)
	rec["mod"] = mod
	if mod != null:
		mod.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
		mod.printed.connect(func(text: String) -> void: printed.append(text))
		mod.finished.connect(func(status: int) -> void: finished.append(status))
	return rec


## Loads the probe on a fresh node and calls one export: the record plus "result" and "last" (last_error()).
static func probe(host: Node, export_name: String, args: Array = []) -> Dictionary:
	var rec := load_mod(host, PROBE)
	if rec["mod"] == null:
		rec["result"] = null
		rec["last"] = WasGoEngine.last_load_error()
		return rec
	rec["result"] = rec["mod"].call_export(export_name, args)
	rec["last"] = rec["mod"].last_error()
	return rec
