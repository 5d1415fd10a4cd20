import { CompileError } from '../engine/errors';
import type { FuncType, Limits, ModuleExport, ModuleImport, ModuleInfo, ValType } from './info';

/**
 * Reads imports (with function signatures), exports and memory limits from a binary.
 * The JS API's WebAssembly.Module.imports() has no types, which linking needs.
 * Throws CompileError with the byte offset on malformed input.
 */
export function inspect(bytes: Uint8Array, moduleName = 'module'): ModuleInfo {
  const r = new Reader(bytes, moduleName);
  if (bytes.length < 8 || r.u32le() !== 0x6d736100) r.fail('not a WebAssembly binary (bad magic)', 0);
  if (r.u32le() !== 1) r.fail('unsupported WebAssembly version', 4);
  const types: FuncType[] = [];
  const funcTypes: number[] = [];
  const info: ModuleInfo = { imports: [], exports: [], memories: [] };
  while (!r.done()) {
    const id = r.byte();
    const size = r.uleb();
    const end = r.pos + size;
    if (end > bytes.length) r.fail(`section ${id} runs past the end of the module`, r.pos);
    switch (id) {
      case 1: for (let n = r.uleb(); n > 0; n--) types.push(r.funcType()); break;
      case 2: for (let n = r.uleb(); n > 0; n--) {
        const module = r.name(); const name = r.name(); const k = r.byte();
        if (k === 0) { const ti = r.uleb(); const t = types[ti]; if (!t) r.fail(`import ${module}.${name} uses unknown type ${ti}`); info.imports.push({ module, name, kind: 'function', type: t! }); funcTypes.push(ti); }
        else if (k === 1) { const elem = r.valType(); info.imports.push({ module, name, kind: 'table', elem, limits: r.limits() }); }
        else if (k === 2) info.imports.push({ module, name, kind: 'memory', limits: r.limits() });
        else if (k === 3) { const type = r.valType(); info.imports.push({ module, name, kind: 'global', type, mutable: r.byte() === 1 }); }
        else if (k === 4) { r.byte(); r.uleb(); info.imports.push({ module, name, kind: 'tag' } as ModuleImport); }
        else r.fail(`unknown import kind ${k}`);
      } break;
      case 3: for (let n = r.uleb(); n > 0; n--) funcTypes.push(r.uleb()); break;
      case 5: for (let n = r.uleb(); n > 0; n--) info.memories.push(r.limits()); break;
      case 7: for (let n = r.uleb(); n > 0; n--) {
        const name = r.name(); const k = r.byte(); const index = r.uleb();
        const kind = (['function', 'table', 'memory', 'global', 'tag'] as const)[k];
        if (!kind) r.fail(`unknown export kind ${k}`);
        const e: ModuleExport = { name, kind: kind!, index };
        if (k === 0) { const t = types[funcTypes[index] ?? -1]; if (t) e.type = t; }
        info.exports.push(e);
      } break;
    }
    r.pos = end;
  }
  return info;
}

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array, private readonly moduleName: string) {}
  done(): boolean { return this.pos >= this.b.length; }
  fail(msg: string, offset = this.pos): never { throw new CompileError(msg, { module: this.moduleName, offset }); }
  byte(): number { if (this.pos >= this.b.length) this.fail('unexpected end of module'); return this.b[this.pos++]!; }
  u32le(): number { let v = 0; for (let i = 0; i < 4; i++) v |= this.byte() << (8 * i); return v >>> 0; }
  uleb(): number {
    let result = 0, shift = 0, b;
    do { b = this.byte(); if (shift > 28 && (b & 0x70) !== 0) this.fail('LEB128 value too large'); result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  }
  name(): string {
    const len = this.uleb(); const start = this.pos;
    if (start + len > this.b.length) this.fail('name runs past the end of the module');
    this.pos += len;
    try { return new TextDecoder('utf-8', { fatal: true }).decode(this.b.subarray(start, start + len)); }
    catch { return this.fail('name is not valid UTF-8', start); }
  }
  valType(): ValType {
    const t = this.byte();
    switch (t) {
      case 0x7f: return 'i32'; case 0x7e: return 'i64'; case 0x7d: return 'f32'; case 0x7c: return 'f64';
      case 0x7b: return 'v128'; case 0x70: return 'funcref'; case 0x6f: return 'externref';
      default: return this.fail(`unsupported value type 0x${t.toString(16)}`, this.pos - 1);
    }
  }
  funcType(): FuncType {
    if (this.byte() !== 0x60) this.fail('expected a function type', this.pos - 1);
    const params: ValType[] = []; for (let n = this.uleb(); n > 0; n--) params.push(this.valType());
    const results: ValType[] = []; for (let n = this.uleb(); n > 0; n--) results.push(this.valType());
    return { params, results };
  }
  limits(): Limits {
    const flags = this.byte();
    const min = this.uleb();
    const l: Limits = { min };
    if (flags & 1) l.max = this.uleb();
    if (flags & 2) l.shared = true;
    if (flags & 4) l.memory64 = true;
    return l;
  }
}
