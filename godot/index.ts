// `import { Node2D } from "wasgo/godot"` in an AssemblyScript mod: the level-1 typed bindings
// (asc resolves the package subpath to this file; docs/sdk.md).
export * from "../sdk/assemblyscript/godot/level1";
