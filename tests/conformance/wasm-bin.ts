/**
 * Just enough of the binary format for the gate's own needs, independent of WasGo's reader
 * (which is what is under test): the function signature of every export, and a wrapper module
 * that calls an export with its arguments and results passed through linear memory, so that
 * v128 values and exact float bit patterns (NaN payloads) cross the JS boundary intact.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export interface Sig { params: ValType[]; results: ValType[] }

const VALTYPE: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const VALBYTE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

class Cursor {
  pos = 0;
  constructor(readonly b: Uint8Array, pos = 0, readonly end = b.length) { this.pos = pos; }
  byte(): number {
    if (this.pos >= this.end) throw new Error('eof');
    return this.b[this.pos++]!;
  }
  u32(): number {
    let r = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      r += (x & 0x7f) * 2 ** shift;
      if (!(x & 0x80)) return r;
      shift += 7;
      if (shift > 63) throw new Error('leb');
    }
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  valtype(): ValType {
    const t = VALTYPE[this.byte()];
    if (!t) throw new Error('unsupported value type');
    return t;
  }
  limits(): void {
    const f = this.byte();
    const wide = (f & 4) !== 0;
    this.u32();
    if (f & 1) this.u32();
    void wide;
  }
}

export interface ModuleShape {
  /** Signature of each exported function by export name (undefined: could not be decoded). */
  funcExports: Map<string, Sig | undefined>;
  /** Exported globals by name with their type. */
  globalExports: Map<string, ValType | undefined>;
  memoryExports: string[];
  /** Every import, in order, with its signature or value type where decodable. */
  imports: { module: string; name: string; kind: number; sig?: Sig; type?: ValType; mutable?: boolean }[];
  /** Function exports in export order (what binaryen's call-export indexes). */
  funcExportOrder: string[];
}

/** Export signatures; never throws (an undecodable type gives `undefined`). */
export function shapeOf(bytes: Uint8Array): ModuleShape {
  const shape: ModuleShape = { funcExports: new Map(), globalExports: new Map(), memoryExports: [], imports: [], funcExportOrder: [] };
  const types: (Sig | undefined)[] = [];
  const funcs: (number | undefined)[] = [];
  const globals: (ValType | undefined)[] = [];
  try {
    const c = new Cursor(bytes, 8);
    while (c.pos < bytes.length) {
      const id = c.byte();
      const size = c.u32();
      const end = c.pos + size;
      const s = new Cursor(bytes, c.pos, end);
      try {
        if (id === 1) {
          const n = s.u32();
          for (let i = 0; i < n; i++) {
            if (s.byte() !== 0x60) { types.push(undefined); break; }
            try {
              const params = Array.from({ length: s.u32() }, () => s.valtype());
              const results = Array.from({ length: s.u32() }, () => s.valtype());
              types.push({ params, results });
            } catch {
              types.push(undefined);
              break;
            }
          }
        } else if (id === 2) {
          const n = s.u32();
          for (let i = 0; i < n; i++) {
            const module = s.name();
            const name = s.name();
            const kind = s.byte();
            if (kind === 0) { const t = s.u32(); funcs.push(t); shape.imports.push({ module, name, kind, sig: types[t] }); }
            else if (kind === 1) { s.byte(); s.limits(); shape.imports.push({ module, name, kind }); }
            else if (kind === 2) { s.limits(); shape.imports.push({ module, name, kind }); }
            else if (kind === 3) { const type = tryValtype(s); globals.push(type); const mutable = s.byte() === 1; shape.imports.push({ module, name, kind, type, mutable }); }
            else if (kind === 4) { s.byte(); s.u32(); shape.imports.push({ module, name, kind }); }
            else break;
          }
        } else if (id === 3) {
          const n = s.u32();
          for (let i = 0; i < n; i++) funcs.push(s.u32());
        } else if (id === 6) {
          const n = s.u32();
          for (let i = 0; i < n; i++) {
            globals.push(tryValtype(s));
            s.byte();
            skipConst(s);
          }
        } else if (id === 7) {
          const n = s.u32();
          for (let i = 0; i < n; i++) {
            const name = s.name();
            const kind = s.byte();
            const index = s.u32();
            if (kind === 0) {
              const t = funcs[index];
              shape.funcExports.set(name, t === undefined ? undefined : types[t]);
              shape.funcExportOrder.push(name);
            } else if (kind === 3) shape.globalExports.set(name, globals[index]);
            else if (kind === 2) shape.memoryExports.push(name);
          }
        }
      } catch {
        // keep what was decoded
      }
      c.pos = end;
    }
  } catch {
    // a malformed module: whatever was decoded
  }
  return shape;
}

