## The WasGoEngine autoload: the Godot-side binding of WasGo's TypeScript engine.
##
## It only forwards and executes. Every decision (safety levels, limits, what a mod may call)
## is made in TypeScript, in res://addons/wasgo/wasgo.js (built from ts/ by build.mjs). On the
## web the script is evaluated through JavaScriptBridge, so an exported game needs no HTML
## changes.
##
## Game-script API (docs/godot.md):
##   var mod := WasGoEngine.load_mod("res://mods/mover.wasm", $Player)   # -> WasGoMod or null
##   mod.errored.connect(func(code, message): ...)
##   mod.call_export("step", [0.5])      # inline, under the fuel budget
##   mod.start()                         # main(), in a worker when possible
##   mod.process_each_frame = true       # calls the mod's _process(delta) export every frame
##   WasGoEngine.set_write_confirmation(func(mod, path, size): return true)   # level 2 writes
##   WasGoEngine.register_function("game", "spawn", spawn, ["string", "f32", "f32"], "i32")   # the game's API
##   mod.stats()                         # per-mod counters (wasgo/debug/monitors: custom monitors)
## The game's API can also be declared in a WasGoApi resource (wasgo/api/resource, wasgo_api.gd).
##
## The bridge (ts/godot/web-bridge.ts): TypeScript calls one callback, _op(op, 0, ...), for
## everything it needs from Godot, and this script answers with WasGo.godot.reply(status,
## value, message, class) — except method calls, the hot path, which have their own callback,
## _call(plan, instance, ...), and answers WasGo.godot.ok(value) / fail(status, message).
## Bytes travel as base64, ObjectIDs as strings (as two 32-bit ints on the hot path).
extends Node

const Settings := preload("res://addons/wasgo/settings.gd")
const WasGoMod := preload("res://addons/wasgo/wasgo_mod.gd")
const WasGoGame := preload("res://addons/wasgo/wasgo_game.gd")
const SCRIPT_PATH := "res://addons/wasgo/wasgo.js"

## The `WasGo` JavaScript global once wasgo.js is loaded; null when it could not be loaded.
var _wasgo: JavaScriptObject = null
## The project settings handed to the TypeScript engine (see settings.gd read_settings()).
var _settings: Dictionary = {}
## Why the engine is not ready, or "".
var _load_error := ""
## `WasGo.godot` (ts/godot/web.ts) and the bridge callback TypeScript calls.
var _godot: JavaScriptObject = null
var _callback: JavaScriptObject = null
var _call_callback: JavaScriptObject = null
## Live mods: instance id -> WeakRef(WasGoMod); ANT games: game id -> WeakRef(WasGoGame).
var _mods := {}
var _games := {}
## Strong references to RefCounted objects handed to a mod: instance id -> { ObjectID: Object }.
var _keep := {}
## Objects a mod constructed: instance id -> { ObjectID: true }. They count against the mod's
## live-object cap until freed (wasgo/limits/max_objects), they are the only nodes it may free,
## rename, reparent, move or remove below level 3, and at dispose the non-RefCounted ones that
## never entered the tree are freed.
var _owned := {}
## Size caps TypeScript resolved from the settings (ts/godot/limits.ts): results over them are
## refused before they are serialized.
var _max_value_bytes := 65536
var _max_result_items := 1024
var _limits := {}
## The game's write confirmation (Callable(mod: String, path: String, size: int) -> bool).
var _write_confirmation := Callable()
## Pending confirmation dialogs: request id -> ConfirmationDialog.
var _dialogs := {}
## Why the last load_mod() failed: { code, errno, message }.
var _last_load_error := {}
## Caches: class -> "Class,Parent,...,Object"; "name/argc" -> Expression.
var _chains := {}
var _expressions := {}
## Signal connections of mods: connection id -> [instance, ObjectID, signal StringName, Callable].
var _connections := {}
## Call plans (what does not change between calls of one method): index = plan id.
var _plans: Array[Plan] = [null]
## The arguments of a call without any (read-only).
const NO_ARGS: Array = []
## The game's own functions (register_function, the WasGoApi resource): id -> [Callable,
## params, result, "module.name", target node path, target method] (a resource's function has
## no Callable: its target is resolved at each call);
## "module.name" -> id.
var _game_functions := {}
var _game_function_ids := {}
var _next_game_function := 1
var _last_register_error := ""
## Set by fail_call() while a game function runs ("" = it did not refuse).
var _call_failure := ""
## The Project Setting naming the game's declarative API (a WasGoApi .tres, or its JSON twin).
const API_SETTING := "wasgo/api/resource"


## What does not change between calls of one method by one mod (registered once by
## TypeScript, see _op_plan).
class Plan:
	var instance := 0
	var method: StringName
	## The class of a static method; "" for a method called on an object.
	var static_class := ""
	var is_static := false
	## The ObjectID of the subtree's root a call with a negative plan id must stay in (0 = none).
	var root := 0
	## Variant.Type of each declared argument (0 = any).
	var types := PackedInt32Array()
	## Whether any declared type needs checking (not Variant, not Object).
	var typed := false
	## Indices of Object-typed and NodePath-typed arguments.
	var objects := PackedInt32Array()
	var paths := PackedInt32Array()
	var min_args := 0
	## -1 = vararg.
	var max_args := 0
	## Whether RIDs may appear in the arguments.
	var rid := false
	## Whether a declared argument is a Vector2 (numbers-mode arguments need _scalars then).
	var vec2 := false
	## Whether a call without arguments needs _call_args too (required arguments, objects, paths).
	var checked := false
	## Whether every declared argument has a type that cannot hold an object or an RID, and there
	## are no objects, paths or varargs: then arguments of exactly the declared types need no more checks.
	var plain := false
	## Ownership (below level 3): "target" = the object called must be one this mod constructed,
	## "objects" = every object argument must be; "" = none.
	var own := ""
	## A growing object (Line2D.add_point): `counter()` must be below `grow_limit` ("" = none).
	var counter := StringName()
	var grow_limit := 0
	## Whether a call needs any of the checks above (or get_children's count check) before it runs.
	var guarded := false
	## The cumulative z check (below level 3): "set" (set_z_index) or "add" (add_child), "" = none.
	var z_kind := ""
	var z_limit := 0


func _ready() -> void:
	_settings = Settings.read_settings()
	if not OS.has_feature("web"):
		_fail("WasGo runs in web exports for now (it needs JavaScriptBridge)")
		return
	var source := FileAccess.get_file_as_string(SCRIPT_PATH)
	if source.is_empty():
		_fail("cannot read %s (%s); is it included in the export?" % [SCRIPT_PATH, error_string(FileAccess.get_open_error())])
		return
	JavaScriptBridge.eval(source, true)
	_wasgo = JavaScriptBridge.get_interface("WasGo")
	if _wasgo == null:
		_fail("evaluating %s did not define the WasGo global" % SCRIPT_PATH)
		return
	_godot = _wasgo.godot
	_callback = JavaScriptBridge.create_callback(_op)
	_call_callback = JavaScriptBridge.create_callback(_call)
	var api = _read_api()
	if api == null:
		_godot = null
		return
	var api_path := str(ProjectSettings.get_setting(API_SETTING, ""))
	var r = JSON.parse_string(str(_godot.attach(_callback, JSON.stringify(_settings), _call_callback,
		JSON.stringify(api) if not api.is_empty() else "", "%s (%s)" % [API_SETTING, api_path])))
	if not (r is Dictionary) or not r.get("ok", false):
		_fail("the WasGo engine refused the settings: %s" % (r.get("message", "") if r is Dictionary else "no answer"))
		_godot = null
		return
	if not _register_api(api, api_path):
		_godot.detach()
		_godot = null
		return
	var limits: Dictionary = r.get("limits", {})
	_limits = limits
	_max_value_bytes = int(limits.get("maxValueBytes", _max_value_bytes))
	_max_result_items = int(limits.get("maxResultItems", _max_result_items))


