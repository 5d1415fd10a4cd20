## A WasGoApi function whose target node does not exist: once the game has started (autoloads
## and the main scene are in the tree), the engine stops and says which function and target.
extends Node

const T = preload("res://wasgo_test/t.gd")


func _ready() -> void:
	T.run(self)


func test_missing_target(t: T) -> void:
	await t.frames(self, 3)
	t.check("the engine stopped", not WasGoEngine.is_ready(), "")
	var why := WasGoEngine.load_error()
	t.check("names the function", "game.spawn" in why, why)
	t.check("names the target", "/root/Nope" in why, why)
	t.check("names the setting", "wasgo/api/resource" in why, why)
