// An AssemblyScript mod: prints, computes, returns a result from main.
import { print } from "../../sdk/assemblyscript/wasgo";

function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function main(): i32 {
  print("Hello from AssemblyScript!");
  const f = fib(20);
  print("fib(20) = " + f.toString());
  return f == 6765 ? 0 : 1;
}

/** Called by a game each frame in the Godot demo. */
export function add(a: i32, b: i32): i32 {
  return a + b;
}