func _exit_tree() -> void:
	# Drop the JavaScriptObjects while the engine is still up (see docs/godot.md, quirks).
	if _godot != null:
		_godot.detach()
	for connection in _connections.keys():
		_disconnect(connection)
	_mods.clear()
	_games.clear()
	_wasgo = null
	_godot = null
	_callback = null
	_call_callback = null


## True once wasgo.js is loaded and the TypeScript engine can be called.
func is_ready() -> bool:
	return _wasgo != null and _godot != null


## WasGo's version (the TypeScript bundle's VERSION), or "" when not ready.
func version() -> String:
	return str(_wasgo.VERSION) if _wasgo != null else ""


## The settings the engine was started with (a copy).
func settings() -> Dictionary:
	return _settings.duplicate(true)


## The limits the engine resolved from wasgo/limits/* (ts/godot/limits.ts): maxValueBytes,
## maxResultItems, maxTextChars, maxNameChars, maxLinePoints, maxPolygonPoints, maxObjects,
## maxConnections, maxReentryDepth, maxZIndex (a copy; {} when not ready).
func limits() -> Dictionary:
	return _limits.duplicate()


## Why is_ready() is false ("" when it is true).
func load_error() -> String:
	return _load_error


# --- Game-script API ------------------------------------------------------------------------


## Loads a mod: `source` is a res:// or user:// path to a .wasm file, or its bytes
## (PackedByteArray). `node` becomes the mod's own node (its handle 1): below level 3 the mod
## may only touch that node and its descendants. Compiles and instantiates synchronously (so
## keep mods under 8 MB: browsers refuse bigger synchronous compiles on the main thread).
## `options`: { "name": String, "level": 1..3 (overrides wasgo/safety/level for this mod) }.
## Returns the WasGoMod, or null (push_error, and last_load_error() says why).
func load_mod(source: Variant, node: Node, options: Dictionary = {}) -> WasGoMod:
	_last_load_error = {}
	if not is_ready():
		return _load_failed("EngineShutDown", 7, "WasGo is not ready: " + _load_error)
	if node == null or not is_instance_valid(node):
		return _load_failed("HostError", 34, "load_mod needs the mod's node")
	var bytes := _source_bytes(source, "load_mod")
	if not _last_load_error.is_empty():
		return null
	var mod_name := _source_name(source, options, "mod")
	var r = JSON.parse_string(str(_godot.loadMod(Marshalls.raw_to_base64(bytes), mod_name,
		str(node.get_instance_id()), node.get_class(), int(options.get("level", 0)))))
	if not (r is Dictionary) or not r.get("ok", false):
		if r is Dictionary:
			return _load_failed(str(r.get("code")), int(r.get("errno", 1)), str(r.get("message")))
		return _load_failed("WasGoError", 1, "no answer from the WasGo engine")
	var mod := WasGoMod.new()
	mod.name = mod_name
	mod.node = node
	mod.level = int(r["level"])
	mod._engine = self
	mod._id = int(r["id"])
	mod._exports = PackedStringArray(r.get("exports", []))
	_mods[mod._id] = weakref(mod)
	_add_monitors(mod)
	return mod


## Loads an ANT.zip game package (a path or its bytes). Asynchronous: returns a WasGoGame at
## once (null only when the source cannot be read); it emits `loaded` when the Core's entry has
## returned, or `errored`. Trust: wasgo/ant/require_signature and wasgo/ant/trusted_keys.
## With `node`, the game's modules may use the godot module with that node as their own.
## `options`: { "name": String, "level": 1..3 }.
func load_package(source: Variant, node: Node = null, options: Dictionary = {}) -> WasGoGame:
	_last_load_error = {}
	if not is_ready():
		_load_failed("EngineShutDown", 7, "WasGo is not ready: " + _load_error)
		return null
	var bytes := _source_bytes(source, "load_package")
	if not _last_load_error.is_empty():
		return null
	var game_name := _source_name(source, options, "game")
	var node_id := str(node.get_instance_id()) if node != null else ""
	var r = JSON.parse_string(str(_godot.loadPackage(Marshalls.raw_to_base64(bytes), game_name, node_id,
		node.get_class() if node != null else "", int(options.get("level", 0)))))
	if not (r is Dictionary) or not r.get("ok", false):
		_load_failed(str(r.get("code", "WasGoError")) if r is Dictionary else "WasGoError", 1, str(r.get("message", "")) if r is Dictionary else "no answer")
		return null
	var game := WasGoGame.new()
	game.name = game_name
	game._engine = self
	game._id = int(r["id"])
	_games[game._id] = weakref(game)
	return game


func _forget_game(id: int) -> void:
	_games.erase(id)


## Why the last load_mod() returned null: { code, errno, message } ({} after a success).
func last_load_error() -> Dictionary:
	return _last_load_error.duplicate()


## The game's answer to level-2 file writes: a Callable(mod: String, path: String, size: int)
## -> bool, called synchronously (so writes work for inline calls too). Without one a
## ConfirmationDialog asks the player, which only mods started in a worker can wait for.
func set_write_confirmation(confirm: Callable) -> void:
	_write_confirmation = confirm


## Offers a function of the game to mods: a mod imports `module`.`name` and its calls run
## `callable` with Godot values. `params`: the kinds of its arguments, each "i32", "i64",
## "f32", "f64" (int / float), "string" (String), "bytes" (PackedByteArray), "variant" (any
## Godot value without objects, var_to_bytes in guest memory) or "node" (a handle the mod
## holds; the Callable gets the Node, which must lie in the mod's subtree below level 3).
## `result`: one of the same kinds but "node", or "" for none (string/bytes/variant results
## go into a buffer the mod passes last; the call returns their full length). `level`: the
## lowest safety level whose mods may import it (it holds at every level above). A name is
## registered once: registering it again is ERR_ALREADY_EXISTS (unregister it first); bad
## kinds or names are ERR_INVALID_PARAMETER. A wrong return type, an error inside the Callable
## (it returns null) or a freed Callable object fail the mod's call with HostError naming the
## function; the game goes on. See docs/godot.md ("Offer your game's API to mods").
func register_function(module: String, fn_name: String, callable: Callable, params: PackedStringArray, result: String = "", level: int = 1) -> Error:
	if not callable.is_valid():
		push_error("WasGo: register_function(%s.%s): the Callable is not valid" % [module, fn_name])
		return ERR_INVALID_PARAMETER
	return _register(module, fn_name, callable, params, result, level, "", "")


## register_function for a Callable, or (the WasGoApi resource) a target node path and method.
func _register(module: String, fn_name: String, callable: Callable, params: PackedStringArray, result: String, level: int, node_path: String, method: String) -> Error:
	if not is_ready():
		push_error("WasGo: register_function(%s.%s): WasGo is not ready: %s" % [module, fn_name, _load_error])
		return ERR_UNCONFIGURED
	var id := _next_game_function
	var r = JSON.parse_string(str(_godot.registerFunction(id, module, fn_name, JSON.stringify(params), result, level)))
	if not (r is Dictionary) or not r.get("ok", false):
		var message: String = str(r.get("message", "")) if r is Dictionary else "no answer from the WasGo engine"
		_last_register_error = message
		push_error("WasGo: register_function(%s.%s): %s" % [module, fn_name, message])
		return ERR_ALREADY_EXISTS if "already registered" in message else ERR_INVALID_PARAMETER
	_next_game_function += 1
	_game_functions[id] = [callable, params, result, module + "." + fn_name, node_path, method]
	_game_function_ids[module + "." + fn_name] = id
	return OK


