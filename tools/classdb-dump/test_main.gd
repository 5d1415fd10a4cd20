## Prints what the real engine reports about its API, for ts/godot/policy/classdb.ts:
## every ClassDB class with its parent, whether it can be instantiated, the methods, signals and
## properties (with getter/setter) it declares itself, and the engine singletons with their class.
## Methods and signals also come with their signatures (argument names and types), which
## scripts/gen-godot-sdk.mjs turns into the typed SDK.
## The JSON is gzip-compressed, base64-encoded and printed in chunks:
##   WASGO_CLASSDB <index>/<count> <base64>
## scripts/gen-godot-policy.mjs collects the chunks from the engine's output.
extends Node

const T = preload("res://wasgo_test/t.gd")
const CHUNK := 3000
const SKIP_USAGE := PROPERTY_USAGE_GROUP | PROPERTY_USAGE_SUBGROUP | PROPERTY_USAGE_CATEGORY


func _ready() -> void:
	T.run(self)


func _dump() -> Dictionary:
	var classes := {}
	var names := Array(ClassDB.get_class_list())
	names.sort()
	for c: String in names:
		var methods: Array[String] = []
		var sigs := {}
		for m in ClassDB.class_get_method_list(c, true):
			methods.append(m["name"])
			sigs[m["name"]] = _signature(m)
		var signals: Array[String] = []
		var signal_args := {}
		for s in ClassDB.class_get_signal_list(c, true):
			signals.append(s["name"])
			signal_args[s["name"]] = _args(s["args"])
		var props := {}
		for p in ClassDB.class_get_property_list(c, true):
			if p["usage"] & SKIP_USAGE:
				continue
			var pn: String = p["name"]
			var getter: String = ClassDB.class_get_property_getter(c, pn)
			var setter: String = ClassDB.class_get_property_setter(c, pn)
			if getter != "" or setter != "":
				props[pn] = [getter, setter]
		methods.sort()
		signals.sort()
		classes[c] = {
			"parent": String(ClassDB.get_parent_class(c)),
			"instantiable": ClassDB.can_instantiate(c),
			"methods": methods,
			"signals": signals,
			"properties": props,
			"signatures": sigs,
			"signal_args": signal_args,
		}
	var singletons := {}
	for s in Engine.get_singleton_list():
		var o := Engine.get_singleton(s)
		singletons[s] = o.get_class() if o != null else ""
	return {
		"engine": Engine.get_version_info()["string"],
		"classes": classes,
		"singletons": singletons,
	}


## [[name, Variant.Type, class_name], ...] of a method's or signal's arguments.
func _args(args: Array) -> Array:
	var out := []
	for a in args:
		out.append([a["name"], a["type"], String(a["class_name"])])
	return out


## A method's signature for the typed SDK (scripts/gen-godot-sdk.mjs): return type and class,
## MethodFlags (static = 32, vararg = 16, const = 4), the default values of the last arguments
## (var_to_str), arguments, and 1 when a NIL return means Variant (not void).
func _signature(m: Dictionary) -> Array:
	var r: Dictionary = m["return"]
	var defaults := []
	for d in m["default_args"]:
		defaults.append(var_to_str(d))
	var variant := 1 if r["usage"] & PROPERTY_USAGE_NIL_IS_VARIANT else 0
	return [r["type"], String(r["class_name"]), m["flags"], defaults, _args(m["args"]), variant]


func test_dump(t: T) -> void:
	var data := _dump()
	t.check("classes", data["classes"].size() > 500, str(data["classes"].size()))
	t.check("singletons", data["singletons"].size() > 20, str(data["singletons"].size()))
	var bytes := JSON.stringify(data).to_utf8_buffer()
	var packed := bytes.compress(FileAccess.COMPRESSION_GZIP)
	var b64 := Marshalls.raw_to_base64(packed)
	var count := ceili(b64.length() / float(CHUNK))
	for i in count:
		print("WASGO_CLASSDB %d/%d %s" % [i, count, b64.substr(i * CHUNK, CHUNK)])
	print("WASGO_CLASSDB_SIZE %d %d" % [bytes.size(), packed.size()])
	t.check("printed", count > 0, "nothing to print")
