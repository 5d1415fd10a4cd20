// The typed SDK generator's logic (scripts/gen-godot-sdk.mjs runs it; docs/sdk.md explains the
// choices). Pure: (policy module, signatures) -> { path: text }. Everything is sorted, so the
// output only changes when the policy or the engine data does.
import { generateC } from './generate-c.mjs';

// Variant.Type numbers.
const T = {
  NIL: 0, BOOL: 1, INT: 2, FLOAT: 3, STRING: 4, VECTOR2: 5, VECTOR2I: 6, RECT2: 7, RECT2I: 8, VECTOR3: 9,
  VECTOR3I: 10, TRANSFORM2D: 11, VECTOR4: 12, VECTOR4I: 13, QUATERNION: 15, BASIS: 17, COLOR: 20,
  STRING_NAME: 21, NODE_PATH: 22, OBJECT: 24,
};
const VALUE_CLASSES = {
  [T.VECTOR2]: 'Vector2', [T.VECTOR2I]: 'Vector2i', [T.RECT2]: 'Rect2', [T.RECT2I]: 'Rect2i', [T.VECTOR3]: 'Vector3',
  [T.VECTOR3I]: 'Vector3i', [T.TRANSFORM2D]: 'Transform2D', [T.VECTOR4]: 'Vector4', [T.VECTOR4I]: 'Vector4i',
  [T.QUATERNION]: 'Quaternion', [T.BASIS]: 'Basis', [T.COLOR]: 'Color',
};
const FLAG_VARARG = 16;
const FLAG_STATIC = 32;

/** Engine singletons the level-3 entry types besides the level-1 ones: those the policy's rules name. */
function policySingletons(policy) {
  return Object.keys(policy.ENGINE_SINGLETONS)
    .filter((s) => policy.ENGINE_SINGLETONS[s] === s && Object.hasOwn(policy.DENIED_CLASSES, s))
    // DisplayServer alone would add ~250 methods of window and screen control no mod needs typed.
    .filter((s) => s !== 'DisplayServer')
    .sort();
}

/** The classes the SDK types (any level): those the policy names, with their ancestors. */
export function sdkClasses(policy) {
  const named = new Set([
    ...Object.keys(policy.LEVEL1_METHODS), ...policy.LEVEL1_CONSTRUCT,
    ...policy.LEVEL1_SINGLETONS.map((s) => policy.ENGINE_SINGLETONS[s]), ...policySingletons(policy),
  ]);
  const out = new Set();
  for (const c of named) for (const a of policy.ancestry(c) ?? []) out.add(a);
  return [...out].sort();
}

const isSingleton = (policy, cls) => Object.hasOwn(policy.ENGINE_SINGLETONS, cls) && policy.ENGINE_SINGLETONS[cls] === cls;
/** AssemblyScript name of a Godot class (Object would shadow AssemblyScript's own). */
const asClass = (c) => (c === 'Object' ? 'GodotObject' : c);

const RESERVED = new Set(['get', 'set', 'constructor', 'handle', 'isValid', 'release', 'as', 'connectExport', 'self', 'create', 'instance', 'delete', 'new', 'function', 'class']);
const memberName = (n) => (RESERVED.has(n) ? `${n}_` : n);

/** Parses a default value (var_to_str) into an AssemblyScript expression for type t, or null. */
function defaultExpr(text, t) {
  const num = /^-?(\d+(\.\d*)?(e[-+]?\d+)?|inf|nan)$/;
  if (t === T.BOOL && (text === 'true' || text === 'false')) return text;
  if (t === T.INT && /^-?\d+$/.test(text)) return text;
  if (t === T.FLOAT && num.test(text)) return text === 'inf' ? 'Infinity' : text === '-inf' ? '-Infinity' : text;
  if ((t === T.STRING || t === T.STRING_NAME || t === T.NODE_PATH)) {
    const m = /^(?:&|\^)?("(?:[^"\\]|\\.)*")$/.exec(text) ?? /^NodePath\(("(?:[^"\\]|\\.)*")\)$/.exec(text);
    if (m) return m[1];
  }
  if (t === T.OBJECT && text === 'null') return 'null';
  const cls = VALUE_CLASSES[t];
  if (cls && ['Vector2', 'Vector2i', 'Vector3', 'Vector3i', 'Vector4', 'Vector4i', 'Color', 'Quaternion'].includes(cls)) {
    const m = new RegExp(`^${cls}\\(([^()]*)\\)$`).exec(text);
    if (m && m[1].split(',').every((x) => num.test(x.trim()))) return `new ${cls}(${m[1].split(',').map((x) => x.trim()).join(', ')})`;
  }
  if (cls === 'Rect2') {
    const m = /^Rect2\(([^()]*)\)$/.exec(text);
    if (m) return `Rect2.of(${m[1]})`;
  }
  return null;
}

