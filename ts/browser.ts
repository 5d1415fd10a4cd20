// Browser/Godot-web entry: one self-contained script that sets globalThis.WasGo.
import * as WasGo from './index';

(globalThis as unknown as { WasGo: typeof WasGo }).WasGo = WasGo;
