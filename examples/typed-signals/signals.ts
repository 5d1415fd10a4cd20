// A signals mod on the typed SDK: creates a Timer below its node and moves the node 10 px on each
// timeout; also watches a child Timer named "Timer" if the scene has one. Level 1.
import { Node2D, Timer, Vector2, print } from "../../sdk/assemblyscript/godot/level1";

let ticks: i32 = 0;
let own: Timer | null = null;

/** Creates a 20 ms Timer child and connects its timeout to on_timeout. Returns the connection. */
export function start_own_timer(): i32 {
  const self = Node2D.self();
  const t = Timer.create();
  t.name = "TypedTimer";
  t.wait_time = 0.02;
  self.add_child(t);
  own = t;
  const conn = t.on_timeout("on_timeout");
  t.start();
  print("typed signals: timer started");
  return conn;
}

/** Connects the scene's child "Timer" to on_timeout. */
export function watch_timer(): i32 {
  return Node2D.self().get_node_as<Timer>("Timer").on_timeout("on_timeout");
}

export function on_timeout(): void {
  ticks++;
  const self = Node2D.self();
  self.position = self.position + new Vector2(10, 0);
}

export function ticks_seen(): i32 { return ticks; }

/** Stops the mod's own timer. */
export function stop_own_timer(): void { if (own !== null) own!.stop(); }
