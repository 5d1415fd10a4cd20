// `wasgo run --worker --timeout-ms N --fuel N --memory-mb N`, through the run command itself.
import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../ts/cli/run';
import { UsageError } from '../../ts/cli/args';
import { Timeout, WasGoEngine } from '../../ts/index';
import { noLiveWorkers } from '../../ts/isolate/worker';
import { wat } from '../helpers/wat';

async function file(name: string, text: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'wasgo-isolate-')), name);
  writeFileSync(path, await wat(text));
  return path;
}

describe('wasgo run --worker', () => {
  it('an async host function (http_request) works with --worker', async () => {
    const server = createServer((_req, res) => res.end('pong'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const path = await file('net.wasm', `(module
        (import "wasgo" "http_request" (func $http (param i32 i32 i32 i32 i32 i32 i32 i32) (result i64)))
        (import "wasgo" "print" (func $print (param i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "GET")
        (data (i32.const 64) "${url}")
        (func (export "main") (result i32) (local $r i64)
          (local.set $r (call $http (i32.const 0) (i32.const 3) (i32.const 64) (i32.const ${url.length}) (i32.const 0) (i32.const 0) (i32.const 512) (i32.const 64)))
          (call $print (i32.const 512) (i32.wrap_i64 (local.get $r)))
          (i32.sub (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))) (i32.const 200))))`);
      // Contract v2: the worker's meter bills a host call's main-thread time too. Node's first
      // fetch() loads its HTTP client synchronously (~20-40 ms here, ~40-80M units), so 1M units
      // (the v1-era budget, when worker mains were not metered) cannot pay for one request.
      const code = await runCommand([path, '--level', '2', '--allow-url', url, '--worker', '--fuel', '1000000000', '--memory-mb', '4']);
      expect(code).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0]))).toContain('pong\n');
      expect(WasGoEngine.get().settings).toMatchObject({ fuelPerCall: 1_000_000_000, memoryMb: 4 });
    } finally {
      out.mockRestore();
      server.close();
    }
  });

  it('the process exits once a --worker main has ended (the idle supervisor keeps nothing alive)', async () => {
    // Node refs a worker's port again when a 'message' listener is added after unref(): every
    // supervised run left the CLI hanging after main returned.
    const path = await file('forty-two.wasm', '(module (func (export "main") (result i32) (i32.const 42)))');
    const r = spawnSync(process.execPath, ['bin/wasgo.mjs', 'run', path, '--worker'], { encoding: 'utf8', timeout: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(42);
  });

  it('--timeout-ms kills an endless main with Timeout', async () => {
    const path = await file('loop.wasm', '(module (func (export "main") (loop $l (br $l))))');
    const err = await runCommand([path, '--worker', '--timeout-ms', '150', '--fuel', '0']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Timeout);
    await noLiveWorkers();
  });

  it('--timeout-ms without --worker is a usage error', async () => {
    const path = await file('loop.wasm', '(module (func (export "main")))');
    await expect(runCommand([path, '--timeout-ms', '150'])).rejects.toBeInstanceOf(UsageError);
  });
});