function tryValtype(s: Cursor): ValType | undefined {
  const b = s.byte();
  return VALTYPE[b];
}

/** Skips a constant expression (globals only need to be skipped, not understood). */
function skipConst(s: Cursor): void {
  for (;;) {
    const op = s.byte();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) { sleb(s); continue; }
    if (op === 0x43) { s.pos += 4; continue; }
    if (op === 0x44) { s.pos += 8; continue; }
    if (op === 0xd0) { s.byte(); continue; }
    if (op === 0xfd) { s.u32(); s.pos += 16; continue; }
    if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e) continue;
    throw new Error(`const op ${op}`);
  }
}

function sleb(s: Cursor): void {
  while (s.byte() & 0x80) { /* skip */ }
}

// ---------------------------------------------------------------------------------------------
// Wrapper modules

const ARGS = 0;
const RESULTS = 65536;
/** Slot per value: 16 bytes (v128 is the widest). */
export const SLOT = 16;
export const ARG_BASE = ARGS;
export const RESULT_BASE = RESULTS;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

function sleb32(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

function section(id: number, payload: number[], out: number[]): void {
  out.push(id);
  uleb(payload.length, out);
  out.push(...payload);
}

function vec(items: number[][], out: number[]): void {
  uleb(items.length, out);
  for (const i of items) out.push(...i);
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  const out: number[] = [];
  uleb(b.length, out);
  return [...out, ...b];
}

function functype(sig: Sig): number[] {
  const out = [0x60];
  uleb(sig.params.length, out);
  out.push(...sig.params.map((t) => VALBYTE[t]));
  uleb(sig.results.length, out);
  out.push(...sig.results.map((t) => VALBYTE[t]));
  return out;
}

const isRef = (t: ValType) => t === 'funcref' || t === 'externref';
const LOAD: Record<string, number[]> = { i32: [0x28], i64: [0x29], f32: [0x2a], f64: [0x2b], v128: [0xfd, 0x00] };
const STORE: Record<string, number[]> = { i32: [0x36], i64: [0x37], f32: [0x38], f64: [0x39], v128: [0xfd, 0x0b] };

/**
 * A module importing `m.f` with signature `sig` and exporting `w`: it reads the numeric
 * arguments from its memory `mem` (slot i at ARG_BASE + 16 i), takes reference arguments as its
 * own parameters, calls `f`, stores numeric results at RESULT_BASE + 16 j and returns the
 * reference results.
 */
export function wrapperModule(sig: Sig): Uint8Array<ArrayBuffer> {
  const refParams = sig.params.filter(isRef);
  const refResults = sig.results.filter(isRef);
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  vec([functype(sig), functype({ params: refParams, results: refResults })], types);
  section(1, types, out);
  const imports: number[] = [];
  vec([[...str('m'), ...str('f'), 0x00, 0x00]], imports);
  section(2, imports, out);
  section(3, [1, 1], out);
  section(5, [1, 0x00, 2], out);
  const exports: number[] = [];
  vec([[...str('w'), 0x00, 1], [...str('mem'), 0x02, 0]], exports);
  section(7, exports, out);
  // Body: locals = one per result (after the ref params).
  const body: number[] = [];
  const localGroups: number[][] = sig.results.map((t) => [1, VALBYTE[t]]);
  vec(localGroups, body);
  let refIndex = 0;
  sig.params.forEach((t, i) => {
    if (isRef(t)) { body.push(0x20); uleb(refIndex++, body); return; }
    body.push(0x41); sleb32(ARG_BASE + SLOT * i, body);
    body.push(...LOAD[t]!, 0x00, 0x00);
  });
  body.push(0x10, 0x00);
  const firstResultLocal = refParams.length;
  for (let j = sig.results.length - 1; j >= 0; j--) { body.push(0x21); uleb(firstResultLocal + j, body); }
  sig.results.forEach((t, j) => {
    if (isRef(t)) return;
    body.push(0x41); sleb32(RESULT_BASE + SLOT * j, body);
    body.push(0x20); uleb(firstResultLocal + j, body);
    body.push(...STORE[t]!, 0x00, 0x00);
  });
  sig.results.forEach((t, j) => {
    if (!isRef(t)) return;
    body.push(0x20); uleb(firstResultLocal + j, body);
  });
  body.push(0x0b);
  const code: number[] = [];
  const sized: number[] = [];
  uleb(body.length, sized);
  vec([[...sized, ...body]], code);
  section(10, code, out);
  return Uint8Array.from(out);
}

export function sigKey(sig: Sig): string {
  return `${sig.params.join(',')}->${sig.results.join(',')}`;
}

// ---------------------------------------------------------------------------------------------
// Exposing state for the fuzzer

const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export interface Exposed {
  bytes: Uint8Array<ArrayBuffer>;
  memories: string[];
  globals: string[];
  tables: string[];
}

/**
 * Adds an export for every memory, global and table (named `__fz_m<i>`, `__fz_g<i>`,
 * `__fz_t<i>`), so the fuzzer can compare all of a module's state after running it. Applied to
 * the generated module before anything else: both sides of the comparison see the same module.
 */
export function exposeState(bytes: Uint8Array): Exposed {
  const sections: { id: number; start: number; end: number; payloadStart: number }[] = [];
  const c = new Cursor(bytes, 8);
  while (c.pos < bytes.length) {
    const start = c.pos;
    const id = c.byte();
    const size = c.u32();
    sections.push({ id, start, end: c.pos + size, payloadStart: c.pos });
    c.pos += size;
  }
  let memories = 0;
  let globals = 0;
  let tables = 0;
  let existing: number[][] = [];
  let existingCount = 0;
  const names = new Set<string>();
  for (const s of sections) {
    const r = new Cursor(bytes, s.payloadStart, s.end);
    if (s.id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        r.name(); r.name();
        const kind = r.byte();
        if (kind === 0) r.u32();
        else if (kind === 1) { tables++; r.byte(); r.limits(); }
        else if (kind === 2) { memories++; r.limits(); }
        else if (kind === 3) { globals++; r.byte(); r.byte(); }
        else if (kind === 4) { r.byte(); r.u32(); }
      }
    } else if (s.id === 4) tables += r.u32();
    else if (s.id === 5) memories += r.u32();
    else if (s.id === 6) globals += r.u32();
    else if (s.id === 7) {
      existingCount = r.u32();
      const body = r.pos;
      for (let i = 0; i < existingCount; i++) { names.add(r.name()); r.byte(); r.u32(); }
      existing = [Array.from(bytes.subarray(body, s.end))];
    }
  }
  const add: number[][] = [];
  const exposed = { memories: [] as string[], globals: [] as string[], tables: [] as string[] };
  const push = (prefix: string, kind: number, count: number, list: string[]) => {
    for (let i = 0; i < count; i++) {
      const name = `__fz_${prefix}${i}`;
      if (names.has(name)) continue;
      const entry: number[] = [...str(name), kind];
      uleb(i, entry);
      add.push(entry);
      list.push(name);
    }
  };
  push('m', 2, memories, exposed.memories);
  push('g', 3, globals, exposed.globals);
  push('t', 1, tables, exposed.tables);
  const payload: number[] = [];
  uleb(existingCount + add.length, payload);
  for (const e of existing) payload.push(...e);
  for (const e of add) payload.push(...e);
  const exportSection: number[] = [];
  section(7, payload, exportSection);
  const out: number[] = Array.from(bytes.subarray(0, 8));
  let placed = false;
  for (const s of sections) {
    if (s.id === 7) { out.push(...exportSection); placed = true; continue; }
    if (!placed && s.id !== 0 && ORDER[s.id]! > ORDER[7]!) { out.push(...exportSection); placed = true; }
    out.push(...bytes.subarray(s.start, s.end));
  }
  if (!placed) out.push(...exportSection);
  return { bytes: Uint8Array.from(out), ...exposed };
}
