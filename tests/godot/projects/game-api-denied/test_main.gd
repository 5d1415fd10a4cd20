## An addition that opens a denied method (OS.execute, rule 'system') below level 3: the engine
## refuses to start and says which rule; no mod can load.
extends Node

const T = preload("res://wasgo_test/t.gd")


func _ready() -> void:
	T.run(self)


func test_refused_at_startup(t: T) -> void:
	t.check("the engine did not start", not WasGoEngine.is_ready(), "")
	var why := WasGoEngine.load_error()
	t.check("names the addition", "OS.execute" in why, why)
	t.check("names the rule", "rule 'system'" in why, why)
	t.check("names the setting", "wasgo/api/resource" in why, why)
	t.eq("no mod loads", WasGoEngine.load_mod(PackedByteArray([0, 97, 115, 109, 1, 0, 0, 0]), self), null)
