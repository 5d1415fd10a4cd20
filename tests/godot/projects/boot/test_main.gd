## The engine itself: version, platform, display server, user arguments.
extends Node

const T = preload("res://wasgo_test/t.gd")


func _ready() -> void:
	T.run(self)


func test_engine(t: T) -> void:
	var v := Engine.get_version_info()
	t.check("is Godot 4.6", v["major"] == 4 and v["minor"] == 6, "version %s" % v["string"])
	t.check("web platform", OS.has_feature("web"), OS.get_name())
	t.check("release template", OS.has_feature("template_release") and not OS.is_debug_build())
	t.eq("headless display server", DisplayServer.get_name(), "headless")


func test_harness(t: T) -> void:
	t.eq("user args after --", OS.get_cmdline_user_args(), PackedStringArray(["--hello=world"]))
	t.check("shared helpers packed", FileAccess.file_exists("res://wasgo_test/package.json"))
	t.check("addon packed", FileAccess.file_exists("res://addons/wasgo/wasgo_engine.gd"))


func test_frames(t: T) -> void:
	var f0 := Engine.get_process_frames()
	await t.frames(self, 3)
	t.check("process frames advance", Engine.get_process_frames() >= f0 + 2, "%d -> %d" % [f0, Engine.get_process_frames()])


func test_class_name(t: T) -> void:
	t.eq("class_name across files", BootHelper.new().answer(), 42)
