## WasGo's demo scene (the project's main scene): four WebAssembly mods run side by side at safety
## level 1 (project.godot), each given its own node.
##   bouncer     moves and turns its sprite (well-behaved)
##   scoreboard  writes into its Label (a UI mod)
##   snoop       tries files, OS, /root and call(): each attempt is refused, the message is shown
##   runaway     loops forever: an inline call runs out of fuel, main in a worker hits the timeout,
##               and the rest keeps animating
## The panel lists each mod's level, state, fuel used, Godot calls and last error.
##
## For the headless check (npm run demo -- --headless-check) the scene prints what happened as
## `WASGO_DEMO {json}` lines; scripts/demo-check.ts judges them (the scene does not judge itself).
extends Node2D

const Slot := preload("res://demo/mod_slot.gd")
const MODS := "res://mods/"
## What the snoop tries, in order: export, what it is.
const ATTEMPTS := [
	["files", "files: FileAccess.open(\"res://project.godot\")"],
	["os", "OS: OS.get_environment(\"HOME\")"],
	["root", "/root: get_node_or_null(\"/root\")"],
	["reflect", "call(): node.call(\"queue_free\")"],
]
const FIELD := Rect2(24, 64, 560, 420)
const SNOOP_EVERY := 0.9
const RUNAWAY_INLINE_AT := 1.0
const RUNAWAY_MAIN_AT := 1.6

var bouncer: Slot
var scoreboard: Slot
var snoop: Slot
var runaway: Slot
var _ship: Node2D
var _score: Label
var _snoop_node: Node2D
var _refusals: Label
var _runaway_status: Label
var _panel: GridContainer
var _cells := {}

var _t := 0.0
var _frames := 0
var _distance := 0.0
var _last_pos := Vector2.ZERO
var _texts: Array[String] = []
var _snoop_lines: Array[String] = ["", "", "", ""]
var _snoop_next := 0
var _snoop_at := 0.5
var _snoop_round_done := false
var _runaway_phase := 0
var _main := {}
var _runaway_inline := ""
var _marked := {}
var _panel_at := 0.0
## How long the bouncer's first step() took (the page's first Godot call from a mod: cold paths).
var _first_call_ms := 0.0


func _ready() -> void:
	_build_scene()
	if not WasGoEngine.is_ready():
		var why := WasGoEngine.load_error()
		_refusals.text = "WasGo is not running: %s\n\nMods run in web exports: in the editor use Remote Debug > Run in Browser (docs/getting-started.md)." % why
		_mark({"event": "engine", "ready": false, "error": why})
		set_process(false)
		return
	_mark({"event": "engine", "ready": true, "version": WasGoEngine.version(), "level": WasGoEngine.settings().get("level")})
	bouncer = Slot.new("bouncer", MODS + "bouncer.wasm", _ship)
	scoreboard = Slot.new("scoreboard", MODS + "scoreboard.wasm", _score)
	snoop = Slot.new("snoop", MODS + "snoop.wasm", _snoop_node)
	runaway = Slot.new("runaway", MODS + "runaway.wasm", $Runaway)
	if bouncer.load_fresh():
		bouncer.call_export("set_box", [FIELD.position.x + 30, FIELD.position.y + 60, FIELD.end.x - 30, FIELD.end.y - 30])
	scoreboard.load_fresh()
	_last_pos = _ship.position
	_update_panel()


func _process(delta: float) -> void:
	_t += delta
	_frames += 1
	var t0 := Time.get_ticks_usec()
	bouncer.call_export("step", [delta])
	if _frames == 1:
		_first_call_ms = (Time.get_ticks_usec() - t0) / 1000.0
	_distance += _ship.position.distance_to(_last_pos)
	_last_pos = _ship.position
	scoreboard.call_export("tick", [delta])
	if not _score.text in _texts:
		_texts.append(_score.text)
	if _texts.size() >= 3 and not _marked.has("label"):
		_mark({"event": "label", "mod": "scoreboard", "texts": _texts.slice(1, 3), "calls": scoreboard.calls, "error": scoreboard.last_error})
	if _t >= _snoop_at:
		_snoop_at = _t + SNOOP_EVERY
		_snoop_try()
	_runaway_step()
	if _t >= _panel_at:
		_panel_at = _t + 0.1
		_update_panel()
	if _snoop_round_done and _runaway_phase == 3 and _marked.has("label") and not _marked.has("done"):
		_mark({"event": "moved", "mod": "bouncer", "frames": _frames, "distance": _distance, "calls": bouncer.calls, "fuel": bouncer.fuel, "first_call_ms": _first_call_ms, "error": bouncer.last_error})
		_mark({"event": "done", "errors": {"bouncer": bouncer.last_error, "scoreboard": scoreboard.last_error}, "snoop_node_intact": is_instance_valid(_snoop_node) and _snoop_node.is_inside_tree()})


