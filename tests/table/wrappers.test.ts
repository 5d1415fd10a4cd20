import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { PolicyDenied, WasGoEngine, type HostCallContext, type OutBuffer } from '../../ts/index';
import { confinedPath, modFolder } from '../../ts/table/mod-path';
import { UrlAllowlist } from '../../ts/table/url-allowlist';

const ctx: HostCallContext = { instanceId: 1, mod: 'my mod.wasm', level: 2 };
const out = (capacity: number): OutBuffer & { data: Uint8Array } => ({
  capacity, data: new Uint8Array(), write(d) { this.data = d.slice(0, capacity); return this.data.length; },
});
const enc = (s: string) => new TextEncoder().encode(s);

function fn(name: string) {
  const spec = WasGoEngine.get().table.find('wasgo', name)!;
  return spec.implementation as (...a: unknown[]) => unknown;
}

describe('level-2 file wrappers', () => {
  it('confine paths to plain relative paths', () => {
    expect(confinedPath('saves/slot1.json')).toBe('saves/slot1.json');
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'C:/x', 'c:x', 'a\\b', 'a\u0000b', 'x'.repeat(300), 'a/./b', 'a/b/', 'con?.txt']) {
      expect(() => confinedPath(bad), JSON.stringify(bad)).toThrow(PolicyDenied);
    }
    expect(modFolder('my mod.wasm')).toBe('my_mod');
    expect(modFolder('../..')).toBe('__..');
  });

  it('writes only after confirmation, into the mod folder; the default confirmation denies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-files-'));
    const asked: unknown[] = [];
    WasGoEngine.get().init({ level: 2, fileDir: dir });
    expect(fn('file_write')(ctx, 'a.txt', enc('no'))).toBe(-1);
    expect(existsSync(join(dir, 'my_mod', 'a.txt'))).toBe(false);

    WasGoEngine.get().init({ level: 2, fileDir: dir, confirmWrite: (r) => { asked.push(r); return true; } });
    expect(fn('file_write')(ctx, 'saves/a.txt', enc('yes'))).toBe(0);
    expect(readFileSync(join(dir, 'my_mod', 'saves', 'a.txt'), 'utf8')).toBe('yes');
    expect(asked).toEqual([{ mod: 'my mod.wasm', path: 'saves/a.txt', bytes: 3 }]);
    expect(() => fn('file_write')(ctx, '../escape.txt', enc('x'))).toThrow(PolicyDenied);

    // an asynchronous confirmation (a dialog) gives a promise: fine in worker mode
    WasGoEngine.get().init({ level: 2, fileDir: dir, confirmWrite: async () => true });
    await expect(fn('file_write')(ctx, 'b.txt', enc('later'))).resolves.toBe(0);
    expect(readFileSync(join(dir, 'my_mod', 'b.txt'), 'utf8')).toBe('later');
  });

  it('reads from the mod folder only, reporting the full length and -1 when missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasgo-files-'));
    mkdirSync(join(dir, 'my_mod'));
    writeFileSync(join(dir, 'my_mod', 'r.txt'), 'hello world');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    WasGoEngine.get().init({ level: 2, fileDir: dir });
    const o = out(5);
    expect(fn('file_read')(ctx, 'r.txt', o)).toBe(11);
    expect(new TextDecoder().decode(o.data)).toBe('hello');
    expect(fn('file_read')(ctx, 'missing.txt', out(5))).toBe(-1);
    expect(() => fn('file_read')(ctx, '../secret.txt', out(5))).toThrow(PolicyDenied);
  });
});

describe('level-2 network wrapper', () => {
  let server: Server;
  let base = '';
  let hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === '/api/redirect-out') { res.writeHead(302, { location: '/private/x' }); res.end(); return; }
      if (req.url === '/api/redirect-in') { res.writeHead(301, { location: '/api/data' }); res.end(); return; }
      res.writeHead(200); res.end(`you asked for ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('allowlist: scheme, host, port and path prefix on segment boundaries; no userinfo', () => {
    const a = new UrlAllowlist(['https://api.example.com/v1', 'http://127.0.0.1:8080/']);
    expect(a.check('https://api.example.com/v1/scores')).toBe('https://api.example.com/v1/scores');
    expect(a.check('https://API.example.com:443/v1')).toBe('https://api.example.com/v1');
    for (const bad of [
      'http://api.example.com/v1/x', 'https://api.example.com/v10', 'https://api.example.com/v1/../admin',
      'https://api.example.com/v1/%2e%2e/admin', 'https://api.example.com:8443/v1', 'https://api.example.com.evil.io/v1',
      'https://api.example.com@evil.io/v1', 'https://user:pw@api.example.com/v1', 'http://127.0.0.1:8081/', 'file:///etc/passwd', 'not a url',
    ]) {
      expect(() => a.check(bad), bad).toThrow(PolicyDenied);
    }
  });

  it('reaches allowlisted URLs, follows redirects that stay allowed, refuses those that leave', async () => {
    hits = [];
    WasGoEngine.get().init({ level: 2, networkAllowlist: [`${base}/api`] });
    const o = out(100);
    const r = (await fn('http_request')(ctx, 'GET', `${base}/api/redirect-in`, new Uint8Array(), o)) as bigint;
    expect(Number(r >> 32n)).toBe(200);
    expect(new TextDecoder().decode(o.data)).toBe('you asked for /api/data');
    expect(Number(r & 0xffffffffn)).toBe(o.data.length);
    await expect(fn('http_request')(ctx, 'GET', `${base}/api/redirect-out`, new Uint8Array(), out(10))).rejects.toThrow(/not in the network allowlist/);
    await expect(fn('http_request')(ctx, 'GET', `${base}/private/x`, new Uint8Array(), out(10))).rejects.toThrow(PolicyDenied);
    expect(hits).toEqual(['/api/redirect-in', '/api/data', '/api/redirect-out']); // the refused hop was never requested
  });
});
