import type { WasGoError } from './errors';

export interface EngineEvents {
  /** A guest printed a line. */
  print: { instance: number; mod: string; text: string };
  /** A guest reported a non-fatal error (push_error). */
  'guest-error': { instance: number; mod: string; text: string };
  /** A call into a guest failed; the instance is now failed. */
  error: { instance: number; mod: string; error: WasGoError };
}

type Listener<T> = (event: T) => void;

/** A tiny typed event emitter; a throwing listener never breaks the engine. */
export class Events {
  private readonly listeners = new Map<keyof EngineEvents, Set<Listener<never>>>();

  on<K extends keyof EngineEvents>(name: K, fn: Listener<EngineEvents[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => set!.delete(fn as Listener<never>);
  }

  emit<K extends keyof EngineEvents>(name: K, event: EngineEvents[K]): void {
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        (fn as Listener<EngineEvents[K]>)(event);
      } catch (e) {
        console.error(`WasGo: a '${name}' listener threw:`, e);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
