/**
 * A cache of prepared (validated + rewritten) modules, so a game loading the same mod again pays
 * only V8's compile (issue 13 item 2; docs/limits.md "Load cache").
 *
 * Key: SHA-256 of the module's bytes + every input that shapes the rewrite (metering, the memory
 * cap in pages, the resolved shape limits, the table cap) + the rewriter's identity. Only
 * successful preparations are cached; a refused module is refused again, the same way, each time.
 *
 * - In memory: always on, least recently used first out past `memoryBytes` (default 128 MiB of
 *   rewritten bytes). A hit returns a copy of the bytes and the info, so a host that mutates what
 *   it got cannot change what the next load compiles.
 * - On disk (Node only): off unless a directory is configured (`configureLoadCache({ dir })`;
 *   the CLI uses the OS cache folder). A library must not write to disk behind its host's back.
 *   Each entry stores a SHA-256 of its own contents, checked on read (a torn or corrupted file is
 *   a miss, and is replaced). The folder is trusted like the game's own files: whoever can write
 *   it can write the game too.
 */
import type { ModuleInfo } from '../wasm/info';
import type { ModuleLimits } from '../wasm/limits';
import { NATIVE_SYNC_SHA256, sha256, sha256Async, sha256Hex } from './sha256';
import type { FrameMap } from './traps';

export interface CachedPrepare {
  bytes: Uint8Array<ArrayBuffer>;
  info: ModuleInfo;
  tableEntries: number;
  metered: boolean;
  frames?: FrameMap | undefined;
  /** The bytes differ from the input (false: nothing had to change). */
  rewritten: boolean;
  /** The rewritten bytes passed WebAssembly.validate (else the caller that put them compiled them itself). */
  validated: boolean;
}

/** What shapes a rewrite besides the bytes (everything prepareModule passes to rewriteModule). */
export interface RewriteKey {
  meter: boolean;
  maxPages: number;
  limits: ModuleLimits;
}

export interface DiskStore {
  read(name: string): Uint8Array | undefined;
  write(name: string, data: Uint8Array): void;
}

export interface LoadCacheOptions {
  /** Bytes of rewritten modules kept in memory (default 128 MiB; 0 turns the memory cache off). */
  memoryBytes?: number;
  /** Node: a folder for the disk cache (undefined = no disk cache, the default). */
  dir?: string | undefined;
}

export const DEFAULT_CACHE_MEMORY_BYTES = 128 * 1024 * 1024;

/** Largest module the sync path hashes with the portable JS SHA-256 (~30 ms per MB on this VM). */
export const SYNC_JS_HASH_MAX_BYTES = 1024 * 1024;

/**
 * Identity of the rewriter: bump when the rewrite's output changes for the same input, so a disk
 * cache written by an older WasGo is never served (the in-memory cache lives one process only).
 * build.mjs also defines __WASGO_REWRITER_ID__ (a hash of ts/wasm and ts/engine/prepare.ts), so a
 * rebuilt rewriter never reads entries of another build even if nobody bumped this.
 */
export const REWRITE_FORMAT = 1;
declare const __WASGO_REWRITER_ID__: string | undefined;
const REWRITER_ID = `${REWRITE_FORMAT}:${typeof __WASGO_REWRITER_ID__ === 'string' ? __WASGO_REWRITER_ID__ : 'dev'}`;

const MAGIC = 0x31434757; // "WGC1"

export class LoadCache {
  private readonly entries = new Map<string, CachedPrepare>();
  private held = 0;
  private memoryBytes = DEFAULT_CACHE_MEMORY_BYTES;
  private disk: DiskStore | undefined;
  /** Counters for tests and the bench. */
  readonly stats = { hits: 0, diskHits: 0, misses: 0 };

