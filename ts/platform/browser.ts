import type { HostPlatform, HttpRequest, HttpResponse } from './platform';

/**
 * Browsers: modules by URL; no file system (the Godot adapter supplies user:// files), so
 * file functions report that they are unavailable. HTTP through fetch with manual redirects
 * (browsers hide redirect targets, so a redirect is reported as a failure, never followed).
 */
export const browserPlatform: HostPlatform = {
  name: 'browser',
  async readSource(source: string): Promise<Uint8Array> {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${source}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  readFile(): never {
    throw new Error('no file system in this browser host');
  },
  writeFile(): never {
    throw new Error('no file system in this browser host');
  },
  async http(req: HttpRequest): Promise<HttpResponse> {
    const res = await fetch(req.url, { method: req.method, body: req.body ? new Uint8Array(req.body) : null, redirect: 'manual' });
    if (res.type === 'opaqueredirect') return { status: 302, body: new Uint8Array() };
    return { status: res.status, location: res.headers.get('location') ?? undefined, body: new Uint8Array(await res.arrayBuffer()) };
  },
};
