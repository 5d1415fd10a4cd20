import { HostError } from '../engine/errors';
import type { WasGoSettings } from '../engine/settings';
import { andThen, platform, type HttpResponse, type MaybePromise } from '../platform/platform';
import type { HostCallContext, HostFunctionSpec, OutBuffer } from './host-function';
import { confinedPath, joinPath, modFolder } from './mod-path';
import { UrlAllowlist } from './url-allowlist';

const MAX_REDIRECTS = 5;
/** Packs an HTTP result into the i64 the guest receives: status in the high 32 bits, body length in the low. */
const packHttp = (r: HttpResponse, out: OutBuffer): bigint => {
  out.write(r.body);
  return (BigInt(r.status) << 32n) | BigInt(r.body.length);
};

/**
 * Level 2: guarded versions of dangerous things. File access is confined to the mod's own
 * folder under `fileDir` and writes ask `confirmWrite` first; HTTP goes only to allowlisted
 * URLs, and every redirect hop is checked again.
 */
export function wrappers(settings: () => WasGoSettings): HostFunctionSpec[] {
  const w = { module: 'wasgo', level: 2, kind: 'wrapper' } as const;
  const modPath = (ctx: HostCallContext, path: string): string =>
    joinPath(joinPath(settings().fileDir, modFolder(ctx.mod)), confinedPath(path));
  return [
    { ...w, name: 'file_write', params: ['string', 'bytes'], result: 'i32', cost: 20_000,
      doc: "Write a file in the mod's own folder after confirmation; 0 = written, -1 = the user declined.",
      implementation: (ctx: HostCallContext, path: string, data: Uint8Array) => {
        const full = modPath(ctx, path);
        const s = settings();
        const allowed = s.confirmFileWrites ? s.confirmWrite({ mod: ctx.mod, path: confinedPath(path), bytes: data.length }) : true;
        return andThen(allowed, (ok) => (ok === true ? andThen(io(() => platform().writeFile(full, data)), () => 0) : -1));
      } },
    { ...w, name: 'file_read', params: ['string', 'out'], result: 'i32', cost: 20_000,
      doc: "Read a file from the mod's own folder into out; returns its full length, or -1 if missing.",
      implementation: (ctx: HostCallContext, path: string, out: OutBuffer) => {
        const full = modPath(ctx, path);
        return andThen(io(() => platform().readFile(full)), (data) => (data ? (out.write(data), data.length) : -1));
      } },
    { ...w, name: 'http_request', params: ['string', 'string', 'bytes', 'out'], result: 'i64', cost: 100_000,
      doc: 'HTTP to an allowlisted URL (method, url, body, out); returns status<<32 | body length. Asynchronous: worker mode.',
      implementation: async (_ctx: HostCallContext, method: string, url: string, body: Uint8Array, out: OutBuffer) => {
        const allow = new UrlAllowlist(settings().networkAllowlist);
        let target = allow.check(url);
        for (let hop = 0; ; hop++) {
          const r = await httpOrError(method, target, body);
          if (r.status < 300 || r.status >= 400 || !r.location) return packHttp(r, out);
          if (hop === MAX_REDIRECTS) throw new HostError(`more than ${MAX_REDIRECTS} redirects from ${url}`);
          target = allow.check(new URL(r.location, target).href);
          if (r.status === 303) { method = 'GET'; body = new Uint8Array(); }
        }
      } },
  ];
}

/** Level 3: the same powers without guards. */
export function unsafeFunctions(): HostFunctionSpec[] {
  const u = { module: 'wasgo', level: 3, kind: 'core' } as const;
  return [
    { ...u, name: 'fs_write', params: ['string', 'bytes'], result: 'i32', cost: 20_000, doc: 'Write any file the host can write; 0 on success.',
      implementation: (_ctx: HostCallContext, path: string, data: Uint8Array) => andThen(io(() => platform().writeFile(path, data)), () => 0) },
    { ...u, name: 'fs_read', params: ['string', 'out'], result: 'i32', cost: 20_000, doc: 'Read any file; returns its full length or -1.',
      implementation: (_ctx: HostCallContext, path: string, out: OutBuffer) =>
        andThen(io(() => platform().readFile(path)), (data) => (data ? (out.write(data), data.length) : -1)) },
    { ...u, name: 'http_fetch', params: ['string', 'string', 'bytes', 'out'], result: 'i64', cost: 100_000,
      doc: 'HTTP to any URL, following redirects; returns status<<32 | body length. Asynchronous: worker mode.',
      implementation: async (_ctx: HostCallContext, method: string, url: string, body: Uint8Array, out: OutBuffer) => {
        let target = url;
        for (let hop = 0; ; hop++) {
          const r = await httpOrError(method, target, body);
          if (r.status < 300 || r.status >= 400 || !r.location || hop === MAX_REDIRECTS) return packHttp(r, out);
          target = new URL(r.location, target).href;
        }
      } },
  ];
}

/** Host I/O failures become HostError with the reason, never a raw exception. */
function io<T>(fn: () => MaybePromise<T>): MaybePromise<T> {
  const wrap = (e: unknown): never => {
    throw e instanceof HostError ? e : new HostError(`host I/O failed: ${(e as Error)?.message ?? String(e)}`, {}, { cause: e });
  };
  try {
    const v = fn();
    return v instanceof Promise ? v.catch(wrap) : v;
  } catch (e) {
    return wrap(e);
  }
}

async function httpOrError(method: string, url: string, body: Uint8Array): Promise<HttpResponse> {
  return io(() => platform().http({ method, url, body: body.length ? body : undefined })) as Promise<HttpResponse>;
}
