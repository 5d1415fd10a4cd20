// A UI mod on the typed SDK: reads Input and updates a Label below its node. Level 1.
// Expects a child Label named "Label" (the e2e project tests/godot/projects/typed-sdk builds one).
import { Node2D, Label, Input, Color, Vector2, print } from "../../sdk/assemblyscript/godot/level1";

let label: Label | null = null;
let frames: i32 = 0;

function ui(): Label {
  if (label === null) label = Node2D.self().get_node_as<Label>("Label");
  return label!;
}

export function main(): i32 {
  const l = ui();
  l.text = "ready";
  l.modulate = new Color(1, 1, 0, 1);
  print("typed ui: " + l.text);
  return 0;
}

/** Writes the state of the "ui_right" action and the horizontal axis into the label. */
export function update(): void {
  frames++;
  const right = Input.is_action_pressed("ui_right", false);
  const axis = Input.get_axis("ui_left", "ui_right");
  const l = ui();
  l.text = "frame " + frames.toString() + (right ? " right" : " idle") + " axis " + axis.toString();
  // Not `l.position = ...`: Control's position property goes through _set_position, which the
  // level-1 policy does not list (the build says so); set_position is allowed.
  l.set_position(new Vector2(<f32>(frames * 2), 0));
}

export function _process(delta: f64): void { update(); }

/** The label's current text, read back through the typed getter. */
export function label_text_length(): i32 { return ui().text.length; }
