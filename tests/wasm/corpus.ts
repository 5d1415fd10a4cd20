/** Modules exercising every section and the features the default toolchains emit. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KERNELS } from '../../bench/fuel';
import { asc, clang, clangMissing, wat } from './toolchains';

export interface CorpusModule { name: string; bytes: Uint8Array<ArrayBuffer> }

export const FEATURES_WAT = `(module
  (type $pair (func (param i32) (result i32 i32)))
  (import "env" "log" (func $log (param i32)))
  (import "env" "g" (global $g i32))
  (import "env" "tbl" (table 1 funcref))
  (import "env" "tag" (tag $t (param i32)))
  (memory $own 1 8)
  (table $tab 4 funcref)
  (table $ext 1 externref)
  (global $counter (mut i32) (i32.const 0))
  (global $ext (mut externref) (ref.null extern))
  (global $sum i32 (global.get $g))
  (tag $t2)
  (export "run" (func $run))
  (export "own" (memory $own))
  (export "counter" (global $counter))
  (export "tab" (table $tab))
  (start $init)
  (elem (table $tab) (i32.const 0) func $run $pairs)
  (elem $passive funcref (ref.func $run) (ref.null func))
  (elem declare func $init)
  (elem (table $tab) (i32.const 2) funcref (ref.func $pairs))
  (data $active (memory $own) (i32.const 16) "hello")
  (data $passive "passive bytes")
  (func $init (global.set $counter (i32.const 7)) (drop (ref.func $init)))
  (func $pairs (type $pair) (local.get 0) (i32.const 1))
  (func $tail (param i32) (result i32) (return_call $id (local.get 0)))
  (func $id (param i32) (result i32) (local.get 0))
  (func $run (param $x i32) (result i32) (local $v v128) (local $f f32) (local $r externref)
    (i32.extend8_s (local.get $x)) drop
    (i32.trunc_sat_f32_s (local.get $f)) drop
    (i64.trunc_sat_f64_u (f64.const 1e300)) drop
    (memory.init $own $passive (i32.const 0) (i32.const 0) (i32.const 4))
    (data.drop $passive)
    (memory.copy $own $own (i32.const 0) (i32.const 8) (i32.const 4))
    (memory.fill $own (i32.const 0) (i32.const 0) (i32.const 4))
    (table.init $tab $passive (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $passive)
    (table.copy $tab $tab (i32.const 1) (i32.const 0) (i32.const 1))
    (drop (table.grow $tab (ref.null func) (i32.const 1)))
    (drop (table.size $ext))
    (table.fill $tab (i32.const 3) (ref.null func) (i32.const 1))
    (table.set $ext (i32.const 0) (local.get $r))
    (drop (ref.is_null (table.get $ext (i32.const 0))))
    (i32.const 3) (block (type $pair) (call $pairs)) drop drop
    (call_indirect $tab (type $pair) (local.get $x) (i32.const 1)) drop drop
    (local.set $v (v128.const i32x4 1 2 3 4))
    (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))
    (drop (i32x4.extract_lane 2 (local.get $v)))
    (local.set $v (v128.load8_lane $own offset=3 5 (i32.const 0) (local.get $v)))
    (v128.store $own offset=16 (i32.const 0) (i32x4.add (local.get $v) (v128.load32_zero $own (i32.const 4))))
    (try (do (call $log (i32.const 1))) (catch $t (drop)) (catch_all))
    (drop (select (result i32) (i32.const 1) (i32.const 2) (local.get $x)))
    (block $b (br_table $b $b (local.get $x)))
    (drop (memory.grow $own (i32.const 0)))
    (i64.const -9223372036854775808) drop
    (call $tail (global.get $sum))))`;

export const C_SOURCE = `
typedef unsigned long size_t;
static unsigned char heap[4096];
__attribute__((import_module("env"), import_name("print"))) void print(const char *s, int n);
__attribute__((export_name("fill"))) void fill(int v, int n) { for (int i = 0; i < n; i++) heap[i] = (unsigned char)(v + i * 3); }
__attribute__((export_name("sum"))) int sum(int n) { int s = 0; for (int i = 0; i < n; i++) s += heap[i]; return s; }
__attribute__((export_name("fib"))) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((export_name("hello"))) void hello(void) { print("hello", 5); }
static int (*ops[2])(int) = { fib, sum };
__attribute__((export_name("indirect"))) int indirect(int which, int x) { return ops[which & 1](x); }
__attribute__((export_name("conv"))) int conv(double d) { return (int)d + (signed char)(int)d; }
`;

export const ASC_SOURCE = `
let total: i32 = 0;
export function add(a: i32, b: i32): i32 { total += a; return a + b; }
export function sieve(n: i32): i32 {
  const flags = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) { if (!flags[i]) { count++; for (let j = i * i; j < n; j += i) flags[j] = 1; } }
  return count;
}
export function conv(x: f64): i32 { return <i32>x + <i8>(<i32>x); }
export function greet(): string { return "hi " + total.toString(); }
`;

export async function buildCorpus(): Promise<CorpusModule[]> {
  const out: CorpusModule[] = [
    { name: 'wat:features', bytes: await wat(FEATURES_WAT) },
    { name: 'wat:features+names', bytes: await wat(FEATURES_WAT, { names: true }) },
    { name: 'wat:empty', bytes: await wat('(module)') },
    { name: 'asc:O3', bytes: await asc(ASC_SOURCE) },
    { name: 'asc:debug', bytes: await asc(ASC_SOURCE, { optimizeLevel: 0, debug: true, runtime: 'incremental' }) },
  ];
  for (const k of KERNELS) out.push({ name: `wat:${k.name}`, bytes: await wat(k.wat) });
  if (clangMissing() === undefined) {
    out.push({ name: 'clang:O2', bytes: clang(C_SOURCE) });
    out.push({ name: 'clang:O0-g', bytes: clang(C_SOURCE, ['-O0', '-g']) });
    out.push({ name: 'clang:O3-simd', bytes: clang(C_SOURCE, ['-O3', '-msimd128', '-mbulk-memory', '-msign-ext', '-mnontrapping-fptoint', '-mmultivalue', '-mreference-types']) });
  }
  return out;
}

/** Every .wasm committed or built under these directories. */
export function findWasmFiles(...roots: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try { entries = readdirSync(dir); } catch { return; }
    for (const e of entries) {
      if (e === 'node_modules') continue;
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.wasm')) found.push(p);
    }
  };
  roots.forEach(walk);
  return found;
}

export function readWasm(path: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(path));
}
