## The editor's one-time notice (plugin.gd): WasGo runs in web exports, and how to try mods from
## the editor now. Shown once per project on this machine (a dialog, not only a log line), and
## again from Project > Tools > "WasGo: try mods in the browser".
@tool
extends RefCounted

const ModFiles := preload("res://addons/wasgo/mod_files.gd")
const MENU_ITEM := "WasGo: try mods in the browser"
const SEEN_SECTION := "wasgo"
const SEEN_KEY := "web_notice_seen"


static func text() -> String:
	return "\n".join([
		"WasGo mods run in WEB exports. Pressing Play runs the desktop build, where WasGoEngine is not ready and no mod loads.",
		"",
		"To try mods from the editor now:",
		"  1. Project > Export... > Add... > Web (install the export templates once if asked) and tick Runnable.",
		"  2. Click Remote Deploy (top right, next to Play) > Run in Browser. Godot exports the game, serves it and opens your browser.",
		"  3. mod.start() runs a mod's main() in a worker (killable, with wasgo/limits/main_timeout_ms) only on a cross-origin isolated page:",
		"     the COOP/COEP headers (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp).",
		"     Run in Browser's server sends them. When you host the game, send them from your server or enable the Web preset's",
		"     Progressive Web App > Ensure Cross Origin Isolation Headers. Godot's own Thread Support option is not needed.",
		"     Without isolation main() runs inline, under wasgo/limits/fuel_per_call.",
		"",
		"Mods under %s (Project Settings > wasgo/mods/paths) are added to every export." % ", ".join(ModFiles.configured_paths()),
		"Step by step: docs/getting-started.md in the WasGo repository.",
	])


## Shows the notice unless it was shown for this project already (EditorSettings project metadata).
static func show_once() -> void:
	if OS.has_feature("web"):
		return  # the web editor: mods run right there
	var settings := EditorInterface.get_editor_settings()
	if settings.get_project_metadata(SEEN_SECTION, SEEN_KEY, false):
		return
	settings.set_project_metadata(SEEN_SECTION, SEEN_KEY, true)
	popup()


## The dialog (also what the Tools menu item opens), plus one line in the Output panel.
static func popup() -> void:
	var dialog := AcceptDialog.new()
	dialog.title = "WasGo: mods run in web exports"
	dialog.dialog_text = text()
	dialog.ok_button_text = "Got it"
	EditorInterface.get_base_control().add_child(dialog)
	dialog.confirmed.connect(dialog.queue_free)
	dialog.canceled.connect(dialog.queue_free)
	dialog.popup_centered()
	print_rich("[b]WasGo[/b]: mods run in web exports; use Remote Deploy > Run in Browser (Project > Tools > %s)." % MENU_ITEM)
