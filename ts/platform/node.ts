import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostPlatform, HttpRequest, HttpResponse } from './platform';

/** Node: files through node:fs (synchronous, so inline guests can use them), HTTP through fetch. */
export const nodePlatform: HostPlatform = {
  name: 'node',
  async readSource(source: string): Promise<Uint8Array> {
    if (/^https?:\/\//i.test(source)) {
      const res = await fetch(source);
      if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${source}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    const path = source.startsWith('file:') ? fileURLToPath(source) : source;
    return new Uint8Array(await readFile(path));
  },
  readFile(path: string): Uint8Array | undefined {
    return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
  },
  writeFile(path: string, data: Uint8Array): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  },
  async http(req: HttpRequest): Promise<HttpResponse> {
    const res = await fetch(req.url, { method: req.method, body: req.body ? new Uint8Array(req.body) : null, redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location') ?? undefined, body: new Uint8Array(await res.arrayBuffer()) };
  },
};
