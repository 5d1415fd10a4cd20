// AssemblyScript (compiled by bench/sdk.ts with asc), not TypeScript: tsconfig.json excludes bench/sdk.
// bench/sdk.ts: the same calls as raw.ts through the typed level-1 bindings.
import { Node2D, Vector2 } from "../../sdk/assemblyscript/godot/level1";

let self: Node2D | null = null;
const v = new Vector2();
/** n × set_position(v): the argument object is reused, as a hot loop should. */
export function set_n(n: i32): void {
  if (self === null) self = Node2D.self();
  const s = self!;
  for (let i = 0; i < n; i++) s.set_position(v.set(<f32>i, 2));
}
/** n × get_position(): each result is a new Vector2 (collected by the incremental runtime). */
export function get_n(n: i32): f32 {
  if (self === null) self = Node2D.self();
  const s = self!;
  let sum: f32 = 0;
  for (let i = 0; i < n; i++) { const p = s.get_position(); sum += p.x + p.y; }
  return sum;
}
const p = new Vector2();
/** n × get_position(p): the result is written into p (no allocation). */
export function get_into_n(n: i32): f32 {
  if (self === null) self = Node2D.self();
  const s = self!;
  let sum: f32 = 0;
  for (let i = 0; i < n; i++) { s.get_position(p); sum += p.x + p.y; }
  return sum;
}
