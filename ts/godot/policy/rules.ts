// The hand-written half of the safety policy: what each level allows over the Godot API and which
// escapes are denied below level 3. Pure data — the logic that reads it is ts/godot/policy.ts, the
// other half (every class, its parent, methods, signals and properties as Godot 4.6 reports them
// at run time) is the generated ./classdb.ts. docs/godot-policy.md explains the rules.
//
// Level 1 is an allowlist: a (class, method) is allowed when the method is listed here for the
// object's class or one of its ancestors. Level 2 adds WasGo's own wrappers, which live in the
// `wasgo` import module and not in ClassDB, so for ClassDB level 2 is the same as level 1.
// Level 3 is all of ClassDB. The denials below win over any allow (including a game's own
// additions) below level 3; tests/policy checks every name here against the 4.6 ClassDB data.

/** Why something is denied below level 3. Reason strings name the rule. */
export type Rule =
  | 'reflection' // goes around the method allowlist (call, set, connect to any callable, Expression...)
  | 'code-loading' // loads or creates scripts, packs, resources or extensions
  | 'tree-escape' // reaches the scene tree outside the mod's subtree (/root, the window, the viewport)
  | 'system' // the host machine, files, the page, the engine or project configuration
  | 'network' // sockets, HTTP, multiplayer
  | 'threads' // threads and blocking primitives (a Semaphore.wait would hang the game past any fuel limit)
  | 'serialization'; // decodes objects from bytes or text (an object decoder constructs arbitrary classes)

export const RULE_TEXT: Readonly<Record<Rule, string>> = {
  'reflection': 'reflection that would step around the method allowlist',
  'code-loading': 'loading or creating code, packs or resources',
  'tree-escape': 'reaching the scene tree outside the mod\'s subtree',
  'system': 'access to the host system, files, the page or the engine configuration',
  'network': 'network access (level 2 offers allowlisted HTTP through the wasgo module)',
  'threads': 'threads and blocking primitives',
  'serialization': 'decoding objects from bytes or text',
};

/**
 * Methods denied below level 3 on every class, whatever the allowlist says. Names are checked
 * against the 4.6 ClassDB: each must exist on at least one class.
 */
export const DENIED_METHODS: Readonly<Record<string, Rule>> = {
  // Object reflection
  call: 'reflection',
  callv: 'reflection',
  call_deferred: 'reflection',
  set: 'reflection',
  get: 'reflection',
  set_indexed: 'reflection',
  get_indexed: 'reflection',
  set_deferred: 'reflection',
  set_script: 'code-loading',
  get_script: 'code-loading',
  set_meta: 'reflection',
  get_meta: 'reflection',
  remove_meta: 'reflection',
  get_meta_list: 'reflection',
  connect: 'reflection',
  disconnect: 'reflection',
  emit_signal: 'reflection',
  add_user_signal: 'reflection',
  get_signal_connection_list: 'reflection',
  get_incoming_connections: 'reflection',
  notification: 'reflection',
  free: 'reflection', // GDScript's Object.free: not a ClassDB method (GDExtension: object_destroy); see NOT_IN_CLASSDB
  cancel_free: 'reflection',
  property_get_revert: 'reflection',
  // Node: reflection across the tree and thread-group calls
  propagate_call: 'reflection',
  propagate_notification: 'reflection',
  call_deferred_thread_group: 'reflection',
  call_thread_safe: 'reflection',
  set_deferred_thread_group: 'reflection',
  set_thread_safe: 'reflection',
  notify_deferred_thread_group: 'reflection',
  notify_thread_safe: 'reflection',
  // Node: leaving the subtree
  get_tree: 'tree-escape',
  get_window: 'tree-escape',
  get_viewport: 'tree-escape',
  get_last_exclusive_window: 'tree-escape',
  get_node_and_resource: 'tree-escape',
  get_owner: 'tree-escape',
  set_owner: 'tree-escape',
  get_world_2d: 'tree-escape',
  get_world_3d: 'tree-escape',
  get_canvas_layer_node: 'tree-escape',
  // calls methods or sets properties by name later
  create_tween: 'reflection',
  // Node: multiplayer
  rpc: 'network',
  rpc_id: 'network',
  rpc_config: 'network',
  get_multiplayer: 'network',
  set_multiplayer_authority: 'network',
};

