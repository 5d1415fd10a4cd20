// `wasgo run --godot-stubs`: the `godot` import module answered by stubs, so a Godot mod's main
// can run outside a game (the `npm test` of a `wasgo new` project). print and print_error go to
// stdout/stderr, mod_node is handle 1, every other call answers 0 (no object, no bind, an empty
// result) — enough to see the mod load, link and run, not to test its game logic.
import type { GodotApiHost } from '../godot/api';
import { godotFunctions } from '../godot/api';
import type { HostCallContext, HostFunctionSpec } from '../table/host-function';

export function godotStubs(out: (line: string) => void, err: (line: string) => void): HostFunctionSpec[] {
  // Only the specs' names and types are used; their implementations (which need a game) are replaced.
  const unused = () => { throw new Error('godot stubs: no game'); };
  const host = { bridge: {}, policy: {}, signals: {}, mod: unused, printed: unused, printedError: unused } as unknown as GodotApiHost;
  return godotFunctions(host).map((spec): HostFunctionSpec => {
    if (spec.name === 'print') return { ...spec, implementation: (_ctx: HostCallContext, text: string) => out(text) };
    if (spec.name === 'print_error') return { ...spec, implementation: (_ctx: HostCallContext, text: string) => err(text) };
    if (spec.name === 'mod_node') return { ...spec, implementation: () => 1 };
    return { ...spec, implementation: () => (spec.result === 'void' ? undefined : 0) };
  });
}