  configure(o: LoadCacheOptions, disk?: DiskStore): void {
    if (o.memoryBytes !== undefined) this.memoryBytes = Math.max(0, o.memoryBytes);
    this.disk = disk;
    this.evict();
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /**
   * The cache key of a module (hex): hashes the bytes once. Undefined (no caching on this path)
   * for a module over SYNC_JS_HASH_MAX_BYTES where only the portable JS hash can run synchronously
   * (browsers): hashing would cost more than it saves. The async path (keyAsync) caches those.
   */
  key(bytes: Uint8Array, k: RewriteKey): string | undefined {
    if (!NATIVE_SYNC_SHA256 && bytes.length > SYNC_JS_HASH_MAX_BYTES) return undefined;
    return this.keyOf(sha256(bytes), k);
  }

  /** The same key, hashing with Web Crypto where that is the native hash (the async load path). */
  async keyAsync(bytes: Uint8Array, k: RewriteKey): Promise<string> {
    return this.keyOf(await sha256Async(bytes), k);
  }

  private keyOf(digest: Uint8Array, k: RewriteKey): string {
    const l = k.limits;
    const shape = Object.keys(l).sort().map((n) => `${n}=${l[n as keyof ModuleLimits]}`).join(',');
    const settings = `${REWRITER_ID}|meter=${k.meter}|pages=${k.maxPages}|${shape}`;
    return sha256Hex(concat(digest, new TextEncoder().encode(settings)));
  }

  get(key: string): CachedPrepare | undefined {
    let e = this.entries.get(key);
    if (e) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, e);
      this.stats.hits++;
    } else if (this.disk) {
      e = this.readDisk(key);
      if (e) {
        this.stats.diskHits++;
        this.remember(key, e);
      }
    }
    if (!e) {
      this.stats.misses++;
      return undefined;
    }
    return { ...e, bytes: e.bytes.slice(), info: structuredClone(e.info) };
  }

  put(key: string, p: CachedPrepare): void {
    const e: CachedPrepare = { ...p, bytes: p.bytes.slice(), info: structuredClone(p.info) };
    this.remember(key, e);
    if (this.disk) {
      try {
        this.disk.write(`${key}.wgc`, encodeEntry(e));
      } catch {
        // a full or read-only disk only costs the next load its rewrite
      }
    }
  }

  markValidated(key: string): void {
    const e = this.entries.get(key);
    if (e) e.validated = true;
  }

  private remember(key: string, e: CachedPrepare): void {
    if (this.memoryBytes <= 0 || e.bytes.length > this.memoryBytes) return;
    const old = this.entries.get(key);
    if (old) this.held -= old.bytes.length;
    this.entries.delete(key);
    this.entries.set(key, e);
    this.held += e.bytes.length;
    this.evict();
  }

  private evict(): void {
    for (const [k, e] of this.entries) {
      if (this.held <= this.memoryBytes) break;
      this.entries.delete(k);
      this.held -= e.bytes.length;
    }
  }

  private readDisk(key: string): CachedPrepare | undefined {
    try {
      const data = this.disk!.read(`${key}.wgc`);
      return data ? decodeEntry(data) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** [magic u32][meta length u32][meta JSON][sha256 of meta + bytes, 32][bytes] */
function encodeEntry(e: CachedPrepare): Uint8Array {
  const meta = new TextEncoder().encode(JSON.stringify({ info: e.info, tableEntries: e.tableEntries, metered: e.metered, frames: e.frames ?? null, rewritten: e.rewritten }));
  const digest = sha256(concat(meta, e.bytes));
  const out = new Uint8Array(8 + meta.length + 32 + e.bytes.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, meta.length, true);
  out.set(meta, 8);
  out.set(digest, 8 + meta.length);
  out.set(e.bytes, 8 + meta.length + 32);
  return out;
}

function decodeEntry(data: Uint8Array): CachedPrepare | undefined {
  if (data.length < 8) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) return undefined;
  const n = dv.getUint32(4, true);
  if (8 + n + 32 > data.length) return undefined;
  const meta = data.subarray(8, 8 + n);
  const digest = data.subarray(8 + n, 8 + n + 32);
  const bytes = data.slice(8 + n + 32);
  const actual = sha256(concat(meta, bytes));
  for (let i = 0; i < 32; i++) if (actual[i] !== digest[i]) return undefined;
  const m = JSON.parse(new TextDecoder().decode(meta)) as { info: ModuleInfo; tableEntries: number; metered: boolean; frames: FrameMap | null; rewritten: boolean };
  // Read from disk: validated again before anyone who asks for validation gets it.
  return { bytes, info: m.info, tableEntries: m.tableEntries, metered: m.metered, frames: m.frames ?? undefined, rewritten: m.rewritten, validated: false };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The cache every prepareModule of this realm uses. */
export const loadCache = new LoadCache();

type NodeFs = {
  readFileSync(p: string): Uint8Array;
  writeFileSync(p: string, d: Uint8Array, o?: { mode?: number }): void;
  renameSync(a: string, b: string): void;
  mkdirSync(p: string, o: { recursive: boolean; mode?: number }): void;
  existsSync(p: string): boolean;
};

/** Node's file system for the disk cache, or a clear error where there is none (browsers). */
function nodeDiskStore(dir: string): DiskStore {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; pid?: number } }).process;
  const fs = p?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  if (!fs) throw new Error('WasGo: a disk load cache needs Node (20.16 or later); browsers keep the in-memory cache only');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (name: string) => `${dir}/${name}`;
  let n = 0;
  return {
    read: (name) => (fs.existsSync(path(name)) ? new Uint8Array(fs.readFileSync(path(name))) : undefined),
    write: (name, data) => {
      // Written aside, then renamed: a reader never sees half an entry (the digest would catch it anyway).
      const tmp = path(`${name}.${p?.pid ?? 0}.${n++}.tmp`);
      fs.writeFileSync(tmp, data, { mode: 0o600 });
      fs.renameSync(tmp, path(name));
    },
  };
}

/**
 * Sets up the load cache of this realm: `memoryBytes` for the in-memory part, `dir` (Node) to keep
 * prepared modules on disk across runs too (off by default; the CLI reads WASGO_CACHE_DIR).
 */
export function configureLoadCache(o: LoadCacheOptions): void {
  loadCache.configure(o, o.dir ? nodeDiskStore(o.dir) : undefined);
}
