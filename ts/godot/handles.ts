import { HandleError } from '../engine/errors';
import type { ObjectId } from './bridge';

/** Handle 0 is null (no object); handle 1 is always the mod's own node. */
export const NULL_HANDLE = 0;
export const MOD_NODE_HANDLE = 1;
/** Most handles one instance may hold at once (release them with handle_release). */
export const MAX_HANDLES = 65536;

export interface HandleEntry {
  readonly handle: number;
  readonly id: ObjectId;
  /** Native class, most-derived first up to 'Object' (fixed for an object's lifetime). */
  readonly chain: readonly string[];
}

/**
 * Handles of all instances. A handle is a small positive i32 naming one Godot object for one
 * instance. Numbers come from one counter shared by every instance (except 1, each
 * instance's own node), so a handle is never reused — not after release, not after the
 * object is freed, not by another instance — and a number belonging to another instance is
 * simply unknown here. Godot ObjectIDs are not reused either, so a freed object never comes
 * back under an old handle.
 */
export class HandleSpace {
  private next = MOD_NODE_HANDLE + 1;
  private readonly tables = new Map<number, InstanceHandles>();

  open(instance: number, modNode: ObjectId, chain: readonly string[]): InstanceHandles {
    const t = new InstanceHandles(instance, () => this.allocate());
    t.bind(MOD_NODE_HANDLE, modNode, chain);
    this.tables.set(instance, t);
    return t;
  }

  get(instance: number): InstanceHandles | undefined {
    return this.tables.get(instance);
  }

  close(instance: number): void {
    this.tables.delete(instance);
  }

  private allocate(): number {
    if (this.next >= 0x7fffffff) throw new HandleError('handle numbers exhausted');
    return this.next++;
  }
}

/** One instance's handles. */
export class InstanceHandles {
  private readonly byHandle = new Map<number, HandleEntry>();
  private readonly byId = new Map<ObjectId, number>();

  constructor(readonly instance: number, private readonly allocate: () => number) {}

  get size(): number {
    return this.byHandle.size;
  }

  /** The handle for an object: the existing one, or a new one. */
  handleFor(id: ObjectId, chain: readonly string[]): number {
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    if (this.byHandle.size >= MAX_HANDLES) {
      throw new HandleError(`instance ${this.instance} holds ${MAX_HANDLES} handles; release some with godot.handle_release`);
    }
    const h = this.allocate();
    this.bind(h, id, chain);
    return h;
  }

  bind(handle: number, id: ObjectId, chain: readonly string[]): void {
    this.byHandle.set(handle, Object.freeze({ handle, id, chain: Object.freeze([...chain]) }));
    this.byId.set(id, handle);
  }

  /** The entry, or HandleError naming why the number is not a live handle of this instance. */
  resolve(handle: number, what = 'object'): HandleEntry {
    const e = this.byHandle.get(handle);
    if (e) return e;
    if (handle === NULL_HANDLE) throw new HandleError(`${what}: handle 0 is null`);
    throw new HandleError(`${what}: ${handle} is not a live handle of this mod (invented, released, freed or another mod's)`);
  }

  /** Whether the number is a live handle here (no error). */
  has(handle: number): boolean {
    return this.byHandle.has(handle);
  }

  /** Forgets a handle (released by the guest, or its object was found freed). Returns its entry. */
  drop(handle: number): HandleEntry | undefined {
    const e = this.byHandle.get(handle);
    if (!e) return undefined;
    this.byHandle.delete(handle);
    if (this.byId.get(e.id) === handle) this.byId.delete(e.id);
    return e;
  }

  entries(): HandleEntry[] {
    return [...this.byHandle.values()];
  }
}