# --- The snoop: one fresh instance per attempt (a refusal fails the instance). -----------------


func _snoop_try() -> void:
	var i := _snoop_next
	_snoop_next = (i + 1) % ATTEMPTS.size()
	var attempt: String = ATTEMPTS[i][0]
	if not snoop.load_fresh():
		return
	snoop.call_export(attempt)
	var e: Dictionary = snoop.mod.last_error()
	var shown := _short(str(e.get("message", "allowed?!")))
	_snoop_lines[i] = "%s\n    -> %s" % [ATTEMPTS[i][1], shown]
	_refusals.text = "The snoop mod (level 1) tried:\n" + "\n".join(_snoop_lines.filter(func(l): return l != ""))
	if not _marked.has("refused " + attempt):
		_mark({"event": "refused", "mod": "snoop", "attempt": attempt, "code": e.get("code", ""),
			"level_needed": e.get("level_needed", 0), "message": e.get("message", ""),
			"shown": shown, "on_screen": shown in _refusals.text and _refusals.get_line_count() <= _refusals.get_visible_line_count(),
			"key": "refused " + attempt})
	if i == ATTEMPTS.size() - 1:
		_snoop_round_done = true


# --- The runaway: inline call stopped by fuel, then main in a worker stopped by the timeout. ----


func _runaway_step() -> void:
	if _runaway_phase == 0 and _t >= RUNAWAY_INLINE_AT:
		_runaway_phase = 1
		if not runaway.load_fresh():
			return
		var t0 := Time.get_ticks_msec()
		runaway.call_export("spin")
		var ms := Time.get_ticks_msec() - t0
		_runaway_inline = "Runaway mod: spin() called inline: %s after %d ms" % [runaway.last_code, ms]
		_runaway_status.text = _runaway_inline
		_mark({"event": "stopped", "mod": "runaway", "how": "inline call", "code": runaway.last_code, "ms": ms, "message": runaway.last_error})
	elif _runaway_phase == 1 and _t >= RUNAWAY_MAIN_AT:
		_runaway_phase = 2
		if not runaway.load_fresh():
			return
		runaway.finished.connect(_on_runaway_finished, CONNECT_ONE_SHOT)
		# Without cross-origin isolation main runs inline: `finished` fires inside start().
		_main = {"t0": Time.get_ticks_msec(), "frames0": _frames, "distance0": _distance, "mode": "inline"}
		var mode: String = runaway.mod.start()
		if mode == "worker":
			_main["mode"] = mode
		elif mode == "":
			_on_runaway_finished(-1)  # it could not start: last_error says why
	elif _runaway_phase == 2:
		_runaway_status.text = _runaway_inline + "\nmain() running in a worker for %.1f s; the game drew %d frames meanwhile" % [
			(Time.get_ticks_msec() - _main["t0"]) / 1000.0, _frames - _main["frames0"]]


func _on_runaway_finished(status: int) -> void:
	_runaway_phase = 3
	var ms: int = Time.get_ticks_msec() - _main["t0"]
	var frames: int = _frames - _main["frames0"]
	_runaway_status.text = _runaway_inline + "\nmain() %s: %s after %.1f s; the game drew %d frames meanwhile" % [
		"in a worker" if _main["mode"] == "worker" else "inline", runaway.last_code, ms / 1000.0, frames]
	_mark({"event": "stopped", "mod": "runaway", "how": "main", "mode": _main["mode"], "status": status,
		"code": runaway.last_code, "ms": ms, "frames_meanwhile": frames,
		"bouncer_moved_meanwhile": _distance - _main["distance0"], "message": runaway.last_error})
	_update_panel()


# --- Screen. -----------------------------------------------------------------------------------


func _mark(event: Dictionary) -> void:
	_marked[event.get("key", event["event"])] = true
	print("WASGO_DEMO " + JSON.stringify(event))


