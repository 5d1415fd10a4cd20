/**
 * Bounds on what one mod may make Godot do in one call and hold over time (issue 9): sizes of
 * values going in and out of a call, the inputs of expensive methods, live objects, signal
 * connections, re-entry depth, and the z-index range of the mod's nodes. Project Settings under
 * `wasgo/limits/` (addons/wasgo/settings.gd) feed them; docs/godot-policy.md ("Limits") lists
 * them with their defaults and why.
 */
import { SettingsError } from '../engine/errors';

export interface GodotLimits {
  /** Bytes of one call's encoded arguments, of one result (var_to_bytes) and of one printed text. */
  readonly maxValueBytes: number;
  /** Elements of an Array or Dictionary result (get_children, find_children, ...). */
  readonly maxResultItems: number;
  /** Characters of text Godot lays out (Label.set_text): text shaping and autowrap cost grows with it. */
  readonly maxTextChars: number;
  /** Characters of a node name or a name pattern (set_name, find_child, find_children). */
  readonly maxNameChars: number;
  /** Points of a Line2D (set_points, add_point) or draw_polyline / draw_dashed_line input. */
  readonly maxLinePoints: number;
  /** Points of a polygon (Polygon2D.set_polygon, draw_polygon, draw_colored_polygon): triangulated on every draw. */
  readonly maxPolygonPoints: number;
  /** Live objects one mod constructed (counted until freed; releasing a handle does not uncount). */
  readonly maxObjects: number;
  /** Signal connections one mod holds. */
  readonly maxConnections: number;
  /** Nested host → guest entries (a signal delivered into a mod while a Godot call is running). */
  readonly maxReentryDepth: number;
  /** |z_index| a mod may give a CanvasItem below level 3 (relative to its parent). */
  readonly maxZIndex: number;
}

export const DEFAULT_GODOT_LIMITS: GodotLimits = Object.freeze({
  maxValueBytes: 64 * 1024,
  maxResultItems: 1024,
  maxTextChars: 2048,
  maxNameChars: 256,
  maxLinePoints: 4096,
  maxPolygonPoints: 256,
  maxObjects: 10_000,
  maxConnections: 1024,
  maxReentryDepth: 8,
  maxZIndex: 100,
});

/** The settings keys (read_settings() in settings.gd) and their ranges. */
const KEYS: Record<keyof GodotLimits, { key: string; min: number; max: number; scale?: number }> = {
  maxValueBytes: { key: 'maxValueKb', min: 1, max: 16 * 1024, scale: 1024 },
  maxResultItems: { key: 'maxResultItems', min: 1, max: 1_000_000 },
  maxTextChars: { key: 'maxTextChars', min: 1, max: 1 << 24 },
  maxNameChars: { key: 'maxNameChars', min: 1, max: 4096 },
  maxLinePoints: { key: 'maxLinePoints', min: 2, max: 1_000_000 },
  maxPolygonPoints: { key: 'maxPolygonPoints', min: 3, max: 1_000_000 },
  maxObjects: { key: 'maxObjects', min: 1, max: 10_000_000 },
  maxConnections: { key: 'maxConnections', min: 1, max: 1_000_000 },
  maxReentryDepth: { key: 'maxReentryDepth', min: 1, max: 64 },
  maxZIndex: { key: 'maxZIndex', min: 0, max: 4096 },
};

/** The settings keys that belong to the Godot limits (taken out before the engine sees the settings). */
export const GODOT_LIMIT_KEYS: readonly string[] = Object.values(KEYS).map((k) => k.key);

/**
 * The Godot limits' settings keys (as read_settings() names them, e.g. `maxValueKb`) with their
 * inclusive range and default in that key's unit: the bridge's counterpart of the engine's
 * SETTING_RANGES. Godot's Project Settings hints (addons/wasgo/settings.gd) must match it
 * (checked by tests/engine/limits-v2.test.ts, with the engine settings against SETTING_RANGES).
 */
export const GODOT_LIMIT_SETTINGS: Readonly<Record<string, { readonly range: readonly [number, number]; readonly default: number }>> = Object.freeze(
  Object.fromEntries(Object.entries(KEYS).map(([field, { key, min, max, scale }]) => [
    key, Object.freeze({ range: Object.freeze([min, max] as const), default: DEFAULT_GODOT_LIMITS[field as keyof GodotLimits] / (scale ?? 1) }),
  ])),
);

/** Limits from read_settings() keys (missing = default); SettingsError names a bad one. */
export function resolveGodotLimits(settings: Readonly<Record<string, unknown>> = {}): GodotLimits {
  const out: Record<string, number> = { ...DEFAULT_GODOT_LIMITS };
  for (const [field, { key, min, max, scale }] of Object.entries(KEYS)) {
    const v = settings[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new SettingsError(`${key} must be an integer in [${min}, ${max}], got ${String(v)}`);
    }
    out[field] = v * (scale ?? 1);
  }
  return Object.freeze(out as unknown as GodotLimits);
}
