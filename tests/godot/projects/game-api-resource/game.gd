## The game's autoload: the WasGoApi resource targets its methods.
extends Node

var spawned := []


func spawn(kind: String, x: float, y: float) -> int:
	spawned.append([kind, x, y])
	return 1000 + spawned.size()


func hp() -> int:
	return 77