/**
 * How one Variant type is written in AssemblyScript at a level: { ts, enc(v), dec } or null when
 * the typed SDK does not cover it (Variant, Array, Dictionary, packed arrays, Callable, RID...).
 */
function typeOf(t, cls, known) {
  if (t === T.BOOL) return { ts: 'bool', enc: (v) => `encodeBool(${v})`, dec: 'decodeBool()' };
  if (t === T.INT) return { ts: 'i64', enc: (v) => `encodeInt(${v})`, dec: 'decodeInt()', enumName: cls || null };
  if (t === T.FLOAT) return { ts: 'f64', enc: (v) => `encodeFloat(${v})`, dec: 'decodeFloat()' };
  if (t === T.STRING || t === T.STRING_NAME || t === T.NODE_PATH) {
    // NodePath results are not Strings in var_to_bytes: only arguments are typed.
    return { ts: 'string', enc: (v) => `encodeString(${v})`, dec: t === T.NODE_PATH ? null : 'decodeString()' };
  }
  if (VALUE_CLASSES[t]) return { ts: VALUE_CLASSES[t], enc: (v) => `${VALUE_CLASSES[t]}.encode(${v})`, dec: `${VALUE_CLASSES[t]}.decode(out)`, value: true };
  if (t === T.OBJECT) {
    const c = known(cls) ? asClass(cls) : 'GodotObject';
    return { ts: `${c} | null`, enc: (v) => `encodeObject(${v})`, dec: `wrap<${c}>(decodeHandle())`, object: c };
  }
  return null;
}

/** A method's typed shape, or a reason it is not typed. */
function shape(sig, known) {
  const [rt, rcls, flags, defaults, args, retVariant] = sig;
  if (flags & FLAG_VARARG) return { why: 'takes variable arguments' };
  const params = [];
  for (let i = 0; i < args.length; i++) {
    const [name, t, cls] = args[i];
    const ty = typeOf(t, cls, known);
    if (!ty) return { why: `argument ${i + 1} is a ${variantName(t)}` };
    params.push({ name: name ? safeIdent(name) : `arg${i}`, ty, t });
  }
  // Defaults belong to the last arguments; keep a default only if it and all after it are expressible.
  const first = args.length - defaults.length;
  for (let i = args.length - 1; i >= first; i--) {
    const e = defaultExpr(defaults[i - first], params[i].t);
    if (e === null) break;
    params[i].def = e;
  }
  let ret = null;
  if (rt !== T.NIL || retVariant) {
    ret = typeOf(rt, rcls, known);
    if (!ret || !ret.dec) return { why: `it returns a ${variantName(rt)}` };
  }
  return { params, ret, isStatic: (flags & FLAG_STATIC) !== 0 };
}

const AS_KEYWORDS = new Set(['from', 'to', 'in', 'of', 'type', 'default', 'var', 'let', 'const', 'function', 'class', 'new', 'delete', 'is', 'with', 'this', 'super', 'static', 'interface', 'enum', 'export', 'import', 'return', 'switch', 'case', 'break', 'continue', 'for', 'while', 'do', 'if', 'else', 'void', 'null', 'true', 'false', 'instanceof', 'typeof', 'try', 'catch', 'finally', 'throw', 'yield', 'async', 'await', 'package', 'private', 'public', 'protected', 'namespace', 'module', 'declare', 'abstract', 'readonly', 'keyof', 'unique']);
const safeIdent = (n) => (AS_KEYWORDS.has(n) ? `${n}_` : n);

