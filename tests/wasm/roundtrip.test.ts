import { beforeAll, describe, expect, it } from 'vitest';
import { encodeSection, encodeLocals } from '../../ts/wasm/encode';
import { inspect } from '../../ts/wasm/inspect';
import { readModule } from '../../ts/wasm/module';
import { SectionId, writeSections } from '../../ts/wasm/sections';
import { buildCorpus, findWasmFiles, readWasm, type CorpusModule } from './corpus';
import { clangMissing } from './toolchains';

let corpus: CorpusModule[];
beforeAll(async () => {
  corpus = await buildCorpus();
  const why = clangMissing();
  if (why) console.warn(`clang-built modules skipped: ${why}`);
});

describe('reading and writing modules', () => {
  it('re-emits every generated module byte-identical', () => {
    expect(corpus.length).toBeGreaterThan(5);
    for (const { name, bytes } of corpus) {
      expect(WebAssembly.validate(bytes), name).toBe(true);
      expect(Buffer.from(writeSections(readModule(bytes, name).sections)).equals(Buffer.from(bytes)), name).toBe(true);
    }
  });

  it('re-emits every .wasm under examples/ and tests/ byte-identical', () => {
    const files = findWasmFiles('examples', 'tests');
    if (files.length === 0) console.warn('no .wasm files under examples/ or tests/ yet');
    for (const f of files) {
      const bytes = readWasm(f);
      expect(Buffer.from(writeSections(readModule(bytes, f).sections)).equals(Buffer.from(bytes)), f).toBe(true);
    }
  });

  it('re-encodes every decoded section to a module that compiles and means the same', () => {
    for (const { name, bytes } of corpus) {
      const m = readModule(bytes, name);
      const sections = m.sections.map((s) => {
        switch (s.id) {
          case SectionId.type: return encodeSection.types(m.types);
          case SectionId.import: return encodeSection.imports(m.imports);
          case SectionId.function: return encodeSection.functions(m.functions);
          case SectionId.table: return encodeSection.tables(m.tables);
          case SectionId.memory: return encodeSection.memories(m.memories);
          case SectionId.tag: return encodeSection.tags(m.tags);
          case SectionId.global: return encodeSection.globals(m.globals);
          case SectionId.export: return encodeSection.exports(m.exports);
          case SectionId.start: return encodeSection.start(m.start!);
          case SectionId.element: return encodeSection.elements(m.elements);
          case SectionId.dataCount: return encodeSection.dataCount(m.dataCount!);
          case SectionId.code: return encodeSection.code(m.code.map((b) => ({ ...b, localsRaw: encodeLocals(b.locals) })));
          case SectionId.data: return encodeSection.data(m.data);
          default: return s;
        }
      });
      const names = m.names;
      const rebuilt = writeSections(sections.map((s, i) =>
        names && m.sections[i]!.id === SectionId.custom && sectionName(m.sections[i]!.payload) === 'name' ? encodeSection.names(names) : s));
      expect(WebAssembly.validate(rebuilt), name).toBe(true);
      const again = readModule(rebuilt, name);
      expect(inspect(rebuilt, name)).toEqual(inspect(bytes, name));
      expect(again.names?.functions).toEqual(m.names?.functions);
      expect(again.data.map((d) => [...d.bytes])).toEqual(m.data.map((d) => [...d.bytes]));
      expect(again.code.map((b) => [...b.code])).toEqual(m.code.map((b) => [...b.code]));
    }
  });

  it('decodes what the features module declares', () => {
    const m = readModule(corpus.find((c) => c.name === 'wat:features+names')!.bytes);
    expect(m.imports.map((i) => i.kind)).toEqual(['function', 'global', 'table', 'tag']);
    expect(m.memories).toEqual([{ min: 1, max: 8 }]);
    expect(m.elements.map((e) => e.mode)).toEqual(['active', 'passive', 'declarative', 'active']);
    expect(m.data.map((d) => d.mode)).toEqual(['active', 'passive']);
    expect(m.dataCount).toBe(2);
    expect(m.start).toBeDefined();
    expect([...m.names!.functions.values()]).toContain('run');
  });
});

function sectionName(payload: Uint8Array): string {
  return new TextDecoder().decode(payload.subarray(1, 1 + payload[0]!));
}