## The declarative API (wasgo/api/resource) as plain data: {} when the setting is empty, null
## (and the engine does not start) when it cannot be read or names a missing script class.
func _read_api() -> Variant:
	var path := str(ProjectSettings.get_setting(API_SETTING, ""))
	if path == "":
		return {}
	var data = null
	if path.get_extension() == "json":
		data = JSON.parse_string(FileAccess.get_file_as_string(path))
	else:
		var res = load(path) if ResourceLoader.exists(path) else null
		if res != null and res.has_method("to_data"):
			data = res.to_data()
	if not (data is Dictionary):
		_fail("%s: %s is not a WasGoApi resource or its JSON twin (missing or unreadable?)" % [API_SETTING, path])
		return null
	# Script classes named by additions must exist (TypeScript only sees their names).
	var known := {}
	for c in ProjectSettings.get_global_class_list():
		known[str(c["class"])] = true
	for a in data.get("additions", []):
		if a is Dictionary:
			for entry in a.get("scripts", []):
				var cls := str(entry).get_slice(".", 0)
				if not known.has(cls):
					_fail("%s (%s): additions: scripts %s: no script with class_name %s" % [API_SETTING, path, entry, cls])
					return null
	return data


## Registers the resource's functions (each through its target); false (engine stopped) on the first error.
func _register_api(api: Dictionary, path: String) -> bool:
	var targets := []
	for f in api.get("functions", []):
		var key := "%s.%s" % [f.get("module", ""), f.get("name", "")]
		var t = f.get("target")
		if not (t is Dictionary) or str(t.get("node", "")) == "" or str(t.get("method", "")) == "":
			_fail("%s (%s): function %s has no target { node, method }" % [API_SETTING, path, key])
			return false
		var err := _register(str(f.get("module", "")), str(f.get("name", "")), Callable(), PackedStringArray(f.get("params", [])),
			str(f.get("result", "")), int(f.get("level", 1)), str(t["node"]), str(t["method"]))
		if err != OK:
			_fail("%s (%s): function %s: %s" % [API_SETTING, path, key, _last_register_error])
			return false
		targets.append([key, str(t["node"]), str(t["method"])])
	if not targets.is_empty():
		# Autoloads after this one and the main scene exist once the first frame starts.
		_check_api_targets.call_deferred(targets, path)
	return true


## A missing target is a startup error: the engine stops (load_error() says which).
func _check_api_targets(targets: Array, path: String) -> void:
	for t in targets:
		var why := _target_missing(t[1], t[2])
		if why != "":
			_fail("%s (%s): function %s: %s" % [API_SETTING, path, t[0], why])
			if _godot != null:
				_godot.detach()
			_godot = null
			return


func _target_missing(node_path: String, method: String) -> String:
	var n := get_node_or_null(NodePath(node_path))
	if n == null:
		return "its target node %s does not exist" % node_path
	if not n.has_method(method):
		return "its target %s (%s) has no method %s" % [node_path, n.get_class(), method]
	return ""


## Withdraws a function registered with register_function (a game reloading its API): mods
## loaded afterwards cannot import it, mods already linked to it fail with HostError when they
## call it. ERR_DOES_NOT_EXIST when the game did not register it.
func unregister_function(module: String, fn_name: String) -> Error:
	if not is_ready():
		return ERR_UNCONFIGURED
	var key := module + "." + fn_name
	var r = JSON.parse_string(str(_godot.unregisterFunction(module, fn_name)))
	if not (r is Dictionary) or not r.get("ok", false) or not r.get("removed", false):
		return ERR_DOES_NOT_EXIST
	_game_functions.erase(_game_function_ids.get(key, 0))
	_game_function_ids.erase(key)
	return OK


## Called by a game function's Callable: refuses the mod's call (the mod fails with HostError
## naming the function and `message`), e.g. for an argument the game does not accept.
func fail_call(message: String) -> void:
	_call_failure = message if message != "" else "refused by the game"


## Counters: { calls (guest -> Godot), denied, ops (bridge round trips), mods, instances,
## memoryReserved, reentryDepth, mods_total } — mods_total: WasGoMod.stats() summed over the
## live mods (without last_error).
func stats() -> Dictionary:
	if not is_ready():
		return {}
	var r = JSON.parse_string(str(_godot.stats()))
	if not (r is Dictionary):
		return {}
	var total := _snake_stats(r.get("modsTotal", {}))
	var live := 0
	for id in _mods.keys():
		live += _live_objects(id)
	total["live_objects"] = live
	r.erase("modsTotal")
	r["mods_total"] = total
	return r


## The counters of ts/godot/host.ts (modStats) under GDScript names.
func _snake_stats(r: Dictionary) -> Dictionary:
	return {
		"fuel_used": int(r.get("fuelUsed", 0)), "calls": int(r.get("calls", 0)),
		"godot_calls": int(r.get("godotCalls", 0)), "game_calls": int(r.get("gameCalls", 0)),
		"denied": int(r.get("denied", 0)), "host_ms": float(r.get("hostMs", 0.0)),
		"memory_bytes": int(r.get("memoryBytes", 0)), "handles": int(r.get("handles", 0)),
	}


## Objects mod `instance` constructed that are still alive (wasgo/limits/max_objects counts them).
func _live_objects(instance: int) -> int:
	var n := 0
	for oid in _owned.get(instance, {}):
		if is_instance_id_valid(oid):
			n += 1
	return n


## The numeric counters of WasGoMod.stats() shown as Godot custom monitors (wasgo/debug/monitors).
const MONITORED := ["fuel_used", "calls", "godot_calls", "game_calls", "denied", "host_ms", "memory_bytes", "live_objects"]


## With wasgo/debug/monitors on: the mod's counters in the debugger's Monitors tab, as
## "WasGo/<mod name>/<counter>" (the instance id is added while the label is taken, e.g. by
## another live mod of that name, or one named like "<name> #<id>").
func _add_monitors(mod: WasGoMod) -> void:
	if not ProjectSettings.get_setting("wasgo/debug/monitors", false):
		return
	var label := mod.name.replace("/", "_")
	# A mod may be named like another's disambiguated label ("m #7"): add suffixes until free,
	# else its monitors would show (and, freed, remove) the other mod's.
	var base := label
	var n := 0
	while Performance.has_custom_monitor("WasGo/%s/calls" % label):
		n += 1
		label = "%s #%d" % [base, mod._id] if n == 1 else "%s #%d.%d" % [base, mod._id, n]
	var ref := weakref(mod)
	for key in MONITORED:
		var monitor := "WasGo/%s/%s" % [label, key]
		Performance.add_custom_monitor(monitor, _monitor_value.bind(ref, key))
		mod._monitors.append(monitor)


func _monitor_value(ref: WeakRef, key: String) -> Variant:
	var mod = ref.get_ref()
	return mod.stats().get(key, 0) if mod != null else 0


func _remove_monitors(monitors: PackedStringArray) -> void:
	for monitor in monitors:
		if Performance.has_custom_monitor(monitor):
			Performance.remove_custom_monitor(monitor)


func _process(delta: float) -> void:
	if _mods.is_empty():
		return
	for id in _mods.keys():
		var mod = _mods[id].get_ref()
		if mod == null:
			_mods.erase(id)
			continue
		if mod.process_each_frame and mod.has_export("_process") and mod.is_alive():
			mod.call_export("_process", [delta])


## The bytes given to load_mod / load_package, or read from the path given; when a path
## cannot be read or the source is neither, the load error is recorded (last_load_error()).
func _source_bytes(source: Variant, caller: String) -> PackedByteArray:
	if source is PackedByteArray:
		return source
	if source is String:
		var bytes := FileAccess.get_file_as_bytes(source)
		if bytes.is_empty():
			_load_failed("LoadError", 2, "cannot read %s (%s)" % [source, error_string(FileAccess.get_open_error())])
		return bytes
	_load_failed("LoadError", 2, "%s takes a path (String) or bytes (PackedByteArray)" % caller)
	return PackedByteArray()


