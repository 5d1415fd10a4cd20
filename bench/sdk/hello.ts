// AssemblyScript (compiled by bench/sdk.ts with asc), not TypeScript: tsconfig.json excludes bench/sdk.
// The hello mod of bench/sdk.ts (sizes per runtime): what `wasgo new` scaffolds, roughly.
import { Node2D, Vector2, print } from "../../sdk/assemblyscript/godot/level1";

export function main(): i32 { print("hello from a typed mod"); return 0; }
export function _process(delta: f64): void {
  const self = Node2D.self();
  self.position = self.position + new Vector2(<f32>(60 * delta), 0);
}
