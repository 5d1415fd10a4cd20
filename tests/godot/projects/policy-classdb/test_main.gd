## The safety policy's hand-written names, checked in the real engine: every level-1 method
## exists on its class (ClassDB.class_has_method), every level-1 class can be constructed, every
## level-1 singleton and utility function exists, every denial names something real, and the
## generated ClassDB data (ts/godot/policy/classdb.ts) matches this engine's ClassDB in size.
## policy.json is written from ts/godot/policy/rules.ts by scripts/gen-godot-policy.mjs.
extends Node

const T = preload("res://wasgo_test/t.gd")

var policy: Dictionary


func _ready() -> void:
	policy = JSON.parse_string(FileAccess.get_file_as_string("res://policy.json"))
	T.run(self)


## Utility functions (@GlobalScope) are not in ClassDB. Expression's tokenizer knows them:
## a bare utility name fails with "Expected '('", any other identifier parses.
static func utility_exists(name: String) -> bool:
	var e := Expression.new()
	return e.parse(name) != OK and e.get_error_text() == "Expected '('"


func test_engine_matches_data(t: T) -> void:
	var classes := ClassDB.get_class_list()
	var methods := 0
	for c in classes:
		methods += ClassDB.class_get_method_list(c, true).size()
	print("POLICY engine %s: %d classes, %d methods (data: %s, %d classes, %d methods)" % [
		Engine.get_version_info()["string"], classes.size(), methods,
		policy["engine"], policy["classCount"], policy["methodCount"]])
	t.eq("engine version", Engine.get_version_info()["string"], policy["engine"])
	t.eq("class count", classes.size(), int(policy["classCount"]))
	t.eq("method count", methods, int(policy["methodCount"]))


func test_level1_methods(t: T) -> void:
	var total := 0
	for c: String in policy["level1Methods"]:
		var missing: Array[String] = []
		for m: String in policy["level1Methods"][c]:
			total += 1
			if not ClassDB.class_has_method(c, m):
				missing.append(m)
		t.check(c, ClassDB.class_exists(c) and missing.is_empty(), "missing: %s" % ", ".join(missing))
	print("POLICY level-1 methods: %d on %d classes" % [total, policy["level1Methods"].size()])
	# the allowlist is by declaring class and inherited: spot-check the engine's inheritance
	t.check("Sprite2D inherits Node2D", ClassDB.is_parent_class("Sprite2D", "Node2D"))
	t.check("Node2D does not have Sprite2D's set_flip_h", not ClassDB.class_has_method("Node2D", "set_flip_h"))


func test_level1_construct(t: T) -> void:
	var bad: Array[String] = []
	for c: String in policy["level1Construct"]:
		if not (ClassDB.class_exists(c) and ClassDB.can_instantiate(c) and ClassDB.is_parent_class(c, "Node")):
			bad.append(c)
	t.check("instantiable nodes", bad.is_empty(), ", ".join(bad))
	print("POLICY level-1 constructible classes: %d" % policy["level1Construct"].size())


func test_level1_singletons(t: T) -> void:
	var bad: Array[String] = []
	for s: String in policy["level1Singletons"]:
		if not Engine.has_singleton(s):
			bad.append(s)
	t.check("exist", bad.is_empty(), ", ".join(bad))
	print("POLICY level-1 singletons: %s" % ", ".join(policy["level1Singletons"]))


func test_utilities(t: T) -> void:
	t.check("probe knows sin", utility_exists("sin"))
	t.check("probe knows print (vararg)", utility_exists("print"))
	t.check("probe rejects a made-up name", not utility_exists("not_a_utility_function"))
	t.check("probe: load is not a utility", not utility_exists("load"))
	var bad: Array[String] = []
	for u: String in policy["level1Utilities"]:
		if not utility_exists(u):
			bad.append(u)
	t.check("level-1 utilities exist", bad.is_empty(), ", ".join(bad))
	bad.clear()
	for u: String in policy["deniedUtilities"]:
		if not utility_exists(u):
			bad.append(u)
	t.check("denied utilities exist", bad.is_empty(), ", ".join(bad))
	print("POLICY utilities: %d level 1, %d denied" % [policy["level1Utilities"].size(), policy["deniedUtilities"].size()])


func test_denials(t: T) -> void:
	var declared := {}
	for c in ClassDB.get_class_list():
		for m in ClassDB.class_get_method_list(c, true):
			declared[m["name"]] = true
	var bad: Array[String] = []
	for m: String in policy["deniedMethods"]:
		if not declared.has(m):
			bad.append(m)
	t.check("denied methods exist", bad.is_empty(), ", ".join(bad))
	bad.clear()
	var matched := 0
	var classes := ClassDB.get_class_list()
	for pattern: String in policy["deniedClasses"]:
		var n := 0
		if pattern.ends_with("*"):
			for c in classes:
				if c.begins_with(pattern.trim_suffix("*")):
					n += 1
		elif ClassDB.class_exists(pattern):
			n = 1
		if n == 0:
			bad.append(pattern)
		matched += n
	t.check("denied classes exist", bad.is_empty(), ", ".join(bad))
	print("POLICY denials: %d methods, %d class patterns matching %d classes" % [policy["deniedMethods"].size(), policy["deniedClasses"].size(), matched])


## Level 1 reads the singletons it allows, never changes them: every allowed Input and Time method
## is a const (or static) method in the engine's own binding.
func test_singletons_read_only(t: T) -> void:
	for s: String in policy["level1Singletons"]:
		var flags := {}
		for m in ClassDB.class_get_method_list(s, false):
			flags[m["name"]] = m["flags"]
		var writers: Array[String] = []
		for m: String in policy["level1Methods"].get(s, []):
			if not (int(flags.get(m, 0)) & (METHOD_FLAG_CONST | METHOD_FLAG_STATIC)):
				writers.append(m)
		t.check(s + " methods are const", writers.is_empty(), "not const: " + ", ".join(writers))
