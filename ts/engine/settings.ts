import { SettingsError } from './errors';

/** 1 = Safe (allowlist), 2 = Wrapped (plus safe wrappers), 3 = Unsafe (everything). */
export type SafetyLevel = 1 | 2 | 3;
export const LEVELS: readonly SafetyLevel[] = [1, 2, 3];

/**
 * Asked before a level-2 file write. Resolve true to allow. The default denies.
 * `path` is relative to the mod's own folder.
 */
export type ConfirmWrite = (request: { mod: string; path: string; bytes: number }) => boolean | Promise<boolean>;

export interface WasGoSettings {
  /** Safety level of the function table every instance is linked against. Default 1. */
  level: SafetyLevel;
  /** Refuse to instantiate a module that imports anything the level does not expose (instead of linking an error stub). Default false. */
  strictImports: boolean;
  /** Cap for every guest memory, in MiB (maximum rewritten to min(declared, cap)). Default 64. */
  memoryMb: number;
  /** Budget for all live instances together, in MiB: each instance holds its memories' capped maximum. Default 1024. */
  totalMemoryMb: number;
  /** Fuel budget for one inline call (main or an export); 0 means unmetered. Default 100_000_000. */
  fuelPerCall: number;
  /** Wall-clock limit for main() in a worker, in ms; 0 means none. Default 10_000. */
  mainTimeoutMs: number;
  /**
   * Wall-clock backstop for one inline call, in ms, checked at every host call and fuel refill:
   * the call stops with Timeout even if some cost is mispriced. 0 means none. Default 250
   * (see docs/limits.md for why).
   */
  maxCallMs: number;
  /** Fuel budget for one worker main; 0 means unmetered (then only mainTimeoutMs bounds it). Default 10_000_000_000. */
  fuelPerMain: number;
  /** Concurrent worker mains across the engine; past it `start()` fails with WorkerLimit. Default 16. */
  maxWorkers: number;
  /** Cap on every table's size in entries (declared minimum, maximum and growth). Default 100_000. */
  maxTableEntries: number;
  /** Level 2: root folder under which each mod gets its own folder. Default `wasgo-data` (Node) / `user://wasgo` (Godot). */
  fileDir: string;
  /** Level 2: ask before each file write. Default true (and the default confirmation denies). */
  confirmFileWrites: boolean;
  /** Level 2: the confirmation callback. Default: deny. */
  confirmWrite: ConfirmWrite;
  /** Level 2: URL prefixes HTTP requests may go to (scheme://host[:port]/path-prefix). Default none. */
  networkAllowlist: string[];
  /** Seed for the guests' random generator; undefined seeds from the clock. */
  randomSeed?: number | undefined;
  /** ANT.zip: refuse packages without a valid signature from a trusted key. Default true. */
  requireSignature: boolean;
  /** ANT.zip: trusted Ed25519 public keys (base64 of the 32 raw bytes). Default none. */
  trustedKeys: string[];
}

export const DEFAULT_SETTINGS: Readonly<WasGoSettings> = Object.freeze({
  level: 1,
  strictImports: false,
  memoryMb: 64,
  totalMemoryMb: 1024,
  fuelPerCall: 100_000_000,
  mainTimeoutMs: 10_000,
  maxCallMs: 250,
  fuelPerMain: 10_000_000_000,
  maxWorkers: 16,
  maxTableEntries: 100_000,
  fileDir: 'wasgo-data',
  confirmFileWrites: true,
  confirmWrite: () => false,
  networkAllowlist: [],
  randomSeed: undefined,
  requireSignature: true,
  trustedKeys: [],
});

/** A wasm32 memory has at most 65536 pages of 64 KiB: 4096 MiB. */
export const MAX_MEMORY_MB = 4096;

/**
 * The range of every numeric setting, inclusive: the one table resolveSettings, the CLI flags
 * (ts/cli/args.ts) and Godot's Project Settings hints (addons/wasgo/settings.gd, checked by
 * tests/engine/limits-v2.test.ts) all use.
 */
export const SETTING_RANGES = {
  level: [1, 3],
  memoryMb: [1, MAX_MEMORY_MB],
  totalMemoryMb: [1, 2 ** 24],
  fuelPerCall: [0, Number.MAX_SAFE_INTEGER],
  mainTimeoutMs: [0, 2 ** 31 - 1],
  maxCallMs: [0, 2 ** 31 - 1],
  fuelPerMain: [0, Number.MAX_SAFE_INTEGER],
  maxWorkers: [1, 1024],
  maxTableEntries: [1, 10_000_000],
  randomSeed: [0, 2 ** 32 - 1],
} as const satisfies Partial<Record<keyof WasGoSettings, readonly [number, number]>>;

export type NumericSetting = keyof typeof SETTING_RANGES;

/** Fills defaults and rejects values that make no sense, naming the setting. */
export function resolveSettings(partial: Partial<WasGoSettings> = {}): WasGoSettings {
  const s: WasGoSettings = { ...DEFAULT_SETTINGS, ...stripUndefined(partial) };
  if (!LEVELS.includes(s.level)) throw new SettingsError(`level must be 1, 2 or 3, got ${String(s.level)}`);
  for (const key of Object.keys(SETTING_RANGES) as NumericSetting[]) {
    if (key === 'level' || (key === 'randomSeed' && s.randomSeed === undefined)) continue;
    const [min, max] = SETTING_RANGES[key];
    positive(key, s[key] as number, min, max);
  }
  if (!Array.isArray(s.networkAllowlist)) throw new SettingsError('networkAllowlist must be an array of URL prefixes');
  if (!Array.isArray(s.trustedKeys)) throw new SettingsError('trustedKeys must be an array of base64 public keys');
  if (typeof s.confirmWrite !== 'function') throw new SettingsError('confirmWrite must be a function');
  return s;
}

function positive(name: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new SettingsError(`${name} must be a number in [${min}, ${max}], got ${String(v)}`);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