const VARIANT_NAMES = ['Variant', 'bool', 'int', 'float', 'String', 'Vector2', 'Vector2i', 'Rect2', 'Rect2i', 'Vector3', 'Vector3i', 'Transform2D', 'Vector4', 'Vector4i', 'Plane', 'Quaternion', 'AABB', 'Basis', 'Transform3D', 'Projection', 'Color', 'StringName', 'NodePath', 'RID', 'Object', 'Callable', 'Signal', 'Dictionary', 'Array', 'PackedByteArray', 'PackedInt32Array', 'PackedInt64Array', 'PackedFloat32Array', 'PackedFloat64Array', 'PackedStringArray', 'PackedVector2Array', 'PackedVector3Array', 'PackedColorArray', 'PackedVector4Array'];
const variantName = (t) => VARIANT_NAMES[t] ?? `type ${t}`;

/** Godot-style signature text for doc comments and stubs: `set_position(arg0: Vector2) -> void`. */
function godotSignature(cls, m, sig) {
  const [rt, rcls, , defaults, args, retVariant] = sig;
  const first = args.length - defaults.length;
  const a = args.map(([n, t, c], i) => `${n || `arg${i}`}: ${t === T.OBJECT ? c || 'Object' : t === T.INT && c ? c : variantName(t)}${i >= first ? ` = ${defaults[i - first]}` : ''}`);
  const r = rt === T.NIL ? (retVariant ? 'Variant' : 'void') : rt === T.OBJECT ? rcls || 'Object' : variantName(rt);
  return `${cls}.${m}(${a.join(', ')}) -> ${r}`;
}

const esc = (s) => JSON.stringify(s);

/**
 * The level-`level` AssemblyScript entry. Every method of the SDK's classes is either typed
 * (the policy allows it at this level), a compile-time error stub naming the level that allows it
 * (AssemblyScript's ERROR() builtin fires only when the stub is actually called), or left out
 * (no level allows it, or its types are not covered — listed in the header).
 */
