import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { instrumentFuel } from '../../ts/wasm/fuel';
import { instantiateMetered } from '../helpers/fuel';
import { wat } from './toolchains';

// Issue 13: in call-free looping functions ("local mode") the loop header's refill is taken out
// of the loop (block $done / loop $re / block $cold around it, the header does `br_if $cold`),
// so the hot loop holds no call (WAT matmul 2.6x -> ~1.1x). Re-entry must not repeat work, must
// charge exactly as before, and every branch crossing the wrappers must still land right.
describe('wrapped loop headers (local mode)', () => {
  const text = `(module
    (func (export "sum") (param $n i32) (result i32) (local $a i32)
      (loop $l (local.set $a (i32.add (local.get $a) (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $a))
    ;; a loop with a result, nested loops, branches out of both (br, br_if, br_table), a branch to the function
    (func (export "nest") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $a i32)
      (block $out (result i32)
        (loop $li (result i32)
          (local.set $j (i32.const 0))
          (block $next
            (loop $lj
              (local.set $a (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $j))))
              (br_if $out (i32.gt_u (local.get $a) (i32.const 100000000)) (i32.const -1))
              (br_table $lj $next $li (i32.rem_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 3)))))
          (if (i32.eq (local.get $i) (i32.const 77)) (then (return (i32.const 777))))
          (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))
          (local.get $a))))
    (func (export "typed") (param $n i32) (result i64) (local $x i64)
      (loop $l (result i64)
        (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $n))))
        (local.get $x)
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

  it('gives the same results and the same fuel with tiny slices (a refill on most iterations) as with big ones', async () => {
    const bytes = await wat(text);
    const plain = (await WebAssembly.instantiate(bytes)).instance.exports as Record<string, (n: number) => number | bigint>;
    const out = instrumentFuel(bytes);
    const big = await instantiateMetered(out, 1e12);
    for (const slice of [1, 3, 7, 50]) {
      const small = await instantiateMetered(out, 1e12, {}, slice);
      for (const [name, n] of [['sum', 1000], ['nest', 50], ['nest', 100], ['nest', 5], ['typed', 300]] as const) {
        const a = big.run(name, 1e12, n);
        const b = small.run(name, 1e12, n);
        expect(a.result, `${name}(${n})`).toBe(plain[name]!(n));
        expect(b.result, `${name}(${n}) slice ${slice}`).toBe(a.result);
        expect(b.used, `${name}(${n}) slice ${slice}`).toBe(a.used);
        if (slice === 1) expect(b.refills).toBeGreaterThan(a.refills);
      }
    }
  });

  it('still stops an endless loop', async () => {
    const m = await instantiateMetered(instrumentFuel(await wat('(module (func (export "spin") (loop $l (br $l))))')), 1e12, {}, 5);
    const r = m.run('spin', 100_000);
    expect(r.outOfFuel).toBe(true);
    expect(r.used).toBeGreaterThanOrEqual(100_000);
  });

  it('has no call inside the wrapped loop', async () => {
    const out = instrumentFuel(await wat('(module (func (export "sum") (param $n i32) (result i32) (local $a i32) (loop $l (local.set $a (i32.add (local.get $a) (local.get $n))) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))) (local.get $a)))'));
    const text = (await wabtInit()).readWasm(out, { readDebugNames: false }).toText({});
    const sum = text.slice(text.indexOf('(func (;1;)'), text.indexOf('(func (;2;)'));
    // block / loop $re / block $cold / loop: the header's `br_if 1` goes to $cold; the original
    // loop ends with `br 2` ($done); the only call (the refill) comes after that.
    const inner = sum.indexOf('br_if 1');
    const done = sum.indexOf('br 2', inner);
    const calls = [...sum.matchAll(/call 3/g)].map((m) => m.index!);
    expect(inner).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(inner);
    expect(calls.filter((c) => c > inner && c < done)).toEqual([]);
    expect(calls.some((c) => c > done)).toBe(true);
  });
});