## options.name, else a path's file name, else (bytes) `fallback` + "-" + the first 16 hex digits
## of the bytes' SHA-256: two different mods loaded from bytes never share a name (their
## user:// folder), and one mod keeps its folder from one run to the next.
func _source_name(source: Variant, options: Dictionary, fallback: String) -> String:
	if options.has("name"):
		return str(options["name"])
	if source is String:
		return source.get_file()
	if source is PackedByteArray:
		var h := HashingContext.new()
		h.start(HashingContext.HASH_SHA256)
		h.update(source)
		return "%s-%s" % [fallback, h.finish().hex_encode().left(16)]
	return fallback


func _load_failed(code: String, errno: int, message: String) -> WasGoMod:
	_last_load_error = {"code": code, "errno": errno, "message": message}
	push_error("WasGo: cannot load mod: " + message)
	return null


func _forget(id: int) -> void:
	_mods.erase(id)


## A wasm value as TypeScript sent it (a string) turned into the export's type.
func _value(v: Variant, type: String) -> Variant:
	if v == null:
		return null
	match type:
		"i32", "i64":
			return str(v).to_int()
		_:
			return str(v).to_float()


# --- Bridge operations (TypeScript -> Godot). Executes only; TypeScript decides. -------------


func _op(args: Array) -> void:
	var op: String = args[0]
	var box := {}
	_dispatch(op, box, args)
	# create_callback's return value never reaches JS: answer through a JS call instead (a JS
	# object passed in as a box would cost a JavaScriptObject wrapper per call).
	_godot.reply(box.get("s", "godot"), box.get("v"), box.get("m", ""), box.get("c", ""))


func _dispatch(op: String, box: Dictionary, args: Array) -> void:
	match op:
		"plan": _op_plan(box, args[2], args[3], args[4], args[5])
		"utility": _op_utility(box, args)
		"notify": _op_notify(box, args)
		"game_event":
			box["s"] = "ok"
			var ref = _games.get(args[2])
			var game = ref.get_ref() if ref != null else null
			if game != null:
				game._event(args[3], int(args[4]), str(args[5]), int(args[6]))
		"status": _op_status(box, args[2], args[3])
		"singleton": _op_singleton(box, args[2])
		"construct": _op_construct(box, args[2], args[3], int(args[4]) if args.size() > 4 else 0)
		"chain":
			box["v"] = _chain(args[2])
			box["s"] = "ok"
		"method": _op_method(box, args[2], args[3])
		"accessor":
			# A StringName would reach JS as undefined: only String, numbers and bools convert.
			box["v"] = str(ClassDB.class_get_property_setter(args[2], args[3]) if args[4] else ClassDB.class_get_property_getter(args[2], args[3]))
			box["s"] = "ok"
		"can_instantiate":
			box["v"] = ClassDB.can_instantiate(args[2])
			box["s"] = "ok"
		"script_classes":
			box["v"] = _script_classes(args[2])
			box["s"] = "ok"
		"class":
			var o := _live(args[2])
			box["v"] = o.get_class() if o != null else ""
			box["s"] = "ok"
		"game_call": _op_game_call(box, args[2], args[3], args[4], args[5], int(args[6]) != 0)
		"connect": _op_connect(box, args[2], args[3], args[4], args[5], args[6])
		"disconnect":
			box["s"] = "ok"
			_disconnect(args[3])
		"release": _op_release(box, args[2], args[3])
		"dispose": _op_dispose(box, args[2])
		"noop":
			box["s"] = "ok"
		"print":
			print(args[2])
			box["s"] = "ok"
		"print_error":
			push_error(args[2])
			box["s"] = "ok"
		"read": _op_read(box, args[2])
		"write": _op_write(box, args[2], args[3])
		"confirm": _op_confirm(box, args[2], args[3], args[4], args[5])
		_:
			box["m"] = "unknown bridge operation " + op
			box["s"] = "godot"


## The class_names of an object's script and of the scripts it extends, most-derived first, as CSV.
func _script_classes(oid: String) -> String:
	var o := _live(oid)
	var names := PackedStringArray()
	var script = o.get_script() if o != null else null
	while script is Script:
		var n := str(script.get_global_name())
		if n != "":
			names.append(n)
		script = script.get_base_script()
	return ",".join(names)


func _live(oid: String) -> Object:
	var id := oid.to_int()
	if id == 0 or not is_instance_id_valid(id):
		return null
	return instance_from_id(id)


## "" when `obj` may be used: it exists and, when `subtree` is an ObjectID, lies in that
## subtree — or in a tree of nodes mod `instance` constructed that is not in the scene yet.
func _access(obj: Object, subtree: String, instance: int = 0) -> String:
	if obj == null:
		return "freed"
	if subtree != "":
		return _within(obj, subtree.to_int(), instance)
	return ""


## "" when `obj` lies in the subtree of the object `root_id` (see _access), else why not.
func _within(obj: Object, root_id: int, instance: int) -> String:
	if not (obj is Node) or not is_instance_id_valid(root_id):
		return "outside"
	var root := instance_from_id(root_id) as Node
	if root == null:
		return "outside"
	if obj == root or root.is_ancestor_of(obj):
		return ""
	var top: Node = obj
	while top.get_parent() != null:
		top = top.get_parent()
	if top.is_inside_tree() or not _owned.get(instance, {}).has(top.get_instance_id()):
		return "outside"
	return ""


func _chain(cls: String) -> String:
	if _chains.has(cls):
		return _chains[cls]
	if not ClassDB.class_exists(cls):
		return ""
	var parts := PackedStringArray()
	var c := cls
	while c != "":
		parts.append(c)
		c = ClassDB.get_parent_class(c)
	var s := ",".join(parts)
	_chains[cls] = s
	return s


## A handle for an object handed to mod `instance` (TypeScript keeps the table); RefCounted
## objects are kept alive while the mod may use them. `connection`: for a signal's arguments
## (outside any bridge call), the connection they are delivered through.
func _handle_for(instance: int, obj: Object, connection: int = 0) -> int:
	if obj is RefCounted:
		if not _keep.has(instance):
			_keep[instance] = {}
		_keep[instance][obj.get_instance_id()] = obj
	if connection != 0:
		return int(_godot.signalHandle(connection, str(obj.get_instance_id()), _chain(obj.get_class())))
	return int(_godot.handleFor(str(obj.get_instance_id()), _chain(obj.get_class())))


## `v` with every object (inside Arrays and Dictionaries too, keys included) replaced by its handle,
## and every Callable or Signal (which name an object by its ObjectID) by null.
func _handles_in(instance: int, v: Variant, connection: int = 0) -> Variant:
	match typeof(v):
		TYPE_OBJECT:
			return _handle_for(instance, v, connection) if v != null else null
		TYPE_CALLABLE, TYPE_SIGNAL:
			return null
		TYPE_ARRAY:
			var out := []
			for e in v:
				out.append(_handles_in(instance, e, connection))
			return out
		TYPE_DICTIONARY:
			var d := {}
			for k in v:
				d[_handles_in(instance, k, connection)] = _handles_in(instance, v[k], connection)
			return d
	return v


## Whether a decoded container (or one inside it) is typed by a class or script: bytes_to_var
## turns a script-typed Array into Array[EncodedObjectAsID], an object the game never asked for.
func _object_typed(v: Variant, depth := 0) -> bool:
	match typeof(v):
		TYPE_ARRAY:
			if v.get_typed_builtin() == TYPE_OBJECT:
				return true
			for e in v:
				if depth < MAX_NESTING and _object_typed(e, depth + 1):
					return true
		TYPE_DICTIONARY:
			if v.get_typed_key_builtin() == TYPE_OBJECT or v.get_typed_value_builtin() == TYPE_OBJECT:
				return true
			for k in v:
				if depth < MAX_NESTING and (_object_typed(k, depth + 1) or _object_typed(v[k], depth + 1)):
					return true
	return false


## How deep a guest's value may nest (Arrays / Dictionaries): each level is a GDScript call
## here, several wasm frames each; Godot's own 1024 ran the browser's stack out (a level-1 mod
## with 8 KB of nested Arrays made the bridge operation fail with "Maximum call stack size").
const MAX_NESTING := 64


