## Used by test_main.gd by its class name: proves the harness's generated
## .godot/global_script_class_cache.cfg works.
class_name BootHelper
extends RefCounted


func answer() -> int:
	return 42