function generateLevel(policy, sigs, level, decide = policy) {
  const entry = level === 1 ? 'wasgo/godot' : `wasgo/godot/level${level}`;
  const all = sdkClasses(policy).filter((c) => sigs.classes[c]);
  const db = policy.classDb();
  // A class is emitted when something of it is allowed at this level, or as a stub holder.
  const known = (c) => all.includes(c);
  const lines = [];
  const skipped = [];
  let typed = 0;
  let stubs = 0;
  let binds = 0;
  const bindVars = [];
  const stubBody = (what, d) => {
    stubs++;
    const msg = `${what} needs safety level ${d.level}, these are the level-${level} bindings (${entry}): ${shortReason(d.reason)}`;
    return `ERROR(${esc(msg)}); return unreachable();`;
  };
  const order = all.slice().sort((a, b) => policy.ancestry(a).length - policy.ancestry(b).length || (a < b ? -1 : 1));
  const members = new Map(); // class -> Map(name -> signature key), own + inherited
  const reference = [];
  const model = []; // { cls, method, sig, decision, single }: what the C headers are made from
  for (const cls of order) {
    const chain = policy.ancestry(cls);
    const info = db.get(cls);
    const parent = info.parent;
    const inherited = parent ? new Map(members.get(parent)) : new Map([['handle', 'x'], ['isValid', 'x'], ['release', 'x'], ['as', 'x'], ['connectExport', 'x']]);
    const own = new Map();
    const single = isSingleton(policy, cls);
    const body = [];
    const ref = [];
    const methodSigs = sigs.classes[cls].methods;
    const singletonD = single ? decide.singletonDecision(cls, level) : null;
    let anyAllowed = false;
    for (const m of Object.keys(methodSigs).sort()) {
      if (m.startsWith('_')) continue; // virtual methods: the engine calls them, a mod does not
      const sig = methodSigs[m];
      let d = decide.methodDecision(chain, m, level);
      if (singletonD && !singletonD.allowed) d = singletonD.level === null ? singletonD : { ...d, allowed: false, level: Math.max(d.level ?? 3, singletonD.level), reason: singletonD.reason };
      if (d.level === null) continue;
      model.push({ cls, method: m, sig, decision: d, single });
      const name = memberName(m);
      const s = shape(sig, known);
      if (s.why) {
        if (d.allowed) skipped.push(`${cls}.${m} (${s.why})`);
        if (d.allowed) continue;
      }
      const key = s.why ? 'stub' : `${s.isStatic}|${s.params.map((p) => p.ty.ts + (p.def ?? '')).join(',')}|${s.ret?.ts ?? 'void'}`;
      if (inherited.has(name)) { if (d.allowed) skipped.push(`${cls}.${m} (overrides an inherited member with another signature)`); continue; }
      own.set(name, key);
      const isStatic = single || s.isStatic;
      const doc = `  /** ${godotSignature(cls, m, sig)}${d.allowed ? '' : ` — needs level ${d.level}`} */`;
      if (!d.allowed) {
        // Stub: same parameters (types when known, else any type), body fails the compile.
        const ps = s.why
          ? sig[4].map((_, i) => `a${i}: A${i}${i >= sig[4].length - sig[3].length ? ' = 0' : ''}`)
          : s.params.map((p) => `${p.name}: ${p.ty.ts}${p.def !== undefined ? ` = ${p.def}` : ''}`);
        const gen = s.why && sig[4].length ? `<${sig[4].map((_, i) => `A${i}${i >= sig[4].length - sig[3].length ? ' = i32' : ''}`).join(', ')}>` : '';
        const rt = s.why ? 'void' : s.ret ? s.ret.ts : 'void';
        body.push(`  ${isStatic ? 'static ' : ''}${name}${gen}(${ps.join(', ')}): ${rt} { ${stubBody(`${cls}.${m}`, d)} }`);
        continue;
      }
      anyAllowed = true;
      typed++;
      const v = binds++;
      const ps = s.params.map((p) => `${p.name}: ${p.ty.ts}${p.def !== undefined ? ` = ${p.def}` : ''}`);
      // A value result can be written into the caller's object: no allocation in a hot loop.
      if (s.ret?.value) ps.push(`out: ${s.ret.ts} | null = null`);
      const enc = s.params.map((p) => p.ty.enc(p.name) + '; ').join('');
      const target = isStatic && !single ? null : single ? `${asClass(cls)}.instance()` : 'this.handle';
      const call = target === null
        ? `callStatic(${esc(cls)}, ${esc(m)})`
        : `callBind(bind(${v}, ${esc(cls)}, ${esc(m)}), ${target})`;
      const ret = s.ret ? `return ${s.ret.dec};` : '';
      body.push(doc, `  ${isStatic ? 'static ' : ''}${name}(${ps.join(', ')}): ${s.ret ? s.ret.ts : 'void'} { begin(); ${enc}${call};${ret ? ' ' + ret : ''} }`);
      ref.push(`- \`${godotSignature(cls, m, sig)}\``);
    }
    // Properties: through their getter/setter methods, decided by the policy like those.
    if (!single) {
      for (const [p, { getter, setter }] of [...info.properties].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (!/^[a-z_][a-z0-9_]*$/.test(p) || !getter || RESERVED.has(p) || AS_KEYWORDS.has(p)) continue;
        if (inherited.has(p) || own.has(p)) continue;
        const gClass = chain.find((c) => sigs.classes[c]?.methods[getter]);
        if (!gClass) continue;
        const gs = shape(sigs.classes[gClass].methods[getter], known);
        if (gs.why || gs.params.length || !gs.ret || gs.isStatic) continue;
        const gName = memberName(getter);
        const gd = decide.propertyDecision(chain, p, false, level);
        if (gd.level === null) continue;
        const ownGetter = own.get(gName) ?? inherited.get(gName);
        if (!ownGetter) continue; // the getter itself is not generated (see above)
        own.set(p, 'prop');
        body.push(`  /** Property ${cls}.${p} (${getter}${setter ? ` / ${setter}` : ''})${gd.allowed ? '' : ` — needs level ${gd.level}`} */`);
        if (gd.allowed) body.push(`  get ${p}(): ${gs.ret.ts} { return this.${gName}(); }`);
        else body.push(`  get ${p}(): ${gs.ret.ts} { ${stubBody(`getting ${cls}.${p}`, gd)} }`);
        const sClass = setter ? chain.find((c) => sigs.classes[c]?.methods[setter]) : null;
        const ss = sClass ? shape(sigs.classes[sClass].methods[setter], known) : null;
        if (ss && !ss.why && ss.params.length >= 1 && ss.params[0].ty.ts === gs.ret.ts && ss.params.slice(1).every((x) => x.def !== undefined)) {
          const sd = decide.propertyDecision(chain, p, true, level);
          if (sd.allowed && (own.has(memberName(setter)) || inherited.has(memberName(setter)))) body.push(`  set ${p}(value: ${gs.ret.ts}) { this.${memberName(setter)}(value); }`);
          else if (!sd.allowed && sd.level !== null) body.push(`  set ${p}(value: ${gs.ret.ts}) { ${stubBody(`setting ${cls}.${p}`, sd)} }`);
        }
      }
    }
    // Signals: connected to one of the mod's exports by name.
    for (const sgl of Object.keys(sigs.classes[cls].signals).sort()) {
      const d = single ? singletonD : decide.signalDecision(chain, sgl, level);
      const name = `on_${sgl}`;
      if (d.level === null || inherited.has(name) || own.has(name)) continue;
      own.set(name, 'signal');
      const args = sigs.classes[cls].signals[sgl].map(([n, t, c], i) => `${n || `arg${i}`}: ${t === T.OBJECT ? `${c || 'Object'} (a handle)` : variantName(t)}`);
      body.push(`  /** Connects signal ${cls}.${sgl}(${args.join(', ')}) to the mod's export \`exportName\`; returns the connection.${d.allowed ? '' : ` Needs level ${d.level}.`} */`);
      if (d.allowed) {
        body.push(`  ${single ? 'static ' : ''}${name}(exportName: string): i32 { return connect(${single ? `${asClass(cls)}.instance()` : 'this.handle'}, ${esc(sgl)}, exportName); }`);
        ref.push(`- signal \`${sgl}(${args.join(', ')})\``);
      } else body.push(`  ${single ? 'static ' : ''}${name}(exportName: string): i32 { ${stubBody(`signal ${cls}.${sgl}`, d)} }`);
    }
    const isNode = chain.includes('Node');
    const head = [];
    if (single) {
      head.push(`  private static h: i32 = 0;`,
        `  /** The singleton's handle, fetched once. ${singletonD.allowed ? '' : `Needs level ${singletonD.level}.`} */`,
        singletonD.allowed
          ? `  static instance(): i32 { if (${asClass(cls)}.h == 0) ${asClass(cls)}.h = singletonHandle(${esc(cls)}); return ${asClass(cls)}.h; }`
          : `  static instance(): i32 { ${stubBody(`singleton ${cls}`, singletonD)} }`);
    }
    if (isNode && !single) {
      head.push(`  /** The mod's own node as a ${cls} (the bridge checks its real class on every call). */`,
        `  static self(): ${cls} { return new ${cls}(modHandle()); }`);
    }
    if (info.instantiable && !single) {
      const cd = decide.constructDecision(cls, level);
      if (cd.level !== null) {
        head.push(`  /** A new ${cls} (ClassDB.instantiate).${cd.allowed ? '' : ` Needs level ${cd.level}.`} */`);
        head.push(cd.allowed ? `  static create(): ${asClass(cls)} { return new ${asClass(cls)}(construct(${esc(cls)})); }` : `  static create(): ${asClass(cls)} { ${stubBody(`constructing ${cls}`, cd)} }`);
        if (cd.allowed) anyAllowed = true;
      }
    }
    if (cls === 'Node' && own.has('get_node')) {
      head.push(`  /** get_node as class T; aborts when there is no such node. */`,
        `  get_node_as<T extends GodotObject>(path: string): T { const n = this.get_node(path); if (n === null) abort("no node at " + path); return n!.as<T>(); }`);
    }
    for (const [k, v] of own) inherited.set(k, v);
    members.set(cls, inherited);
    if (cls === 'Object') {
      // GodotObject is hand-written in core.ts; its ClassDB methods go into a subclass-free mixin: extend it.
      lines.push(`/** Godot's Object (named GodotObject: AssemblyScript has its own Object). */`,
        `export class GodotObject extends GodotObjectBase {`, ...head, ...body, '}', '');
    } else {
      lines.push(`/** Godot class ${cls}${parent ? ` (extends ${parent})` : ''}.${anyAllowed ? '' : ` Nothing of it is allowed at level ${level}.`} */`,
        `export class ${cls}${single ? '' : ` extends ${asClass(parent)}`} {`, ...head, ...body, '}', '');
    }
    if (ref.length || anyAllowed) reference.push(`## ${cls}${parent ? ` (extends ${parent})` : ''}`, '', ...ref, '');
  }
  // Utility functions: the typed subset (print is the low-level print).
  const utils = [];
  for (const [name, params, ret] of UTILITIES) {
    const d = decide.utilityDecision(name, level);
    if (d.level === null) continue;
    const ps = params.map(([n, t]) => `${n}: ${t}`).join(', ');
    if (!d.allowed) { utils.push(`export function ${name}(${ps}): ${ret} { ${stubBody(`utility ${name}`, d)} }`); continue; }
    const enc = params.map(([n, t]) => (t === 'f64' ? `encodeFloat(${n}); ` : t === 'i64' ? `encodeInt(${n}); ` : `encodeString(${n}); `)).join('');
    const dec = ret === 'f64' ? 'decodeFloat()' : ret === 'i64' ? 'decodeInt()' : 'decodeString()';
    utils.push(`/** @GlobalScope.${name} */`, `export function ${name}(${ps}): ${ret} { begin(); ${enc}utility(${esc(name)}); return ${dec}; }`);
    reference.push(`- utility \`${name}(${ps}) -> ${ret}\``);
  }
  const header = `// GENERATED by scripts/gen-godot-sdk.mjs (npm run gen:sdk) from the safety policy (ts/godot/policy.ts)
// and the signatures of Godot ${sigs.engine} (scripts/godot-sdk/signatures.json). Do not edit.
//
// The typed Godot bindings for level-${level} mods (${entry}; docs/sdk.md). What is here is exactly
// what the policy allows at level ${level}; a method, property, signal, singleton or constructor of these
// classes that needs a higher level is a stub whose use fails the build with a message naming the level.
// ${typed} typed methods, ${stubs} level stubs. Allowed but not typed (use the low-level ../godot.ts):
${skipped.length ? wrap(skipped.join(', ')) : '//   none'}
/* eslint-disable */
import {
  begin, callBind, callStatic, construct, connect, methodBind, utility,
} from "../godot";
import {
  GodotObject as GodotObjectBase, Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i, Rect2, Rect2i, Color,
  Quaternion, Transform2D, Basis, encodeBool, encodeInt, encodeFloat, encodeString, encodeObject, decodeBool,
  decodeInt, decodeFloat, decodeString, decodeHandle, modHandle, singletonHandle,
} from "./core";
export { Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i, Rect2, Rect2i, Color, Quaternion, Transform2D, Basis, print, printError } from "./core";

/** Wraps a handle as class T; null for 0 (a null object). */
function wrap<T>(handle: i32): T | null { return handle == 0 ? null : instantiate<T>(handle); }

// Method binds, looked up on first use and kept (one allocation at start, none per call).
const BINDS = new StaticArray<i32>(${Math.max(binds, 1)});
// @ts-ignore: decorator
@inline function bind(i: i32, cls: string, method: string): i32 {
  let b = unchecked(BINDS[i]);
  if (b == 0) { b = methodBind(cls, method); unchecked(BINDS[i] = b); }
  return b;
}

${lines.join('\n')}${utils.join('\n')}
`;
  const doc = `<!-- GENERATED by scripts/gen-godot-sdk.mjs from the safety policy; do not edit. -->
# Typed Godot API, level ${level} (\`${entry}\`)

What a level-${level} mod can call through the typed bindings (docs/sdk.md), from Godot ${sigs.engine}.
${typed} typed methods. What a higher level allows is a compile-time error naming that level.
Allowed at this level but not typed (reach them through the low-level \`sdk/assemblyscript/godot.ts\`):
${skipped.length ? skipped.join(', ') : 'none'}.
Argument names are \`argN\` where the engine's release build does not report them. Properties are
accessors named like Godot's (\`node.position\`); a method returning a value type takes an optional
last \`out\` object to fill.

${reference.join('\n')}
`;
  return { ts: header, doc, typed, stubs, skipped, model };
}