## Why `v` may not be an argument: objects anywhere inside it (an EncodedObjectAsID decoded
## from bytes, say) and, unless allowed, RIDs, or nesting deeper than MAX_NESTING. "" when it is fine.
func _smuggled(v: Variant, allow_rid: bool, depth := 0) -> String:
	if depth >= MAX_NESTING and (typeof(v) == TYPE_ARRAY or typeof(v) == TYPE_DICTIONARY):
		return "a value nested deeper than %d Arrays / Dictionaries" % MAX_NESTING
	match typeof(v):
		TYPE_OBJECT:
			return "an object inside an argument (objects are passed only as handles in Object parameters)" if v != null else ""
		TYPE_RID:
			return "" if allow_rid else "an RID argument (RIDs name server resources directly; level 3)"
		TYPE_CALLABLE, TYPE_SIGNAL:
			# Both carry an object (an ObjectID): refused like objects, at every level.
			return "a %s inside an argument (it names an object; objects are passed only as handles in Object parameters)" % type_string(typeof(v))
		TYPE_ARRAY:
			for e in v:
				var why := _smuggled(e, allow_rid, depth + 1)
				if why != "":
					return why
		TYPE_DICTIONARY:
			for k in v:
				var why := _smuggled(k, allow_rid, depth + 1)
				if why == "":
					why = _smuggled(v[k], allow_rid, depth + 1)
				if why != "":
					return why
	return ""


func _decode_args(b64: String, box: Dictionary, allow_rid: bool) -> Variant:
	var a = bytes_to_var(Marshalls.base64_to_raw(b64)) if b64 != "" else []
	if typeof(a) != TYPE_ARRAY:
		box["m"] = "arguments must be var_to_bytes() of an Array"
		box["s"] = "godot"
		return null
	for i in a.size():
		var t := typeof(a[i])
		if t != TYPE_OBJECT and t != TYPE_RID and t != TYPE_ARRAY and t != TYPE_DICTIONARY and t != TYPE_CALLABLE and t != TYPE_SIGNAL:
			continue
		var why := _smuggled(a[i], allow_rid)
		if why != "":
			box["m"] = "argument %d: %s" % [i + 1, why]
			box["s"] = "refused"
			return null
	return a


func _answer(box: Dictionary, instance: int, result: Variant, capped := true) -> void:
	var why := _too_large(result) if capped else ""
	if why != "":
		box["m"] = why
		box["s"] = "too_large"
		return
	var t := typeof(result)
	if t == TYPE_OBJECT or t == TYPE_ARRAY or t == TYPE_DICTIONARY or t == TYPE_CALLABLE or t == TYPE_SIGNAL:
		result = _handles_in(instance, result)
	if _encode_value(box, result, capped):
		box["s"] = "ok"


# args: op, 0, plan id, instance, subtree root ObjectID ("" = none), key: "method|static
# class|arg types csv|object arg indices csv|path arg indices csv|min args|max args (-1 =
# vararg)|RIDs allowed (0/1)".
func _op_plan(box: Dictionary, id: int, instance: int, root: String, key: String) -> void:
	var p := key.split("|")
	var plan := Plan.new()
	plan.instance = instance
	plan.root = root.to_int()
	plan.method = StringName(p[0])
	plan.static_class = p[1]
	plan.is_static = p[1] != ""
	plan.types = _ints(p[2])
	for t in plan.types:
		if t != TYPE_NIL and t != TYPE_OBJECT:
			plan.typed = true
	plan.objects = _ints(p[3])
	plan.paths = _ints(p[4])
	plan.min_args = p[5].to_int()
	plan.max_args = p[6].to_int()
	plan.rid = p[7] == "1"
	plan.own = p[8] if p.size() > 8 else ""
	if p.size() > 9 and p[9] != "":
		var g := p[9].split(":")
		plan.counter = StringName(g[0])
		plan.grow_limit = g[1].to_int()
	if plan.own != "":
		plan.checked = true
	plan.guarded = plan.own == "target" or plan.grow_limit > 0 or (plan.method == &"get_children" and not plan.rid)
	if p.size() > 10 and p[10] != "":
		var z := p[10].split(":")
		plan.z_kind = z[0]
		plan.z_limit = z[1].to_int()
	plan.vec2 = plan.types.has(TYPE_VECTOR2)
	plan.checked = plan.min_args > 0 or not plan.objects.is_empty() or not plan.paths.is_empty()
	plan.plain = plan.max_args >= 0 and plan.objects.is_empty() and plan.paths.is_empty()
	for t in plan.types:
		if t == TYPE_NIL or t == TYPE_OBJECT or t == TYPE_RID or t == TYPE_ARRAY or t == TYPE_DICTIONARY or t == TYPE_CALLABLE or t == TYPE_SIGNAL:
			plan.plain = false
	if _plans.size() <= id:
		_plans.resize(id + 1)
	_plans[id] = plan
	box["s"] = "ok"


func _ints(csv: String) -> PackedInt32Array:
	var out := PackedInt32Array()
	if csv != "":
		for s in csv.split(","):
			out.append(s.to_int())
	return out


## A method call (the hot path: its own callback, few arguments, no op name, no answer
## Dictionary). TypeScript resolved the handle and decided everything; this checks what only
## Godot knows (the object exists and lies in the subtree, the arguments' types, objects and
## paths), calls, and answers WasGo.godot.ok(base64 of var_to_bytes(result)) or fail(status,
## message).
## a: ±(plan id * 4 + mode) (0: answer at once, for measuring; negative: the object must lie
## in the plan's subtree), the ObjectID as its signed high and its low 32 bits (0, 0 for a
## static method), then the arguments: none; mode 0: base64 of var_to_bytes(Array) for this
## script to check; mode 1: the same, checked by TypeScript (plainArgs in ts/godot/variant.ts);
## mode 2: numbers checked by TypeScript (bools, ints, floats; a Vector2 as two).
func _call(a: Array) -> void:
	var pid: int = a[0]
	var k := absi(pid) >> 2
	var p: Plan = _plans[k] if k < _plans.size() else null
	if p == null:
		if pid == 0:
			_godot.ok("")  # an empty round trip (WasGo.godot.measureBridge)
		else:
			_godot.fail("godot", "unknown call plan %d" % pid)
		return
	var obj: Object = null
	if not p.is_static:
		obj = instance_from_id(a[1] * 4294967296 + a[2])
		if obj == null:
			_godot.fail("freed", "")
			return
		if pid < 0:
			var root := instance_from_id(p.root)
			if root == null or (obj != root and not (obj is Node and root.is_ancestor_of(obj))):
				var why := _within(obj, p.root, p.instance)
				if why != "":
					_godot.fail(why, "")
					return
	if p.guarded and _refused_before(p, obj):
		return
	var args: Variant = NO_ARGS
	var mode := absi(pid) & 3
	if mode == 2:
		# Numbers TypeScript checked against the declared types (bool, int, float, Vector2 as two).
		args = _scalars(p, a) if p.vec2 else a.slice(3)
	elif mode == 1:
		# TypeScript checked these arguments completely (plain values of the declared types).
		args = bytes_to_var(Marshalls.base64_to_raw(a[3]))
		if typeof(args) != TYPE_ARRAY:
			_godot.fail("godot", "arguments must be var_to_bytes() of an Array")
			return
	elif p.checked or a.size() > 3:
		args = _call_args(p, a[3] if a.size() > 3 else "")
		if args == null:
			return
	if p.z_kind != "" and not _z_ok(p, obj, args):
		return
	var result: Variant = obj.callv(p.method, args) if obj != null else ClassDB.callv("class_call_static", [p.static_class, p.method] + args)
	# Plain results cross as numbers (TypeScript encodes them); the rest as base64 of var_to_bytes.
	var t := typeof(result)
	if t == TYPE_NIL:
		_godot.okNil()
	elif t == TYPE_VECTOR2:
		_godot.okVector2(result.x, result.y)
	elif t == TYPE_FLOAT:
		_godot.okFloat(result)
	elif t == TYPE_BOOL:
		_godot.okBool(result)
	elif t == TYPE_INT and result > -9007199254740992 and result < 9007199254740992:
		_godot.okInt(result)
	else:
		# Below level 3 (p.rid is false exactly there) results are capped before serializing.
		var why := "" if p.rid else _too_large(result)
		if why != "":
			_godot.fail("too_large", why)
			return
		if t == TYPE_OBJECT or t == TYPE_ARRAY or t == TYPE_DICTIONARY or t == TYPE_CALLABLE or t == TYPE_SIGNAL:
			result = _handles_in(p.instance, result)
		var bytes := var_to_bytes(result)
		if not p.rid and bytes.size() > _max_value_bytes:
			_godot.fail("too_large", "%d bytes" % bytes.size())
			return
		_godot.ok(Marshalls.raw_to_base64(bytes))


