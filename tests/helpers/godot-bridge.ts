// Fake Godot bridges for unit tests of ts/godot: a bridge that answers every operation inertly
// (nothing constructed, no calls), with the operations a test cares about overridden.
import type { GodotBridge } from '../../ts/godot/bridge';

const noCalls = () => ({ ok: false as const, status: 'godot' as const, message: 'no calls here' });

/** A bridge whose every operation does nothing (Node2D objects, no methods, no calls), with `over` applied. */
export function inertBridge(over: Partial<GodotBridge> = {}): GodotBridge {
  return {
    classChain: (c) => (c === 'Node2D' ? ['Node2D', 'CanvasItem', 'Node', 'Object'] : []),
    methodInfo: () => null, propertyAccessor: () => '', canInstantiate: () => false, getSingleton: () => null,
    construct: () => null, objectClass: () => 'Node2D', scriptClasses: () => [], objectStatus: () => 'ok',
    call: noCalls, utility: noCalls, callGame: noCalls,
    connect: () => 'godot', disconnect: () => undefined, release: () => undefined, dispose: () => undefined,
    notify: () => undefined, notifyGame: () => undefined, print: () => undefined, printError: () => undefined,
    readFile: () => undefined, writeFile: () => undefined,
    ...over,
  };
}

/** The code and message of what `fn` throws (fails the test when it does not throw). */
export function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected a failure');
}
