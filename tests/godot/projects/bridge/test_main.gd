## JavaScriptBridge as the web adapter will use it: values both ways, callbacks, bytes.
## Checks marked "quirk" pin down this engine's behaviour; if one starts failing, the quirk is
## gone and docs/godot.md (and maybe the adapter) should be updated.
extends Node

const T = preload("res://wasgo_test/t.gd")

const HELPER := """
globalThis.__wasgoBridgeTest = {
  typeOf(x) { return typeof x; },
  show(x) { return typeof x === 'bigint' ? x.toString() + 'n' : String(x); },
  int() { return 7; },
  float() { return 7.5; },
  str() { return 'h\u00e9 \u2713'; },
  bool() { return true; },
  nul() { return null; },
  callWithBox(cb, x) {
    const box = {};
    const r = cb(x, box, 'two');
    return JSON.stringify({ returned: r === undefined ? 'undefined' : r, boxed: box.value === undefined ? 'undefined' : box.value });
  },
  callMany(cb, n) { for (let i = 0; i < n; i++) cb(i); return n; },
  bytes(n) { return new Uint8Array(n).map((_, i) => (i * 3) & 255); },
  b64Sum(s) { let t = 0; for (const c of atob(s)) t += c.charCodeAt(0); return t; },
};
"""

var api: JavaScriptObject
var _calls := 0


func _ready() -> void:
	JavaScriptBridge.eval(HELPER, true)
	api = JavaScriptBridge.get_interface("__wasgoBridgeTest")
	T.run(self)


func test_eval(t: T) -> void:
	t.eq("number comes back as float (quirk)", JavaScriptBridge.eval("6*7", true), 42.0)
	t.eq("string", JavaScriptBridge.eval("'a' + 'b'", true), "ab")
	t.eq("bool comes back as int 1 (quirk)", JavaScriptBridge.eval("1 < 2", true), 1)
	t.eq("null", JavaScriptBridge.eval("null", true), null)
	t.eq("Uint8Array comes back as PackedByteArray", JavaScriptBridge.eval("new Uint8Array([1, 2, 255])", true), PackedByteArray([1, 2, 255]))
	t.eq("a thrown exception gives null", JavaScriptBridge.eval("(() => { throw 'wasgo test: an expected exception' })()", true), null)


func test_interface(t: T) -> void:
	var window = JavaScriptBridge.get_interface("window")
	t.check("window interface", window != null)
	t.eq("crossOriginIsolated (COOP/COEP served)", window.crossOriginIsolated, true)
	# Also prints "ERROR: No interface ... registered." to stderr.
	t.check("unknown global is null", JavaScriptBridge.get_interface("__wasgo_no_such_global") == null)
	t.check("helper interface", api != null)
	t.eq("JS integer from a method is int", api.int(), 7)
	t.eq("JS fraction is float", api.float(), 7.5)
	t.eq("unicode string", api.str(), "hé ✓")
	t.eq("bool", api.bool(), true)
	t.eq("null", api.nul(), null)


func test_to_js(t: T) -> void:
	t.eq("int arrives as number", api.typeOf(5), "number")
	t.eq("float arrives as number", api.typeOf(0.5), "number")
	t.eq("int beyond 2^53 arrives rounded as a number (quirk)", api.show(9007199254740993), "9007199254740992")
	t.eq("int up to 2^53 arrives exactly", api.show(9007199254740991), "9007199254740991")
	t.eq("negative int", api.show(-5), "-5")
	t.eq("String arrives as string", api.typeOf("x"), "string")
	t.eq("null arrives as object(null)", api.show(null), "null")
	t.eq("PackedByteArray arrives as undefined (quirk)", api.typeOf(PackedByteArray([1, 2])), "undefined")
	t.eq("Array arrives as undefined (quirk)", api.typeOf([1, 2]), "undefined")
	t.eq("Dictionary arrives as undefined (quirk)", api.typeOf({"a": 1}), "undefined")
	var bytes := PackedByteArray([1, 2, 250])
	t.eq("bytes as base64 (workaround)", api.b64Sum(Marshalls.raw_to_base64(bytes)), 253)


func test_from_js_bytes(t: T) -> void:
	var buf = api.bytes(5)
	t.check("Uint8Array from a method is a JavaScriptObject", buf is JavaScriptObject)
	t.check("is_js_buffer", JavaScriptBridge.is_js_buffer(buf))
	t.eq("js_buffer_to_packed_byte_array", JavaScriptBridge.js_buffer_to_packed_byte_array(buf), PackedByteArray([0, 3, 6, 9, 12]))
	var arr = JavaScriptBridge.create_object("Uint8Array", 3)
	arr[1] = 200
	t.eq("create_object + indexed set", JavaScriptBridge.js_buffer_to_packed_byte_array(arr), PackedByteArray([0, 200, 0]))


func _on_box(args: Array) -> Variant:
	_calls += 1
	if args.size() >= 2 and args[1] is JavaScriptObject:
		args[1].value = args[0] * 2
	return 99


func test_callback(t: T) -> void:
	var cb := JavaScriptBridge.create_callback(_on_box)  # keep a reference while JS may call it
	var r = JSON.parse_string(api.callWithBox(cb, 21))
	t.check("callback ran synchronously", _calls == 1, "calls: %d" % _calls)
	t.check("result parsed", r is Dictionary, str(r))
	if r is Dictionary:
		t.eq("return value does not reach JS (quirk: null)", r["returned"], null)
		t.eq("setting a property on a passed JS object reaches JS (workaround)", r["boxed"], 42.0)
	var seen := []
	var cb2 := JavaScriptBridge.create_callback(func(args: Array) -> void: seen.append(args))
	api.callWithBox(cb2, 5)
	t.eq("callback gets one Array of all JS arguments", seen.size(), 1)
	if seen.size() == 1:
		t.eq("argument count", seen[0].size(), 3)
		t.eq("integer argument is int", seen[0][0], 5)
		t.eq("string argument", seen[0][2], "two")
		t.check("object argument is a JavaScriptObject", seen[0][1] is JavaScriptObject)


func test_cost(t: T) -> void:
	# Not pass/fail on speed (2 shared cores are noisy): prints the numbers for docs/godot.md.
	var n := 20000
	var t0 := Time.get_ticks_usec()
	for i in n:
		api.int()
	var gd_to_js := float(Time.get_ticks_usec() - t0) / n
	var count := [0]
	var cb := JavaScriptBridge.create_callback(func(_args: Array) -> void: count[0] += 1)
	t0 = Time.get_ticks_usec()
	api.callMany(cb, n)
	var js_to_gd := float(Time.get_ticks_usec() - t0) / n
	print("bridge cost: GDScript->JS method call %.2f us, JS->GDScript callback %.2f us" % [gd_to_js, js_to_gd])
	t.eq("every callback ran", count[0], n)