## Why a result is over the caps, looking only at sizes Godot knows without serializing ("" = fine).
func _too_large(v: Variant) -> String:
	match typeof(v):
		TYPE_STRING, TYPE_STRING_NAME:
			if str(v).length() > _max_value_bytes:
				return "a String of %d characters" % str(v).length()
		TYPE_ARRAY, TYPE_DICTIONARY:
			if v.size() > _max_result_items:
				return "%d elements" % v.size()
		TYPE_PACKED_BYTE_ARRAY:
			if v.size() > _max_value_bytes:
				return "%d bytes" % v.size()
		TYPE_PACKED_INT32_ARRAY, TYPE_PACKED_FLOAT32_ARRAY:
			if v.size() * 4 > _max_value_bytes:
				return "%d elements" % v.size()
		TYPE_PACKED_INT64_ARRAY, TYPE_PACKED_FLOAT64_ARRAY, TYPE_PACKED_VECTOR2_ARRAY:
			if v.size() * 8 > _max_value_bytes:
				return "%d elements" % v.size()
		TYPE_PACKED_VECTOR3_ARRAY, TYPE_PACKED_COLOR_ARRAY, TYPE_PACKED_VECTOR4_ARRAY, TYPE_PACKED_STRING_ARRAY:
			if v.size() * 12 > _max_value_bytes:
				return "%d elements" % v.size()
	return ""


## The checks some calls need before they run (Plan.guarded): ownership of the object called,
## a growing object's count, get_children's count. True (and fail() sent) when refused.
func _refused_before(p: Plan, obj: Object) -> bool:
	if p.own == "target" and not _owned.get(p.instance, {}).has(obj.get_instance_id()):
		_godot.fail("not_owned", "%s on a node the mod did not construct%s" % [p.method, " (the mod's own node)" if obj.get_instance_id() == p.root else ""])
		return true
	if p.grow_limit > 0 and int(obj.call(p.counter)) >= p.grow_limit:
		_godot.fail("too_large", "%s: it already has %d (at most %d below level 3)" % [p.method, int(obj.call(p.counter)), p.grow_limit])
		return true
	if p.method == &"get_children" and not p.rid and obj is Node and obj.get_child_count() > _max_result_items:
		_godot.fail("too_large", "get_children: %d children, more than %d" % [obj.get_child_count(), _max_result_items])
		return true
	return false


## The z range below level 3 (Plan.z_kind): every CanvasItem the call places — the node called
## with its new z_index and its descendants ("set"), or the child added and its descendants
## ("add") — must end within ±z_limit of the mod's node, z being relative (nested nodes add
## up). False (and fail() sent) when one would not.
func _z_ok(p: Plan, obj: Object, args: Array) -> bool:
	if args.is_empty() or not (obj is Node):
		return true
	var span: Vector2i
	if p.z_kind == "set":
		if not (obj is CanvasItem):
			return true
		var v := int(args[0])
		span = _z_span(obj) - Vector2i(obj.z_index, obj.z_index) + Vector2i(v, v)
		span += Vector2i.ONE * _z_above(obj.get_parent(), p.root)
	else:
		var child = args[0]
		if not (child is Node):
			return true
		span = _z_span(child) + Vector2i.ONE * _z_above(obj, p.root)
	if span.x < -p.z_limit or span.y > p.z_limit:
		_godot.fail("z_range", "%s would place a node at z %d (relative to the mod's node)" % [p.method, span.y if span.y > p.z_limit else span.x])
		return false
	return true


## The summed z_index of `n` and its ancestors up to (not including) the node `root_id` (or the
## top of a tree not in it).
func _z_above(n: Node, root_id: int) -> int:
	var s := 0
	while n != null and n.get_instance_id() != root_id:
		if n is CanvasItem:
			s += n.z_index
		n = n.get_parent()
	return s


## The lowest and highest cumulative z (from `node`'s own z down) over `node`'s subtree, 0 included.
func _z_span(node: Node) -> Vector2i:
	var lo := 0
	var hi := 0
	var stack: Array = [node, 0]
	while not stack.is_empty():
		var acc: int = stack.pop_back()
		var n: Node = stack.pop_back()
		var z := acc
		if n is CanvasItem:
			z += n.z_index
			lo = mini(lo, z)
			hi = maxi(hi, z)
		for c in n.get_children():
			stack.append(c)
			stack.append(z)
	return Vector2i(lo, hi)


## A call's arguments sent as numbers, by the plan's declared types (a Vector2 takes two).
func _scalars(p: Plan, a: Array) -> Array:
	var out := []
	var i := 3
	var j := 0
	var n := a.size()
	var types := p.types
	while i < n and j < types.size():
		if types[j] == TYPE_VECTOR2:
			out.append(Vector2(a[i], a[i + 1]))
			i += 2
		else:
			out.append(a[i])
			i += 1
		j += 1
	return out


## A call's arguments from base64 of var_to_bytes(Array) ("" = none), checked: no objects or
## RIDs smuggled inside, count and types as declared (ints widen to floats, strings, names and
## paths convert), Object-typed handles resolved, NodePaths approved. Null (and fail() sent)
## when refused.
func _call_args(p: Plan, b64: String) -> Variant:
	var args: Array = []
	if b64 != "":
		var decoded = bytes_to_var(Marshalls.base64_to_raw(b64))
		if typeof(decoded) != TYPE_ARRAY:
			_godot.fail("godot", "arguments must be var_to_bytes() of an Array")
			return null
		args = decoded
	var n := args.size()
	var types := p.types
	if p.plain and n >= p.min_args and n <= p.max_args:
		# Every argument exactly of its declared, plain type: nothing to convert, nothing hidden inside.
		var exact := true
		for i in n:
			if typeof(args[i]) != types[i]:
				exact = false
				break
		if exact:
			return args
	var typed := p.typed
	for i in n:
		var at := typeof(args[i])
		if at == TYPE_OBJECT or at == TYPE_RID or at == TYPE_ARRAY or at == TYPE_DICTIONARY or at == TYPE_CALLABLE or at == TYPE_SIGNAL:
			var why := _smuggled(args[i], p.rid)
			if why != "":
				_godot.fail("refused", "argument %d: %s" % [i + 1, why])
				return null
		if not typed or i >= types.size():
			continue
		var t := types[i]
		if t == TYPE_NIL or t == TYPE_OBJECT or at == t:
			continue
		if t == TYPE_FLOAT and at == TYPE_INT:
			args[i] = float(args[i])
		elif (t == TYPE_STRING_NAME or t == TYPE_NODE_PATH or t == TYPE_STRING) and (at == TYPE_STRING or at == TYPE_STRING_NAME or at == TYPE_NODE_PATH):
			args[i] = type_convert(args[i], t)
		else:
			_godot.fail("godot", "argument %d: expected %s, got %s" % [i + 1, type_string(t), type_string(at)])
			return null
	if n < p.min_args or (p.max_args >= 0 and n > p.max_args):
		_godot.fail("godot", "expects %s arguments, got %d" % [str(p.max_args) if p.min_args == p.max_args else "%d..%s" % [p.min_args, "" if p.max_args < 0 else str(p.max_args)], n])
		return null
	if not p.objects.is_empty() and not _object_args(p, args, p.instance):
		return null
	for i in p.paths:
		if i < n and not _godot.pathArg(str(args[i])):
			_godot.fail("refused", "argument %d: node path refused" % (i + 1))
			return null
	return args


