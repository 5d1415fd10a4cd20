// The typed Godot SDK (docs/sdk.md): generated files up to date, every entry compiles with asc,
// what each entry types is exactly what the policy allows, and a level violation is a compile
// error naming the level.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers/tmp';
import { ancestry, constructDecision, methodDecision, propertyDecision, signalDecision, singletonDecision } from '../../ts/godot/policy';

const root = process.cwd();
const LEVELS = [1, 2, 3] as const;
const entry = (l: number) => join(root, `sdk/assemblyscript/godot/level${l}.ts`);

/**
 * Compiles `source`, placed under node_modules/.cache so relative imports reach sdk/ (asc
 * resolves them lexically from the working directory) and removed afterwards.
 */
function asc(name: string, source: string): { ok: boolean; out: string } {
  const dir = join(root, 'node_modules/.cache/wasgo-sdk-test');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${process.pid}.ts`);
  writeFileSync(file, source);
  try {
    const r = spawnSync(process.execPath, ['node_modules/assemblyscript/bin/asc.js', relative(root, file), '--runtime', 'stub', '-o', join(tempDir('asc'), 'out.wasm')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(file, { force: true });
  }
}
const importFrom = (l: number) => `../../../sdk/assemblyscript/godot/level${l}`;

/** The typed (allowed) members of a generated entry: class, member, params, static. */
function typedMembers(text: string) {
  const out: { cls: string; name: string; params: string[]; isStatic: boolean; bindClass?: string; bindMethod?: string }[] = [];
  let cls = '';
  for (const line of text.split('\n')) {
    const c = /^export class (\w+)/.exec(line);
    if (c) cls = c[1]!;
    const m = /^ {2}(static )?(\w+)\(([^)]*)\): [^{]+\{ begin\(\);.*?(?:bind\(\d+, "(\w+)", "(\w+)"\)|callStatic)/.exec(line);
    if (m) out.push({ cls, isStatic: !!m[1], name: m[2]!, params: m[3] ? m[3].split(', ') : [], bindClass: m[4], bindMethod: m[5] });
  }
  return out;
}

const sample = (type: string): string => {
  if (type.endsWith('| null')) return 'null';
  if (type === 'bool') return 'false';
  if (type === 'i64' || type === 'f64') return '0';
  if (type === 'string') return '"x"';
  if (type === 'Rect2') return 'new Rect2()';
  return `new ${type}()`;
};

describe('typed Godot SDK', () => {
  it('regenerating gives identical files', () => {
    const out = tempDir('sdk-gen');
    const r = spawnSync(process.execPath, ['scripts/gen-godot-sdk.mjs', `--out=${out}`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : files.push(relative(out, join(d, n))));
    };
    walk(out);
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) expect(readFileSync(join(out, f), 'utf8'), `${f} is out of date: npm run gen:sdk`).toBe(readFileSync(join(root, f), 'utf8'));
  });

  for (const level of LEVELS) {
    it(`level ${level}: every typed method is one the policy allows at level ${level}, and is reachable`, () => {
      const text = readFileSync(entry(level === 2 ? 1 : level), 'utf8');
      const members = typedMembers(text);
      expect(members.length).toBeGreaterThan(level === 3 ? 800 : 150);
      for (const m of members) {
        if (!m.bindClass) continue;
        // Singletons are decided by their singleton rule too.
        const chain = ancestry(m.cls === 'GodotObject' ? 'Object' : m.cls)!;
        expect(methodDecision(chain, m.bindMethod!, level).allowed, `${m.cls}.${m.bindMethod} at level ${level}`).toBe(true);
        if (m.isStatic && ['Input', 'Time', 'OS', 'Engine'].includes(m.cls)) expect(singletonDecision(m.cls, level).allowed).toBe(true);
      }
      // Constructors, singletons and signals the entry offers are allowed too (and there are some).
      expect([...text.matchAll(/construct\("/g)].length).toBeGreaterThanOrEqual(10);
      expect(text).toContain('singletonHandle("Input")');
      expect(text).toContain('connect(this.handle, "timeout"');
      for (const c of text.matchAll(/return new (\w+)\(construct\("(\w+)"\)\)/g)) expect(constructDecision(c[2]!, level).allowed, `construct ${c[2]}`).toBe(true);
      for (const c of text.matchAll(/singletonHandle\("(\w+)"\)/g)) expect(singletonDecision(c[1]!, level).allowed, `singleton ${c[1]}`).toBe(true);
      let cls = '';
      for (const line of text.split('\n')) {
        cls = /^export class (\w+)/.exec(line)?.[1] ?? cls;
        const sg = /return connect\(this\.handle, "(\w+)"/.exec(line);
        if (sg) expect(signalDecision(ancestry(cls === 'GodotObject' ? 'Object' : cls)!, sg[1]!, level).allowed, `signal ${cls}.${sg[1]}`).toBe(true);
      }
      // Every stub is something the policy refuses at this level and allows at a higher one.
      for (const s of text.matchAll(/ERROR\("(?:getting |setting |constructing |singleton |signal )?(\w+)(?:\.(\w+))? needs safety level (\d)/g)) {
        expect(Number(s[3])).toBeGreaterThan(level);
      }
    });

    it(`level ${level}: the entry compiles with asc, every typed member called once`, () => {
      const text = readFileSync(entry(level === 2 ? 1 : level), 'utf8');
      const members = typedMembers(text);
      const calls = members.map((m, i) => {
        const args = m.params.map((p) => sample(p.replace(/ = .*$/, '').split(': ')[1]!)).join(', ');
        const target = m.isStatic ? m.cls : `new ${m.cls}(${i + 2})`;
        return `  ${target}.${m.name}(${args});`;
      });
      const src = `import * as G from "${importFrom(level)}";\nimport { ${[...new Set(members.map((m) => m.cls))].join(', ')}, Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i, Rect2, Rect2i, Color, Quaternion, Transform2D, Basis } from "${importFrom(level)}";\nexport function all(): void {\n${calls.join('\n')}\n}\n`;
      const r = asc(`all${level}`, src);
      expect(r.out).toBe('');
      expect(r.ok).toBe(true);
    }, 180_000);
  }

  it('a level-1 mod calling a level-3 method fails to compile with a message naming the level', () => {
    const mod = (l: number) => `import { OS, Node2D } from "${importFrom(l)}";\nexport function main(): i64 { return OS.get_processor_count(); }\n`;
    const l1 = asc('violation1', mod(1));
    expect(l1.ok).toBe(false);
    expect(l1.out).toContain('OS.get_processor_count needs safety level 3, these are the level-1 bindings (wasgo/godot)');
    const l3 = asc('violation3', mod(3));
    expect(l3.out).toBe('');
    expect(l3.ok).toBe(true);
  }, 120_000);

  it('a level-1 mod setting a level-3 property, constructing a level-3 class or calling OS.execute fails naming the level', () => {
    const cases = [
      ['Node2D.self().z_as_relative = false;', 'setting CanvasItem.z_as_relative needs safety level 3, these are the level-1 bindings'],
      ['Node2D.self().get_tree();', "Node.get_tree needs safety level 3, these are the level-1 bindings (wasgo/godot): rule 'tree-escape'"],
      ['OS.execute("sh", 0);', "OS.execute needs safety level 3, these are the level-1 bindings (wasgo/godot): rule 'system'"],
    ] as const;
    for (const [code, message] of cases) {
      const r = asc('violation', `import { OS, Node2D } from "${importFrom(2)}";\nexport function main(): void { ${code} }\n`);
      expect(r.ok, code).toBe(false);
      expect(r.out).toContain(message.replace('level-1 bindings (wasgo/godot)', 'level-1 bindings (wasgo/godot)'));
    }
    // Sanity: the policy agrees with each of those.
    expect(propertyDecision(ancestry('Node2D')!, 'z_as_relative', true, 1).level).toBe(3);
    expect(constructDecision('Label', 1).allowed).toBe(true);
  }, 120_000);
});

/** Can clang build for wasm32 here? (examples/build-examples.mjs decides the same way.) */
async function clangMissing(): Promise<string | null> {
  const probe = pathToFileURL(join(root, 'examples/build-examples.mjs')).href;
  const { missingToolchain } = (await import(probe)) as { missingToolchain: (tool: string) => string | null };
  return missingToolchain('clang');
}

describe('typed Godot SDK: C headers', async () => {
  const missing = await clangMissing();
  const clang = (name: string, source: string) => {
    const dir = tempDir('clang');
    writeFileSync(join(dir, `${name}.c`), source);
    const r = spawnSync('clang', ['--target=wasm32', '-nostdlib', '-O2', '-Wall', '-Werror', '-Wl,--no-entry', '-Wl,--export=f', `-I${join(root, 'sdk/c')}`, '-o', join(dir, `${name}.wasm`), join(dir, `${name}.c`)], { encoding: 'utf8' });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  };
  it.skipIf(missing !== null)(`every level header compiles with clang and a typed call links${missing ? ` (skipped: ${missing})` : ''}`, () => {
    for (const level of LEVELS) {
      const r = clang(`l${level}`, `#include "godot/level${level}.h"\nint64_t f(void) { int32_t n = godot_mod_node(); godot_Vector2 p = Node2D_get_position(n); Node2D_set_position(n, (godot_Vector2){ p.x + 1, p.y }); return Input_is_action_pressed("ui_right", 0); }\n`);
      expect(r.out).toBe('');
      expect(r.ok).toBe(true);
    }
  });
  it.skipIf(missing !== null)('a level-1 C mod calling a level-3 function fails to compile naming the level', () => {
    const src = (l: number) => `#include "godot/level${l}.h"\nint64_t f(void) { return OS_get_processor_count(); }\n`;
    const l1 = clang('v1', src(1));
    expect(l1.ok).toBe(false);
    expect(l1.out).toContain("'OS_get_processor_count' is unavailable: needs safety level 3; these are the level-1 bindings");
    const l3 = clang('v3', src(3));
    expect(l3.out).toBe('');
    expect(l3.ok).toBe(true);
  });
});

describe('typed Godot SDK: a game\'s policy additions', () => {
  it('a method a game adds at level 1 is typed in its level-1 bindings (and stays a level-3 stub in the default ones)', () => {
    const out = tempDir('sdk-additions');
    const file = join(out, 'additions.json');
    writeFileSync(file, JSON.stringify({ methods: { 'Sprite2D.get_frame_coords': 1 } }));
    const r = spawnSync(process.execPath, ['scripts/gen-godot-sdk.mjs', `--out=${out}`, `--additions=${file}`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const game = readFileSync(join(out, 'sdk/assemblyscript/godot/level1.ts'), 'utf8');
    expect(game).toMatch(/ {2}get_frame_coords\(out: Vector2i \| null = null\): Vector2i \{ begin\(\); callBind\(bind\(\d+, "Sprite2D", "get_frame_coords"\)/);
    expect(readFileSync(entry(1), 'utf8')).toContain('ERROR("Sprite2D.get_frame_coords needs safety level 3');
    // Without --out the repository's default bindings are never overwritten with a game's.
    const refused = spawnSync(process.execPath, ['scripts/gen-godot-sdk.mjs', `--additions=${file}`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--additions needs --out');
  }, 120_000);
});