/** The rule part of a policy reason, for a one-line compile error. */
function shortReason(reason) {
  const rule = /rule '([a-z-]+)'/.exec(reason);
  if (rule) return `rule '${rule[1]}'`;
  if (/level-1 allowlist/.test(reason)) return 'not on the level-1 allowlist';
  return reason;
}

const chunk = (xs, n = 12) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const wrap = (text) => {
  const out = [];
  let line = '//  ';
  for (const w of text.split(' ')) {
    if (line.length + w.length > 110) { out.push(line); line = '//  '; }
    line += ' ' + w;
  }
  out.push(line);
  return out.join('\n');
};

/** The typed utility functions: the math and conversion ones with fixed types. */
const UTILITIES = [
  ['sin', [['x', 'f64']], 'f64'], ['cos', [['x', 'f64']], 'f64'], ['tan', [['x', 'f64']], 'f64'],
  ['sqrt', [['x', 'f64']], 'f64'], ['floorf', [['x', 'f64']], 'f64'], ['ceilf', [['x', 'f64']], 'f64'],
  ['absf', [['x', 'f64']], 'f64'], ['lerpf', [['from', 'f64'], ['to', 'f64'], ['weight', 'f64']], 'f64'],
  ['clampf', [['value', 'f64'], ['min', 'f64'], ['max', 'f64']], 'f64'], ['clampi', [['value', 'i64'], ['min', 'i64'], ['max', 'i64']], 'i64'],
  ['move_toward', [['from', 'f64'], ['to', 'f64'], ['delta', 'f64']], 'f64'], ['deg_to_rad', [['deg', 'f64']], 'f64'],
  ['rad_to_deg', [['rad', 'f64']], 'f64'], ['randf', [], 'f64'], ['randi', [], 'i64'],
  ['randf_range', [['from', 'f64'], ['to', 'f64']], 'f64'], ['randi_range', [['from', 'i64'], ['to', 'i64']], 'i64'],
  ['wrapf', [['value', 'f64'], ['min', 'f64'], ['max', 'f64']], 'f64'], ['snappedf', [['x', 'f64'], ['step', 'f64']], 'f64'],
].map(([n, p, r]) => [n, p.map(([a, t]) => [safeIdent(a), t]), r]);