## Replaces the handles in Object-typed arguments by their objects, asking TypeScript about each
## (WasGo.godot.objectArg: a live handle of this mod, and the subtree its object must lie in).
## False (and fail() sent) when one is refused.
func _object_args(p: Plan, args: Array, instance: int) -> bool:
	var n := args.size()
	for i in p.objects:
		if i >= n:
			continue
		var h = args[i]
		if h == null or (typeof(h) == TYPE_INT and h == 0):
			args[i] = null
			continue
		if typeof(h) != TYPE_INT:
			_godot.fail("godot", "argument %d: expected an object handle (int), got %s" % [i + 1, type_string(typeof(h))])
			return false
		var res := str(_godot.objectArg(h))
		if res == "":
			_godot.fail("refused", "argument %d: handle %d refused" % [i + 1, h])
			return false
		var parts := res.split(":")
		var o := _live(parts[0])
		var w := _access(o, parts[1] if parts.size() > 1 else "", instance)
		if w != "":
			_godot.fail(w, "argument %d: %s" % [i + 1, "the object was freed" if w == "freed" else "the node is outside the mod's subtree"])
			return false
		if p.own == "objects" and not _owned.get(instance, {}).has(o.get_instance_id()):
			_godot.fail("not_owned", "argument %d of %s: a node the mod did not construct" % [i + 1, p.method])
			return false
		args[i] = o
	return true


# args: op, 0, instance, function name, args (base64), results capped (1 below level 3)
func _op_utility(box: Dictionary, a: Array) -> void:
	var args = _decode_args(a[4], box, false)
	if args == null:
		return
	var e := _expression(a[3], args.size(), box)
	if e == null:
		return
	var r = e.execute(args, null, false)
	if e.has_execute_failed():
		box["m"] = e.get_error_text()
		box["s"] = "godot"
		return
	_answer(box, a[2], r, a.size() <= 5 or int(a[5]) != 0)


## A cached Expression calling `callee` (a @GlobalScope function) with
## `argc` inputs a0, a1, ...; null (and box filled) when it does not parse. TypeScript checked
## the names (identifiers only) and the policy before.
func _expression(callee: String, argc: int, box: Dictionary) -> Expression:
	var key := "%s/%d" % [callee, argc]
	var e: Expression = _expressions.get(key)
	if e != null:
		return e
	e = Expression.new()
	var names := PackedStringArray()
	for i in argc:
		names.append("a%d" % i)
	if e.parse("%s(%s)" % [callee, ", ".join(names)], names) != OK:
		box["m"] = e.get_error_text()
		box["s"] = "godot"
		return null
	if _expressions.size() >= 512:
		_expressions.clear()  # bounded (level 3 may call any identifier)
	_expressions[key] = e
	return e


## A mod's call of a game function (ts/godot/game-functions.ts): args are var_to_bytes of an
## Array TypeScript built (a node as its ObjectID, a variant as a PackedByteArray of its
## encoding); the answer is tagged in `c`: i (int as a String), f (float), b (base64), n (none).
## `capped` (below level 3): a string / bytes / variant result over the caps is refused
## (too_large) before it is serialized, as for Godot calls.
func _op_game_call(box: Dictionary, fn: int, instance: int, b64: String, subtree: String, capped: bool) -> void:
	var f = _game_functions.get(fn)
	if f == null:
		box["m"] = "the function is not registered any more"
		box["s"] = "godot"
		return
	var callable: Callable = f[0]
	if f[4] != "":
		var why := _target_missing(f[4], f[5])
		if why != "":
			box["m"] = why
			box["s"] = "gone"
			return
		callable = Callable(get_node(NodePath(f[4])), f[5])
	if not callable.is_valid():
		box["m"] = "its Callable's object was freed"
		box["s"] = "gone"
		return
	var kinds: PackedStringArray = f[1]
	var args = bytes_to_var(Marshalls.base64_to_raw(b64))
	if typeof(args) != TYPE_ARRAY or args.size() != kinds.size():
		box["m"] = "malformed arguments"
		box["s"] = "godot"
		return
	for i in kinds.size():
		if kinds[i] == "variant":
			var raw: PackedByteArray = args[i]
			var v = bytes_to_var(raw)
			# bytes_to_var answers null for what it refuses (a full object) or cannot decode: only
			# NIL's own encoding may decode to null.
			if v == null and (raw.size() < 4 or raw.decode_u32(0) != 0):
				box["m"] = "argument %d: not a var_to_bytes() encoding WasGo accepts (no objects)" % (i + 1)
				box["s"] = "godot"
				return
			var why := _smuggled(v, false)
			if why == "" and _object_typed(v):
				why = "an Array or Dictionary typed by a class or script (objects are passed only as node handles)"
			if why != "":
				box["m"] = "argument %d: %s" % [i + 1, why]
				box["s"] = "godot"
				return
			args[i] = v
		elif kinds[i] == "node":
			var oid: int = args[i]
			if oid == 0 or not is_instance_id_valid(oid):
				box["m"] = "argument %d: the node was freed" % (i + 1)
				box["s"] = "freed"
				return
			var n := instance_from_id(oid)
			if subtree != "" and _within(n, subtree.to_int(), instance) != "":
				box["m"] = "argument %d (%s)" % [i + 1, n.name if n is Node else n.get_class()]
				box["s"] = "outside"
				return
			args[i] = n
	# Game functions may nest (a Callable calling a mod calling another game function).
	var outer := _call_failure
	_call_failure = ""
	var r = callable.callv(args)
	var failure := _call_failure
	_call_failure = outer
	if failure == "" and r is Object and r.get_class() == "GDScriptFunctionState":
		failure = "it awaited: the Callable returned before its result (game functions must return without await)"
	if failure != "":
		box["m"] = failure
		box["s"] = "godot"
		return
	var t := typeof(r)
	var kind := str(f[2])
	if capped and (kind == "string" or kind == "bytes" or kind == "variant"):
		var why := _too_large(r)
		if why == "" and kind == "string" and (t == TYPE_STRING or t == TYPE_STRING_NAME) and str(r).length() * 3 > _max_value_bytes:
			var n := str(r).to_utf8_buffer().size()
			why = "a String of %d bytes" % n if n > _max_value_bytes else ""
		if why != "":
			box["m"] = why
			box["s"] = "too_large"
			return
	match kind:
		"":
			box["c"] = "n"
		"i32", "i64":
			if t == TYPE_INT:
				box["v"] = str(r)
				box["c"] = "i"
		"f32", "f64":
			if t == TYPE_INT or t == TYPE_FLOAT:
				box["v"] = float(r)
				box["c"] = "f"
		"string":
			if t == TYPE_STRING or t == TYPE_STRING_NAME:
				box["v"] = Marshalls.raw_to_base64(str(r).to_utf8_buffer())
				box["c"] = "b"
		"bytes":
			if t == TYPE_PACKED_BYTE_ARRAY:
				box["v"] = Marshalls.raw_to_base64(r)
				box["c"] = "b"
		"variant":
			var why := _smuggled(r, false)
			if why != "":
				box["m"] = "its result holds " + why.trim_prefix("an ").trim_prefix("a ")
				box["s"] = "godot"
				return
			if not _encode_value(box, r, capped):
				return
			box["c"] = "b"
	if not box.has("c"):
		# A runtime error inside the Callable ends it with null (release builds print nothing).
		box["m"] = "null (an error inside it?)" if r == null else "a " + type_string(t)
		box["s"] = "type"
		return
	box["s"] = "ok"


