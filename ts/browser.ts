// Browser/Godot-web entry: one self-contained script that sets globalThis.WasGo.
import * as WasGo from './api';
import { setPlatform } from './platform/platform';
import { browserPlatform } from './platform/browser';

setPlatform(browserPlatform);
(globalThis as unknown as { WasGo: typeof WasGo }).WasGo = WasGo;
