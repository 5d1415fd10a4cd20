/**
 * The bridge: the few things WasGo needs from Godot, as a TypeScript interface mirroring the
 * GDExtension interface functions of the same purpose (global_get_singleton,
 * classdb_get_method_bind, object_method_bind_call, classdb_construct_object, ...). One
 * adapter per place TypeScript runs inside Godot; today the web adapter (web-bridge.ts,
 * through JavaScriptBridge). Every decision is made by the caller (api.ts, in TypeScript):
 * the bridge only executes, and reports facts (an object is freed, outside a subtree, ...).
 *
 * Objects are named by their Godot ObjectID as a decimal string (ObjectIDs are 64-bit; JS
 * numbers would round them). Variants travel in Godot's binary serialization
 * (var_to_bytes / bytes_to_var): the bridge never decodes them in TypeScript.
 */

/** A Godot ObjectID, decimal. */
export type ObjectId = string;

/** Godot's Variant.Type numbers used by WasGo. */
export const VariantType = {
  NIL: 0, BOOL: 1, INT: 2, FLOAT: 3, STRING: 4, VECTOR2: 5, STRING_NAME: 21, NODE_PATH: 22, RID: 23, OBJECT: 24,
  CALLABLE: 25, SIGNAL: 26, DICTIONARY: 27, ARRAY: 28, PACKED_VECTOR2_ARRAY: 35,
} as const;

/** One method of a class, as ClassDB describes it. */
export interface MethodInfo {
  /** The class that declares it (walking up from the class asked for). */
  owner: string;
  name: string;
  /** Variant.Type of each declared argument (0 = any Variant). */
  args: number[];
  /** For OBJECT arguments: the class name ClassDB gives. */
  argClasses: string[];
  /** Number of arguments that have defaults. */
  defaults: number;
  vararg: boolean;
  isStatic: boolean;
}

/** Preconditions the caller asks the bridge to check in the same round trip as the call. */
export interface Access {
  /** The object must be this node or one of its descendants ('' = no such requirement). */
  subtreeOf: ObjectId | '';
}

/** What a call hands back. */
export type CallOutcome =
  | { ok: true; /** var_to_bytes of the result, with every object replaced by a handle. */ value: Uint8Array }
  | { ok: false; status: BridgeStatus; message: string };

/**
 * Why the bridge did not do something:
 * - `freed`: the object no longer exists (is_instance_id_valid is false);
 * - `outside`: the object is not in the subtree the caller required;
 * - `refused`: an argument was refused by the caller's check (objectArg/pathArg);
 * - `godot`: Godot reported an error (bad arguments, no such method/property, ...);
 * - `too_large`: the result is over the caps Godot was given (checked before it is serialized),
 *   or a growing object (CallShape.growth) is full;
 * - `not_owned`: the call needs an object the mod constructed (CallShape.owned) and got another;
 * - `z_range`: the call would place a CanvasItem outside the z range (CallShape.zcheck).
 */
export type BridgeStatus = 'freed' | 'outside' | 'refused' | 'godot' | 'too_large' | 'not_owned' | 'z_range';

/** Object arguments and paths found while Godot decodes a call's arguments, checked by the caller. */
export interface ArgumentChecks {
  /** An OBJECT-typed argument held this handle; return its ObjectID, or null to refuse. */
  objectArg(handle: number): ObjectId | null;
  /** A NODE_PATH-typed argument; return false to refuse. */
  pathArg(path: string): boolean;
  /** An object in a result: return the handle to put in its place. */
  handleFor(id: ObjectId, className: string): number;
}

/**
 * What does not change from one call of a method to the next: built once per (class, method,
 * level) by the caller and passed again, as the same object, with every call (the bridge
 * registers it with Godot once).
 */
export interface CallShape {
  /** For a static method (ClassDB.class_call_static): its class; '' otherwise. */
  readonly staticClass: string;
  readonly method: string;
  /** Indices of OBJECT-typed arguments (from MethodInfo), resolved through ArgumentChecks.objectArg. */
  readonly objectArgs: readonly number[];
  /** Indices of NODE_PATH-typed arguments, checked through ArgumentChecks.pathArg. */
  readonly pathArgs: readonly number[];
  /** Whether RID values may appear in the arguments (they name server resources directly). */
  readonly allowRid: boolean;
  /** Variant.Type of each declared argument (0 = any), checked before the call. */
  readonly types: readonly number[];
  /** How many arguments the method takes: declared minus defaults .. declared (-1 = vararg). */
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * Ownership (below level 3): 'target' = the object called must be one the mod constructed,
   * 'objects' = every object argument must be; '' = no such requirement.
   */
  readonly owned?: '' | 'target' | 'objects';
  /** `counter:limit`: Godot calls `counter()` on the object first and refuses when it is ≥ limit ('' = none). */
  readonly growth?: string;
  /** `set:limit` / `add:limit`: the cumulative z check (policy/costly.ts Z_GUARDS; '' = none). */
  readonly zcheck?: string;
}

export interface CallRequest extends Access {
  /** The object called ('' for a static method, see CallShape.staticClass). */
  object: ObjectId;
  /** var_to_bytes of an Array of the arguments (objects as handle ints). */
  args: Uint8Array;
}