/**
 * Classes denied below level 3 — no construction, no singleton, no method on an object whose
 * class chain contains one of them. A trailing `*` is a prefix pattern. Every exact name and
 * every prefix must match a class in the 4.6 ClassDB data, except those in
 * NOT_IN_WEB_TEMPLATE (editor-only classes, absent from the runtime the data was taken from).
 */
export const DENIED_CLASSES: Readonly<Record<string, Rule>> = {
  // reflection
  'Expression': 'reflection',
  'ClassDB': 'reflection',
  'Tween': 'reflection', // tween_property/tween_method/tween_callback: properties and calls by name
  'AnimationMixer': 'reflection', // AnimationPlayer/AnimationTree method and property tracks
  'UndoRedo': 'reflection',
  'JSONRPC': 'reflection',
  'Engine': 'system',
  'EngineDebugger': 'system',
  // code loading
  'ResourceLoader': 'code-loading',
  'ResourceSaver': 'system',
  'Script': 'code-loading',
  'ScriptExtension': 'code-loading',
  'GDScript': 'code-loading',
  'GDExtension': 'code-loading',
  'GDExtensionManager': 'code-loading',
  'PackedScene': 'code-loading',
  'ResourcePreloader': 'code-loading',
  'ResourceFormatLoader': 'code-loading',
  'ResourceFormatSaver': 'system',
  'ResourceUID': 'code-loading',
  // tree escapes
  'SceneTree': 'tree-escape',
  'MainLoop': 'tree-escape',
  // the host system, files, the page, configuration
  'OS': 'system',
  'FileAccess': 'system',
  'DirAccess': 'system',
  'ProjectSettings': 'system',
  'ConfigFile': 'system',
  'ZIPReader': 'system',
  'ZIPPacker': 'system',
  'JavaScriptBridge': 'system',
  'JavaScriptObject': 'system',
  'JavaClassWrapper': 'system',
  'JavaClass': 'system',
  'JavaObject': 'system',
  'EditorInterface': 'system',
  'DisplayServer': 'system',
  'Crypto': 'system',
  'CryptoKey': 'system',
  'X509Certificate': 'system',
  'TLSOptions': 'network',
  'Marshalls': 'serialization',
  // network
  'IP': 'network',
  'HTTPRequest': 'network',
  'HTTPClient': 'network',
  'StreamPeer*': 'network',
  'PacketPeer*': 'network',
  'WebSocket*': 'network',
  'WebRTC*': 'network',
  'ENet*': 'network',
  'Multiplayer*': 'network',
  'SceneMultiplayer': 'network',
  'OfflineMultiplayerPeer': 'network',
  'TCPServer': 'network',
  'UDPServer': 'network',
  'DTLSServer': 'network',
  'UPNP*': 'network',
  // threads
  'Thread': 'threads',
  'Mutex': 'threads',
  'Semaphore': 'threads',
  'WorkerThreadPool': 'threads',
};

/** Denied methods that are not ClassDB methods (the tests skip them). */
export const NOT_IN_CLASSDB: readonly string[] = ['free'];

/** Denied classes that the 4.6 web runtime does not have (editor-only); the tests skip them. */
export const NOT_IN_WEB_TEMPLATE: readonly string[] = ['EditorInterface'];

/** Utility functions (@GlobalScope) denied below level 3. */
export const DENIED_UTILITIES: Readonly<Record<string, Rule>> = {
  instance_from_id: 'tree-escape',
  bytes_to_var_with_objects: 'serialization',
  var_to_bytes_with_objects: 'serialization',
  str_to_var: 'serialization',
  type_convert: 'reflection',
  weakref: 'reflection',
  // GDScript-only functions a guest could name; they are not Variant utilities, but say why.
  load: 'code-loading',
  preload: 'code-loading',
};

// ---------------------------------------------------------------------------------------------
// Level 1: the allowlist.

/**
 * Methods allowed at level 1, by the class that declares them in ClassDB. A method allowed on a
 * class is allowed on its subclasses. Subtree confinement (an object argument or result must be
 * the mod's own node or below it) is the bridge's job, not this table's.
 */
