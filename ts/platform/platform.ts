/**
 * What the host environment must do for WasGo: fetch a module's bytes, file and network I/O
 * for the level-2 wrappers and level-3 functions. One implementation per place WasGo runs
 * (Node, a browser, Godot's web export). Results may be synchronous or promises: inline
 * guests can only use synchronous ones (see docs/abi.md).
 */
export type MaybePromise<T> = T | Promise<T>;

export interface HttpRequest {
  method: string;
  url: string;
  body?: Uint8Array | undefined;
}

export interface HttpResponse {
  status: number;
  /** Location header of a redirect, when status is 3xx. */
  location?: string | undefined;
  body: Uint8Array;
}

export interface HostPlatform {
  readonly name: string;
  /** Bytes of a module named by a path (Node) or URL (browser). */
  readSource(source: string): Promise<Uint8Array>;
  /** Reads a file; undefined when it does not exist. Path is already confined by the caller. */
  readFile(path: string): MaybePromise<Uint8Array | undefined>;
  /** Writes a file, creating parent folders. Path is already confined by the caller. */
  writeFile(path: string, data: Uint8Array): MaybePromise<void>;
  /** One HTTP exchange that never follows redirects itself (the caller re-checks each hop). */
  http(request: HttpRequest): Promise<HttpResponse>;
}

let current: HostPlatform | undefined;

export function setPlatform(p: HostPlatform): void {
  current = p;
}

export function platform(): HostPlatform {
  if (!current) throw new Error('WasGo: no host platform installed (import wasgo from its Node or browser entry)');
  return current;
}

/** Applies fn now when v is a value, later when it is a promise (keeps sync paths sync). */
export function andThen<T, U>(v: MaybePromise<T>, fn: (x: T) => MaybePromise<U>): MaybePromise<U> {
  return v instanceof Promise ? v.then(fn) : fn(v);
}