export interface GodotBridge {
  /** The class and its ancestors, most-derived first, ending with 'Object'; [] when no such class. */
  classChain(className: string): string[];
  /** ClassDB's description of `method` on `className` or an ancestor; null when none. */
  methodInfo(className: string, method: string): MethodInfo | null;
  /** The setter (`set`) or getter of a property as ClassDB names it; '' when there is none. */
  propertyAccessor(className: string, property: string, set: boolean): string;
  /** Whether the class can be instantiated (ClassDB.can_instantiate). */
  canInstantiate(className: string): boolean;

  /** Engine.get_singleton(name) as an ObjectID; null when there is no such singleton. */
  getSingleton(name: string): { id: ObjectId; className: string } | null;
  /**
   * ClassDB.instantiate(className); the bridge keeps RefCounted results alive for `instance`
   * and counts the objects each instance constructed until they are freed: 'limit' (nothing
   * constructed) when `instance` already has `maxObjects` of them alive.
   */
  construct(instance: number, className: string, maxObjects?: number): { id: ObjectId; className: string } | null | 'limit';
  /** The native class of a live object; null when freed. */
  objectClass(id: ObjectId): string | null;
  /** The `class_name`s of the object's script and of the scripts it extends, most-derived first ([] when none, or freed). */
  scriptClasses(id: ObjectId): string[];
  /** Whether the object exists and meets `access`; the status says why not. */
  objectStatus(id: ObjectId, access: Access): 'ok' | 'freed' | 'outside';

  /** Calls a method; decodes args in Godot, checks object/path args through `checks`. */
  call(instance: number, shape: CallShape, request: CallRequest, checks: ArgumentChecks): CallOutcome;
  /** A utility function of @GlobalScope (randf, lerp, ...); args as in `call`, no objects. */
  utility(instance: number, name: string, args: Uint8Array, checks: ArgumentChecks, /** results capped (below level 3) */ capped?: boolean): CallOutcome;
  /**
   * Connects a signal of an object (which must meet `access`) so that each emission reaches
   * TypeScript as (connection, var_to_bytes of the arguments with objects as handles);
   * 'godot' when the object has no such signal.
   */
  connect(instance: number, id: ObjectId, signal: string, connection: number, access: Access): 'ok' | BridgeStatus;
  /**
   * Runs the game function registered as `fn` (game-functions.ts) for `instance`: `args` is
   * var_to_bytes of an Array of its arguments (a `node` argument as its ObjectID, which must lie
   * in `subtreeOf` unless that is ''). Godot checks and encodes the result by the declared kind;
   * `capped` (below level 3): a string / bytes / variant result over maxValueBytes (or an
   * Array / Dictionary over maxResultItems) is refused as `too_large` before it is serialized.
   */
  callGame(fn: number, instance: number, args: Uint8Array, subtreeOf: ObjectId | '', capped: boolean): GameCallOutcome;
  /** Disconnects one connection (nothing when the object is gone). */
  disconnect(instance: number, connection: number): void;

  /** Stops keeping the strong reference held for `instance` to a RefCounted object it had a handle for. */
  release(instance: number, id: ObjectId): void;
  /** The instance is gone: drop its references and connections, and free the nodes it constructed but never added to a tree. */
  dispose(instance: number): void;

  /** Tells the game script about a mod (WasGoMod signals): printed, errored, finished. */
  notify(instance: number, event: ModEvent): void;
  /** Tells the game script about an ANT.zip game (WasGoGame signals). */
  notifyGame(game: number, event: GameEvent): void;

  print(text: string): void;
  printError(text: string): void;
  /** A res:// or user:// file; undefined when it does not exist. */
  readFile(path: string): Uint8Array | undefined;
  /** A user:// file, creating parent folders. Throws with Godot's error text. */
  writeFile(path: string, data: Uint8Array): void;
}

/** What the game script hears about a mod. */
export type ModEvent =
  | { kind: 'printed'; text: string; /** from print_error / push_error */ error: boolean }
  | { kind: 'errored'; code: number; message: string; levelNeeded: number | null }
  | { kind: 'finished'; status: number };

/** What the game script hears about an ANT.zip game (load_package). */
export type GameEvent =
  | { kind: 'loaded'; coreResult: number; /** JSON: phase and modules */ detail: string }
  | { kind: 'printed'; text: string; error: boolean }
  | { kind: 'errored'; code: number; message: string; levelNeeded: number | null };

/**
 * What a game function's Callable (GameApi, game-functions.ts) gave back: an int as a decimal
 * string (64 bits), a float as a number, string / bytes / variant results as bytes (UTF-8,
 * the bytes, var_to_bytes), null for none. Or why not:
 * - `gone`: the Callable's object was freed (or it is not valid);
 * - `freed`: a `node` argument names a node that was freed;
 * - `outside`: a `node` argument is outside the subtree required;
 * - `type`: the Callable returned a value of another type (message: its type name);
 * - `too_large`: the result is over the caps (`capped` calls only; message: its size);
 * - `godot`: any other failure (the game refused the call with fail_call, a variant result holds an object, ...).
 */
export type GameCallOutcome =
  | { ok: true; value: string | number | Uint8Array | null }
  | { ok: false; status: 'gone' | 'freed' | 'outside' | 'type' | 'too_large' | 'godot'; message: string };
