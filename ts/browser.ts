// Browser/Godot-web entry: one self-contained script that sets globalThis.WasGo.
import * as WasGo from './api-full';
import * as godot from './godot/web';
import { setPlatform } from './platform/platform';
import { browserPlatform } from './platform/browser';

type Global = { WasGo?: typeof WasGo & { godot: typeof godot } } & Record<symbol, { shutdown?: () => void } | undefined>;
const g = globalThis as unknown as Global;

// Evaluated again in the same page (a Godot game restarted without a reload, or the e2e tests
// booting one project after another), the first copy stays: the engine singleton of the realm
// and every class it hands out must come from one evaluation, or `instanceof` checks fail.
if (g.WasGo?.VERSION !== WasGo.VERSION) {
  const realmEngine = Symbol.for('wasgo.engine');
  g[realmEngine]?.shutdown?.();
  g[realmEngine] = undefined;
  setPlatform(browserPlatform);
  g.WasGo = { ...WasGo, godot };
}