export const LEVEL1_METHODS: Readonly<Record<string, readonly string[]>> = {
  Object: ['get_class', 'is_class', 'get_instance_id', 'is_queued_for_deletion'],
  Node: [
    'get_name', 'set_name', 'get_child_count', 'get_children', 'get_child', 'get_parent', 'get_index',
    'has_node', 'get_node', 'get_node_or_null', 'find_child', 'find_children', 'is_ancestor_of',
    'is_inside_tree', 'add_child', 'remove_child', 'move_child', 'queue_free',
  ],
  CanvasItem: [
    'set_visible', 'is_visible', 'is_visible_in_tree', 'show', 'hide',
    'set_modulate', 'get_modulate', 'set_self_modulate', 'get_self_modulate',
    // set_z_index is checked against the game's range (policy/costly.ts); set_z_as_relative and
    // set_as_top_level are not here: an absolute z or a top-level item can cover the whole game.
    'set_z_index', 'get_z_index', 'is_z_relative',
    'set_draw_behind_parent', 'is_draw_behind_parent_enabled', 'is_set_as_top_level',
    'get_transform', 'get_global_transform', 'get_global_mouse_position', 'get_local_mouse_position',
    'queue_redraw',
    'draw_line', 'draw_dashed_line', 'draw_polyline', 'draw_arc', 'draw_rect', 'draw_circle',
    'draw_colored_polygon', 'draw_polygon',
  ],
  Node2D: [
    'set_position', 'get_position', 'set_rotation', 'get_rotation',
    'set_rotation_degrees', 'get_rotation_degrees', 'set_scale', 'get_scale', 'set_skew', 'get_skew',
    'set_global_position', 'get_global_position', 'set_global_rotation', 'get_global_rotation',
    'set_global_rotation_degrees', 'get_global_rotation_degrees', 'set_global_scale', 'get_global_scale',
    'set_global_skew', 'get_global_skew', 'set_transform', 'set_global_transform',
    'rotate', 'translate', 'global_translate', 'move_local_x', 'move_local_y', 'look_at',
    'get_angle_to', 'to_local', 'to_global', 'apply_scale',
  ],
  Node3D: [
    'set_position', 'get_position', 'set_rotation', 'get_rotation',
    'set_rotation_degrees', 'get_rotation_degrees', 'set_scale', 'get_scale',
    'set_quaternion', 'get_quaternion', 'set_basis', 'get_basis',
    'set_global_position', 'get_global_position', 'set_global_rotation', 'get_global_rotation',
    'set_global_rotation_degrees', 'get_global_rotation_degrees',
    'set_transform', 'get_transform', 'set_global_transform', 'get_global_transform',
    'set_visible', 'is_visible', 'is_visible_in_tree', 'show', 'hide',
    'rotate', 'rotate_x', 'rotate_y', 'rotate_z', 'rotate_object_local', 'global_rotate',
    'translate', 'translate_object_local', 'global_translate', 'scale_object_local',
    'look_at', 'look_at_from_position', 'to_local', 'to_global', 'orthonormalize', 'set_identity',
  ],
  Control: [
    'set_position', 'get_position', 'set_global_position', 'get_global_position',
    'set_size', 'get_size', 'set_rotation', 'get_rotation', 'set_rotation_degrees', 'get_rotation_degrees',
    'set_scale', 'get_scale', 'set_pivot_offset', 'get_pivot_offset',
    'get_rect', 'get_global_rect', 'set_custom_minimum_size', 'get_custom_minimum_size', 'get_minimum_size',
    'set_anchors_preset', 'set_anchor', 'get_anchor', 'set_offset', 'get_offset',
  ],
  Sprite2D: [
    'set_flip_h', 'is_flipped_h', 'set_flip_v', 'is_flipped_v', 'set_frame', 'get_frame',
    'set_hframes', 'get_hframes', 'set_vframes', 'get_vframes', 'set_centered', 'is_centered',
    'set_offset', 'get_offset', 'set_region_enabled', 'is_region_enabled',
    'set_region_rect', 'get_region_rect', 'get_rect',
  ],
  Label: [
    'set_text', 'get_text', 'set_horizontal_alignment', 'get_horizontal_alignment',
    'set_vertical_alignment', 'get_vertical_alignment', 'set_autowrap_mode', 'get_autowrap_mode',
    'get_line_count', 'set_uppercase', 'is_uppercase',
    'set_visible_characters', 'get_visible_characters', 'set_visible_ratio', 'get_visible_ratio',
  ],
  Timer: [
    'start', 'stop', 'is_stopped', 'set_wait_time', 'get_wait_time', 'set_one_shot', 'is_one_shot',
    'set_autostart', 'has_autostart', 'get_time_left', 'set_paused', 'is_paused',
  ],
  ColorRect: ['set_color', 'get_color'],
  Polygon2D: ['set_polygon', 'get_polygon', 'set_color', 'get_color'],
  Line2D: [
    'set_points', 'get_points', 'add_point', 'remove_point', 'clear_points', 'get_point_count',
    'set_point_position', 'get_point_position', 'set_width', 'get_width',
    'set_default_color', 'get_default_color',
  ],
  // Singletons (their methods are checked like any object's, with the singleton's class chain).
  Input: [
    'is_action_pressed', 'is_action_just_pressed', 'is_action_just_released',
    'get_action_strength', 'get_action_raw_strength', 'get_axis', 'get_vector',
    'is_anything_pressed', 'is_key_pressed', 'is_physical_key_pressed', 'is_key_label_pressed',
    'is_mouse_button_pressed', 'get_mouse_button_mask',
    'is_joy_button_pressed', 'get_joy_axis', 'get_mouse_mode',
    // get_last_mouse_velocity and get_connected_joypads are harmless but not const in the engine's
    // binding; the e2e project checks every allowed Input/Time method is const, so they wait.
  ],
  Time: [
    'get_ticks_msec', 'get_ticks_usec', 'get_unix_time_from_system',
    'get_datetime_dict_from_system', 'get_date_dict_from_system', 'get_time_dict_from_system',
    'get_datetime_string_from_system', 'get_date_string_from_system', 'get_time_string_from_system',
    'get_time_zone_from_system',
    'get_datetime_dict_from_unix_time', 'get_date_dict_from_unix_time', 'get_time_dict_from_unix_time',
    'get_datetime_string_from_unix_time', 'get_date_string_from_unix_time', 'get_time_string_from_unix_time',
    'get_unix_time_from_datetime_dict', 'get_unix_time_from_datetime_string',
    'get_datetime_dict_from_datetime_string', 'get_datetime_string_from_datetime_dict',
    'get_offset_string_from_offset_minutes',
  ],
};