/** The wasgo module's wrappers a level-2 entry adds (print is already the godot one). */
const WASGO_L2 = 'export { time_ms, random_u32, random_f64, random_seed, push_error, file_write, file_read } from "../wasgo";';

/**
 * `additions`: a game's PolicyAdditions (ts/godot/policy.ts) — the bindings then offer what that
 * game's policy allows (a method it adds at level 1 is typed in the level-1 entry).
 */
export function generateAll(policy, sigs, additions = null) {
  const decide = additions ? policy.createPolicy(additions) : policy;
  const files = {};
  for (const level of [1, 2, 3]) {
    const g = generateLevel(policy, sigs, level, decide);
    let ts = g.ts;
    if (level === 2) {
      // Level 2 = level 1 for ClassDB (rules.ts) + the wasgo module's wrappers. When the policy
      // allows the same at both, the level-2 entry re-exports level 1 instead of repeating it.
      const l1 = generateLevel(policy, sigs, 1, decide);
      const same = (a, b) => a.replace(/wasgo\/godot(\/level\d)?|level[- ]?\d/g, '') === b.replace(/wasgo\/godot(\/level\d)?|level[- ]?\d/g, '');
      ts = same(l1.ts, g.ts)
        ? `// GENERATED by scripts/gen-godot-sdk.mjs. The level-2 bindings (wasgo/godot/level2; docs/sdk.md):\n// the policy allows the same of ClassDB at levels 1 and 2, so this is level 1 plus the wasgo\n// module's level-2 wrappers (files, HTTP).\nexport * from "./level1";\n${WASGO_L2}\n`
        : ts.replace(/\n\/\* eslint-disable \*\//, `\n/* eslint-disable */\n${WASGO_L2}`);
    }
    files[`sdk/assemblyscript/godot/level${level}.ts`] = ts;
    const c = generateC(level, g.model, sigs.engine);
    const c1 = level === 2 ? generateC(1, generateLevel(policy, sigs, 1, decide).model, sigs.engine) : null;
    files[`sdk/c/godot/level${level}.h`] = c1 !== null && c1.replace(/level[- ]?\d|LEVEL\d/g, '') === c.replace(/level[- ]?\d|LEVEL\d/g, '')
      ? '/* GENERATED by scripts/gen-godot-sdk.mjs. Level 2 allows the same of ClassDB as level 1 (docs/sdk.md). */\n#include "level1.h"\n'
      : c;
    files[`docs/sdk-api/level${level}.md`] = g.doc;
  }
  files['sdk/assemblyscript/godot/index.ts'] = `// GENERATED by scripts/gen-godot-sdk.mjs. \`wasgo/godot\` is the level-1 entry (docs/sdk.md).\nexport * from "./level1";\n`;
  return files;
}
