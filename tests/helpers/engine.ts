import { WasGoEngine, type WasGoSettings } from '../../ts/index';

/** A freshly initialised engine that collects what guests print and which errors it reports. */
export function freshEngine(settings: Partial<WasGoSettings> = {}) {
  const engine = WasGoEngine.get().init(settings);
  const printed: string[] = [];
  const errors: { instance: number; code: string; message: string }[] = [];
  engine.on('print', (e) => printed.push(e.text));
  engine.on('error', (e) => errors.push({ instance: e.instance, code: e.error.code, message: e.error.message }));
  return { engine, printed, errors };
}
