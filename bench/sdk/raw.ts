// AssemblyScript (compiled by bench/sdk.ts with asc), not TypeScript: tsconfig.json excludes bench/sdk.
// bench/sdk.ts: the low-level ABI calls the typed bench (typed.ts) is compared with.
import { modNode, methodBind, begin, argVec2, callBind, retVec2X, retVec2Y } from "../../sdk/assemblyscript/godot";

let node: i32 = 0, getP: i32 = 0, setP: i32 = 0;
function init(): void {
  if (node != 0) return;
  node = modNode(); getP = methodBind("Node2D", "get_position"); setP = methodBind("Node2D", "set_position");
}
/** n × set_position(x, y). */
export function set_n(n: i32): void {
  init();
  for (let i = 0; i < n; i++) { begin(); argVec2(<f32>i, 2); callBind(setP, node); }
}
/** n × get_position() (both components read). */
export function get_n(n: i32): f32 {
  init();
  let s: f32 = 0;
  for (let i = 0; i < n; i++) { begin(); callBind(getP, node); s += retVec2X() + retVec2Y(); }
  return s;
}
/** Same as get_n (the typed side's allocation-free variant is compared with it). */
export function get_into_n(n: i32): f32 { return get_n(n); }
