// The demo's runaway mod (project.godot, demo/demo.gd): loops forever. An inline call runs out of
// fuel (wasgo/limits/fuel_per_call); main, started in a worker, is stopped by the timeout
// (wasgo/limits/main_timeout_ms). The game keeps drawing frames meanwhile.
let spins: i64 = 0;

function forever(): void {
  while (true) spins++;
}

/** Called inline: stopped by fuel. */
export function spin(): void { forever(); }

/** Started in a worker: stopped by the timeout. */
export function main(): i32 { forever(); return 0; }
