import { Reader, Writer } from './bytes';
import { CompileError } from '../engine/errors';

/** The `name` custom section: what turns guest stack frames into readable function names. */
export interface NameSection {
  module: string | undefined;
  functions: Map<number, string>;
  locals: Map<number, Map<number, string>>;
  /** Subsections we do not interpret (labels, types, ...), kept as they came, in id order. */
  other: { id: number; payload: Uint8Array }[];
}

/** Decodes a `name` section payload; a malformed one yields undefined (it carries no semantics). */
export function readNames(payload: Uint8Array, moduleName: string): NameSection | undefined {
  const names: NameSection = { module: undefined, functions: new Map(), locals: new Map(), other: [] };
  try {
    const r = new Reader(payload, moduleName);
    while (!r.done()) {
      const id = r.byte();
      const size = r.uleb();
      if (size > payload.length - r.pos) return undefined;
      const sub = new Reader(payload, moduleName, r.pos, r.pos + size);
      r.pos += size;
      if (id === 0) names.module = sub.name();
      else if (id === 1) names.functions = nameMap(sub);
      else if (id === 2) names.locals = new Map(sub.vec((v) => [v.uleb(), nameMap(v)] as const));
      else names.other.push({ id, payload: sub.take(sub.end - sub.pos) });
      if (!sub.done()) return undefined;
    }
    return names;
  } catch (e) {
    if (e instanceof CompileError) return undefined;
    throw e;
  }
}

function nameMap(r: Reader): Map<number, string> {
  return new Map(r.vec((v) => [v.uleb(), v.name()] as const));
}

export function encodeNames(names: NameSection): Uint8Array {
  const w = new Writer();
  const sub = (id: number, body: Writer) => { const b = body.finish(); w.byte(id).uleb(b.length).bytes(b); };
  if (names.module !== undefined) sub(0, new Writer().name(names.module));
  if (names.functions.size) sub(1, writeNameMap(new Writer(), names.functions));
  if (names.locals.size) sub(2, new Writer().vec([...names.locals], (v, [i, m]) => writeNameMap(v.uleb(i), m)));
  for (const o of names.other) sub(o.id, new Writer().bytes(o.payload));
  return w.finish();
}

function writeNameMap(w: Writer, m: Map<number, string>): Writer {
  return w.vec([...m], (v, [i, n]) => v.uleb(i).name(n));
}
