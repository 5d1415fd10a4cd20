## WasGo's editor plugin: registers the project settings and the WasGoEngine autoload.
## Editor-only (@tool, EditorPlugin): it never runs in an exported game. The settings logic lives
## in settings.gd so runtime code and tests can use it without the editor.
@tool
extends EditorPlugin

const Settings := preload("res://addons/wasgo/settings.gd")
const AUTOLOAD_NAME := "WasGoEngine"
const AUTOLOAD_PATH := "res://addons/wasgo/wasgo_engine.gd"
const WASGO_JS := "res://addons/wasgo/wasgo.js"
## The game's declarative modding API (wasgo/api/resource): "New Resource" offers it.
const API_TYPE := "WasGoApi"

var _export_plugin: EditorExportPlugin = null


func _enter_tree() -> void:
	# Property info (hints, defaults, basic visibility) is not stored in project.godot, so it is
	# registered every time the editor loads the plugin, not only when it is enabled.
	Settings.register_settings()
	add_custom_type(API_TYPE, "Resource", preload("res://addons/wasgo/wasgo_api.gd"), null)
	_export_plugin = WasGoExport.new()
	add_export_plugin(_export_plugin)


func _exit_tree() -> void:
	remove_custom_type(API_TYPE)
	if _export_plugin != null:
		remove_export_plugin(_export_plugin)
		_export_plugin = null


func _enable_plugin() -> void:
	Settings.register_settings()
	add_autoload_singleton(AUTOLOAD_NAME, AUTOLOAD_PATH)


func _disable_plugin() -> void:
	# The settings' values stay in project.godot (they are the game's configuration).
	remove_autoload_singleton(AUTOLOAD_NAME)


# On the desktop editor, once per project: mods run in web exports, and how to try them now.
# (Deferred: the editor's base control is still being built while plugins load.)
func _ready() -> void:
	add_tool_menu_item(EditorNotice.MENU_ITEM, _show_notice)
	_show_notice_once.call_deferred()


func _notification(what: int) -> void:
	if what == NOTIFICATION_EXIT_TREE:
		remove_tool_menu_item(EditorNotice.MENU_ITEM)


func _show_notice() -> void:
	EditorNotice.popup()


func _show_notice_once() -> void:
	EditorNotice.show_once()


## wasgo.js and the mods (wasgo/mods/paths) are not Godot resources, so the default export filter
## would leave them out of the pack; this adds them to every export.
const WasGoExport := preload("res://addons/wasgo/export_plugin.gd")
const EditorNotice := preload("res://addons/wasgo/editor_notice.gd")