/** Classes a level-1 mod may construct (harmless node types). */
export const LEVEL1_CONSTRUCT: readonly string[] = [
  'Node', 'Node2D', 'Node3D', 'Control', 'Sprite2D', 'Label', 'Timer', 'ColorRect', 'Polygon2D',
  'Line2D', 'Marker2D', 'Marker3D',
];

/** Engine singletons (names from Engine.get_singleton_list()) a level-1 mod may get. */
export const LEVEL1_SINGLETONS: readonly string[] = ['Time', 'Input'];

/**
 * Utility functions (@GlobalScope, reached through variant_get_ptr_utility_function) allowed at
 * level 1: printing, randomness that does not reseed the game's generator, pure math and pure
 * conversions. The e2e project policy-classdb checks every name in the real engine.
 */
export const LEVEL1_UTILITIES: readonly string[] = [
  // printing
  'print', 'print_rich', 'printerr', 'printraw', 'prints', 'printt', 'print_verbose', 'push_error', 'push_warning',
  // random (seed and randomize are left out: they reseed the game's own global generator)
  'randf', 'randi', 'randf_range', 'randi_range', 'randfn', 'rand_from_seed',
  // math
  'sin', 'cos', 'tan', 'sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan', 'atan2', 'asinh', 'acosh', 'atanh',
  'sqrt', 'fmod', 'fposmod', 'posmod', 'floor', 'floorf', 'floori', 'ceil', 'ceilf', 'ceili',
  'round', 'roundf', 'roundi', 'abs', 'absf', 'absi', 'sign', 'signf', 'signi', 'snapped', 'snappedf',
  'snappedi', 'pow', 'log', 'exp', 'is_nan', 'is_inf', 'is_equal_approx', 'is_zero_approx', 'is_finite',
  'ease', 'step_decimals', 'lerp', 'lerpf', 'cubic_interpolate', 'cubic_interpolate_angle',
  'cubic_interpolate_in_time', 'cubic_interpolate_angle_in_time', 'bezier_interpolate', 'bezier_derivative',
  'angle_difference', 'lerp_angle', 'inverse_lerp', 'remap', 'smoothstep', 'move_toward', 'rotate_toward',
  'deg_to_rad', 'rad_to_deg', 'linear_to_db', 'db_to_linear', 'wrap', 'wrapi', 'wrapf',
  'max', 'maxi', 'maxf', 'min', 'mini', 'minf', 'clamp', 'clampi', 'clampf', 'nearest_po2', 'pingpong',
  // pure conversions
  'str', 'error_string', 'type_string', 'typeof', 'hash', 'is_same',
];
