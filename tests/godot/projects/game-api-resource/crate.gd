## A game script class: mods may call open() (a policy addition at level 1), nothing else of it.
class_name Crate
extends Node2D

var opened := 0


func open(times: int) -> int:
	opened += times
	return opened * 10


func destroy() -> void:
	queue_free()