func _label(text: String, pos: Vector2, size: int, color := Color(0.86, 0.89, 0.93), parent: Node = self) -> Label:
	var l := Label.new()
	l.text = text
	l.position = pos
	l.add_theme_font_size_override("font_size", size)
	l.add_theme_color_override("font_color", color)
	parent.add_child(l)
	return l


func _box(rect: Rect2, color: Color) -> void:
	var r := ColorRect.new()
	r.position = rect.position
	r.size = rect.size
	r.color = color
	add_child(r)


func _build_scene() -> void:
	RenderingServer.set_default_clear_color(Color(0.06, 0.08, 0.1))
	_label("WasGo demo: four WebAssembly mods in one Godot game, safety level 1", Vector2(24, 18), 22)
	_box(FIELD, Color(0.11, 0.14, 0.18))
	_box(Rect2(600, 64, 528, 300), Color(0.16, 0.09, 0.09))
	_box(Rect2(600, 376, 528, 140), Color(0.11, 0.14, 0.18))
	# bouncer's sprite: a ship drawn as a polygon (no imported textures needed).
	_ship = Node2D.new()
	_ship.name = "Ship"
	_ship.position = FIELD.get_center()
	var hull := Polygon2D.new()
	hull.polygon = PackedVector2Array([Vector2(28, 0), Vector2(-18, -18), Vector2(-8, 0), Vector2(-18, 18)])
	hull.color = Color(0.35, 0.8, 1.0)
	_ship.add_child(hull)
	add_child(_ship)
	_score = _label("", FIELD.position + Vector2(16, 12), 20, Color(1.0, 0.85, 0.35))
	_score.name = "Scoreboard"
	_snoop_node = Node2D.new()
	_snoop_node.name = "Snoop"
	add_child(_snoop_node)
	var runaway_node := Node2D.new()
	runaway_node.name = "Runaway"
	add_child(runaway_node)
	_refusals = _label("The snoop mod (level 1) will try files, OS, /root and call() ...", Vector2(612, 72), 13, Color(1.0, 0.62, 0.55))
	_refusals.size = Vector2(504, 286)
	_refusals.autowrap_mode = TextServer.AUTOWRAP_WORD_SMART
	_refusals.clip_text = true
	_runaway_status = _label("Runaway mod: waiting", Vector2(24, 500), 16, Color(0.75, 1.0, 0.6))
	_label("Each mod runs in its own sandbox: it may only touch the node it was given.", Vector2(24, 560), 14, Color(0.6, 0.65, 0.7))
	_label("Levels and limits: Project Settings > wasgo/. Docs: docs/getting-started.md", Vector2(24, 582), 14, Color(0.6, 0.65, 0.7))
	_panel = GridContainer.new()
	_panel.columns = 6
	_panel.position = Vector2(612, 384)
	_panel.add_theme_constant_override("h_separation", 14)
	add_child(_panel)
	for h in ["mod", "level", "state", "fuel used", "calls", "last error"]:
		_label(h, Vector2.ZERO, 14, Color(0.6, 0.65, 0.7), _panel)
	for m in ["bouncer", "scoreboard", "snoop", "runaway"]:
		var row := []
		for c in 6:
			var l := _label(m if c == 0 else "-", Vector2.ZERO, 14, Color(0.86, 0.89, 0.93), _panel)
			if c == 5:
				l.custom_minimum_size = Vector2(190, 0)
				l.clip_text = true
			row.append(l)
		_cells[m] = row


func _update_panel() -> void:
	for s in [bouncer, scoreboard, snoop, runaway]:
		if s == null:
			continue
		var row: Array = _cells[s.title]
		row[1].text = str(s.level()) if s.mod != null else "-"
		row[2].text = s.state()
		row[3].text = _thousands(s.fuel)
		row[4].text = str(s.calls)
		row[5].text = s.last_code if s.last_code != "" else "none"
		row[5].add_theme_color_override("font_color", Color(1.0, 0.62, 0.55) if s.last_code != "" else Color(0.6, 0.9, 0.6))


## A refusal up to "needs level N" (the rest, which rule and where, is in the log).
static func _short(message: String) -> String:
	var i := message.find("needs level ")
	return message if i < 0 else message.left(i + "needs level ".length() + 1)


static func _thousands(n: int) -> String:
	var s := str(n)
	var out := ""
	while s.length() > 3:
		out = "," + s.right(3) + out
		s = s.left(s.length() - 3)
	return s + out
