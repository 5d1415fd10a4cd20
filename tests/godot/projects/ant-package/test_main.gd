## WasGoEngine.load_package: an ANT.zip game runs its phases in the real engine.
extends Node

const T = preload("res://wasgo_test/t.gd")


func _ready() -> void:
	T.run(self)


func _await_game(game) -> void:
	var t0 := Time.get_ticks_msec()
	while game.phase() == "loading" and Time.get_ticks_msec() - t0 < 10000:
		await get_tree().process_frame


func test_ant_game_runs(t: T) -> void:
	var game = WasGoEngine.load_package("res://games/game.ant.zip")
	if not t.check("load_package returned a game", game != null, str(WasGoEngine.last_load_error())):
		return
	var lines := []
	var errors := []
	game.printed.connect(func(text: String) -> void: lines.append(text))
	game.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
	var results := []
	game.loaded.connect(func(r: int) -> void: results.append(r))
	t.eq("loading at first", game.phase(), "loading")
	await _await_game(game)
	t.eq("no errors", errors, [])
	t.eq("loaded once, core result 0", results, [0])
	t.eq("Game Phase", game.phase(), "game")
	t.check("core booted", lines.has("core: booting"), str(lines))
	var paths := []
	for m in game.modules():
		paths.append(m["path"])
	t.check("core, physics and main loaded", paths.has("/core.wasm") and paths.has("/core/physics.wasm") and paths.has("/main.wasm"), str(paths))
	var before := lines.size()
	t.eq("call the core's update export", game.call_export(0, "update", [7]), null)
	t.eq("no error from update", game.last_error(), {})
	t.check("update printed", lines.size() > before and "frame 7" in str(lines[-1]), str(lines.slice(before)))
	game.kill()
	t.eq("killed", game.phase(), "unloaded")


func test_untrusted_package_refused(t: T) -> void:
	var bytes := FileAccess.get_file_as_bytes("res://games/game.ant.zip")
	bytes[bytes.size() / 2] ^= 0xff
	var game = WasGoEngine.load_package(bytes, null, {"name": "damaged"})
	var errors := []
	game.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
	await _await_game(game)
	t.eq("a damaged package fails", game.phase(), "failed")
	t.eq("errored once", errors.size(), 1)
	if errors.size() == 1:
		t.check("package error code (40-69)", errors[0][0] >= 40 and errors[0][0] < 70, str(errors[0]))


func test_not_a_mod(t: T) -> void:
	var game = WasGoEngine.load_package("res://mods/mover.wasm")
	var errors := []
	game.errored.connect(func(code: int, msg: String) -> void: errors.append([code, msg]))
	await _await_game(game)
	t.eq("a .wasm is not a package", errors.size(), 1)
