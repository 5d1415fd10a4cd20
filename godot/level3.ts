// `import ... from "wasgo/godot/level3"`: the level-3 typed bindings (docs/sdk.md).
export * from "../sdk/assemblyscript/godot/level3";
