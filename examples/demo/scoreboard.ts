// The demo's UI mod (project.godot, demo/demo.gd): writes into its own Label how long it has been
// running and how many frames it saw. Level 1: Label.set_text on its own node.
import { modNode, begin, argString, call } from "../../sdk/assemblyscript/godot";

let seconds: f64 = 0;
let frames: i32 = 0;
let shown: i32 = -1;

/** One frame: counts it, and rewrites the Label when the tenth of a second changed. */
export function tick(delta: f64): void {
  seconds += delta;
  frames++;
  const tenths = <i32>(seconds * 10);
  if (tenths == shown) return;
  shown = tenths;
  begin();
  argString("Scoreboard mod: " + (tenths / 10).toString() + "." + (tenths % 10).toString() + " s, " + frames.toString() + " frames");
  call(modNode(), "set_text");
}
