## The typed UI example (examples/typed-ui) at level 1 in the real engine: reads Input, updates
## a Label below its node. (Its own project: see docs/sdk.md, "e2e", on a pack of three mods.)
extends Node

const T = preload("res://wasgo_test/t.gd")
const Mods = preload("res://wasgo_test/mods.gd")

const UI := "res://mods/typed_ui.wasm"


func _ready() -> void:
	T.run(self)


func test_ui(t: T) -> void:
	var n := Mods.fresh_node(self)
	var label := Label.new()
	label.name = "Label"
	n.add_child(label)
	var errors := []
	var printed := []
	var mod = WasGoEngine.load_mod(UI, n, {})
	if not t.check("loaded", mod != null, str(WasGoEngine.last_load_error())):
		return
	mod.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
	mod.printed.connect(func(text: String) -> void: printed.append(text))
	t.eq("main", mod.call_export("main"), 0)
	t.eq("the label's text was set", label.text, "ready")
	t.eq("its modulate too", label.modulate, Color(1, 1, 0, 1))
	t.eq("main read the text back", printed, ["typed ui: ready"])
	mod.call_export("update")
	mod.call_export("update")
	t.eq("update wrote Input's state", label.text, "frame 2 idle axis 0.0")
	t.eq("and moved the label", label.position, Vector2(4, 0))
	t.eq("the typed getter reads the label", mod.call_export("label_text_length"), label.text.length())
	t.eq("no error", errors, [])
