// `import ... from "wasgo/godot/level2"`: the level-2 typed bindings (docs/sdk.md).
export * from "../sdk/assemblyscript/godot/level2";