func _op_notify(box: Dictionary, a: Array) -> void:
	box["s"] = "ok"
	var ref = _mods.get(a[2])
	var mod = ref.get_ref() if ref != null else null
	if mod != null:
		mod._event(a[3], int(a[4]), str(a[5]), int(a[6]))


func _op_status(box: Dictionary, oid: String, subtree: String) -> void:
	var w := _access(_live(oid), subtree)
	box["v"] = "ok" if w == "" else w
	box["s"] = "ok"


func _op_singleton(box: Dictionary, singleton: String) -> void:
	box["s"] = "ok"
	if not Engine.has_singleton(singleton):
		box["v"] = ""
		return
	var o := Engine.get_singleton(singleton)
	box["c"] = o.get_class()
	box["v"] = str(o.get_instance_id())


# args: op, 0, instance, class, most live objects the instance may have constructed (0 = no cap)
func _op_construct(box: Dictionary, instance: int, cls: String, cap: int) -> void:
	box["s"] = "ok"
	box["v"] = ""
	if not ClassDB.can_instantiate(cls):
		return
	if not _owned.has(instance):
		_owned[instance] = {}
	var owned: Dictionary = _owned[instance]
	if cap > 0 and owned.size() >= cap:
		# Count only what is still alive (freed objects leave; released handles do not).
		for id in owned.keys():
			if not is_instance_id_valid(id):
				owned.erase(id)
		if owned.size() >= cap:
			box["s"] = "limit"
			return
	var o = ClassDB.instantiate(cls)
	if not (o is Object):
		return
	if o is RefCounted:
		if not _keep.has(instance):
			_keep[instance] = {}
		_keep[instance][o.get_instance_id()] = o
	owned[o.get_instance_id()] = true
	box["c"] = o.get_class()
	box["v"] = str(o.get_instance_id())


func _op_method(box: Dictionary, cls: String, method: String) -> void:
	box["s"] = "ok"
	box["v"] = ""
	# A miss costs one engine lookup, not a walk over every method list of the class chain.
	if not ClassDB.class_exists(cls) or not ClassDB.class_has_method(cls, method):
		return
	var c := cls
	while c != "":
		for m in ClassDB.class_get_method_list(c, true):
			if m["name"] != method:
				continue
			var types := []
			var classes := []
			for arg in m["args"]:
				types.append(arg["type"])
				classes.append(str(arg["class_name"]))
			box["v"] = JSON.stringify({
				"owner": c, "name": method, "args": types, "argClasses": classes,
				"defaults": m["default_args"].size(), "vararg": (m["flags"] & METHOD_FLAG_VARARG) != 0,
				"isStatic": (m["flags"] & METHOD_FLAG_STATIC) != 0,
			})
			return
		c = ClassDB.get_parent_class(c)


# args: op, 0, instance, ObjectID, signal, connection id, subtree ObjectID ("" = none)
func _op_connect(box: Dictionary, instance: int, oid: String, signal_name: String, connection: int, subtree: String) -> void:
	var obj := _live(oid)
	var why := _access(obj, subtree, instance)
	if why != "":
		box["s"] = why
		return
	if not obj.has_signal(signal_name):
		box["m"] = "no signal " + signal_name
		box["s"] = "godot"
		return
	# Any number of arguments (GDScript variadic function), delivered with the connection id.
	var cb := func(...args: Array) -> void: _on_signal(connection, args)
	var err := obj.connect(signal_name, cb)
	if err != OK:
		box["m"] = error_string(err)
		box["s"] = "godot"
		return
	_connections[connection] = [instance, obj.get_instance_id(), StringName(signal_name), cb]
	box["s"] = "ok"


func _disconnect(connection: int) -> void:
	var c: Array = _connections.get(connection, [])
	_connections.erase(connection)
	if c.is_empty():
		return
	var o := instance_from_id(c[1])
	if o != null and o.is_connected(c[2], c[3]):
		o.disconnect(c[2], c[3])


## A connected signal fired: its arguments (objects as the mod's handles) go to TypeScript,
## which calls the mod's export inline.
func _on_signal(connection: int, args: Array) -> void:
	var c: Array = _connections.get(connection, [])
	if c.is_empty() or _godot == null:
		return
	var v: Variant = _handles_in(c[0], args, connection)
	_godot.signal(connection, Marshalls.raw_to_base64(var_to_bytes(v)))


func _op_release(box: Dictionary, instance: int, oid: String) -> void:
	box["s"] = "ok"
	if _keep.has(instance):
		_keep[instance].erase(oid.to_int())


func _op_dispose(box: Dictionary, instance: int) -> void:
	box["s"] = "ok"
	for connection in _connections.keys():
		if _connections[connection][0] == instance:
			_disconnect(connection)
	for i in _plans.size():
		if _plans[i] != null and _plans[i].instance == instance:
			_plans[i] = null
	_keep.erase(instance)
	_mods.erase(instance)
	for id in _owned.get(instance, {}):
		if is_instance_id_valid(id):
			var o := instance_from_id(id)
			if o is Node:
				if not o.is_inside_tree() and o.get_parent() == null:
					o.free()
			elif not (o is RefCounted):
				o.free()
	_owned.erase(instance)


func _op_read(box: Dictionary, path: String) -> void:
	if not FileAccess.file_exists(path):
		box["s"] = "missing"
		return
	var bytes := FileAccess.get_file_as_bytes(path)
	if bytes.is_empty() and FileAccess.get_open_error() != OK:
		box["m"] = error_string(FileAccess.get_open_error())
		box["s"] = "godot"
		return
	box["v"] = Marshalls.raw_to_base64(bytes)
	box["s"] = "ok"


func _op_write(box: Dictionary, path: String, b64: String) -> void:
	var err := DirAccess.make_dir_recursive_absolute(path.get_base_dir())
	if err != OK and err != ERR_ALREADY_EXISTS:
		box["m"] = "cannot create %s: %s" % [path.get_base_dir(), error_string(err)]
		box["s"] = "godot"
		return
	var f := FileAccess.open(path, FileAccess.WRITE)
	if f == null:
		box["m"] = error_string(FileAccess.get_open_error())
		box["s"] = "godot"
		return
	f.store_buffer(Marshalls.base64_to_raw(b64))
	f.close()
	box["s"] = "ok"


func _op_confirm(box: Dictionary, request: int, mod: String, path: String, size: int) -> void:
	box["s"] = "ok"
	if _write_confirmation.is_valid():
		box["v"] = "yes" if _write_confirmation.call(mod, path, size) == true else "no"
		return
	var d := ConfirmationDialog.new()
	d.title = "A mod wants to save a file"
	d.dialog_text = "Mod '%s' wants to write %d bytes to %s. Allow it?" % [mod, size, path]
	d.confirmed.connect(_on_dialog.bind(request, true))
	d.canceled.connect(_on_dialog.bind(request, false))
	_dialogs[request] = d
	add_child(d)
	d.popup_centered()
	box["v"] = "pending"


func _on_dialog(request: int, ok: bool) -> void:
	var d = _dialogs.get(request)
	_dialogs.erase(request)
	if d != null:
		d.queue_free()
	if _godot != null:
		_godot.confirmed(request, ok)


func _fail(message: String) -> void:
	_load_error = message
	push_error("WasGo: " + message)


## Serialises `value` into box["v"] (base64 of var_to_bytes); past maxValueBytes when `capped`,
## sets status "too_large" instead and returns false.
func _encode_value(box: Dictionary, value: Variant, capped: bool) -> bool:
	var bytes := var_to_bytes(value)
	if capped and bytes.size() > _max_value_bytes:
		box["m"] = "%d bytes" % bytes.size()
		box["s"] = "too_large"
		return false
	box["v"] = Marshalls.raw_to_base64(bytes)
	return true
