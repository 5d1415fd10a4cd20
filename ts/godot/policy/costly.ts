// Expensive or structure-changing level-1 methods and what the bridge checks before Godot runs
// them below level 3 (issue 9; docs/godot-policy.md, "Limits" and "Ownership"). Keys are
// `DeclaringClass.method` (ClassDB's declaring class, MethodInfo.owner), so a subclass cannot
// dodge a guard. Hand-written, like rules.ts; tests/policy/costly.test.ts checks every name
// against the ClassDB data.

import type { GodotLimits } from '../limits';

/**
 * A check of argument `arg` (its var_to_bytes encoding, done in TypeScript before Godot sees it):
 * - `text`: a String (or StringName: the same encoding) of at most `limit` characters;
 * - `points`: a PackedVector2Array of at most `limit` points;
 * - `range`: an int with |value| ≤ `limit` (refused as a policy denial: it needs level 3).
 */
export interface ArgGuard {
  readonly arg: number;
  readonly kind: 'text' | 'points' | 'range';
  readonly limit: keyof GodotLimits;
  /** Why the method is guarded (error messages, docs). */
  readonly why: string;
}

const TEXT_LAYOUT = 'text shaping and autowrap layout cost grows with the text, and is paid again on every relayout';
const NAME = 'names and patterns are matched against every node searched';
const LINE = 'every point is drawn each frame';
const POLYGON = 'polygons are triangulated on every draw (quadratic in the points)';

export const ARG_GUARDS: Readonly<Record<string, ArgGuard>> = {
  'Label.set_text': { arg: 0, kind: 'text', limit: 'maxTextChars', why: TEXT_LAYOUT },
  'Node.set_name': { arg: 0, kind: 'text', limit: 'maxNameChars', why: NAME },
  'Node.find_child': { arg: 0, kind: 'text', limit: 'maxNameChars', why: NAME },
  'Node.find_children': { arg: 0, kind: 'text', limit: 'maxNameChars', why: NAME },
  'Line2D.set_points': { arg: 0, kind: 'points', limit: 'maxLinePoints', why: LINE },
  'CanvasItem.draw_polyline': { arg: 0, kind: 'points', limit: 'maxLinePoints', why: LINE },
  'Polygon2D.set_polygon': { arg: 0, kind: 'points', limit: 'maxPolygonPoints', why: POLYGON },
  'CanvasItem.draw_polygon': { arg: 0, kind: 'points', limit: 'maxPolygonPoints', why: POLYGON },
  'CanvasItem.draw_colored_polygon': { arg: 0, kind: 'points', limit: 'maxPolygonPoints', why: POLYGON },
  'CanvasItem.set_z_index': { arg: 0, kind: 'range', limit: 'maxZIndex', why: 'a high z-index draws a mod\'s node over the game (the range is the game\'s: wasgo/limits/max_z_index)' },
};

/**
 * Methods that grow an object one element per call: Godot checks the count (`counter`, a
 * method of the object) is below `limit` before calling.
 */
export const GROWTH_GUARDS: Readonly<Record<string, { counter: string; limit: keyof GodotLimits }>> = {
  'Line2D.add_point': { counter: 'get_point_count', limit: 'maxLinePoints' },
};

/**
 * Ownership below level 3: a mod may change properties of any node in its subtree, but free,
 * rename, reparent, move or remove only nodes it constructed itself. `target`: the object called
 * must be one the mod constructed; `objects`: every object argument must be.
 */
export const OWNERSHIP: Readonly<Record<string, 'target' | 'objects'>> = {
  'Node.queue_free': 'target',
  'Node.set_name': 'target',
  'Node.add_child': 'objects',
  'Node.remove_child': 'objects',
  'Node.move_child': 'objects',
};

/**
 * z-index range below level 3, relative to the mod's node (z is relative: nested nodes add up,
 * so the value given is not enough). Godot computes, before the call, the cumulative z of every
 * CanvasItem the call would place — `set`: the node called and its descendants with the new
 * value; `add`: the child added (and its descendants) under the node called — and refuses the
 * call when any lies outside ±maxZIndex (a PolicyDenied: level 3 needed).
 */
export const Z_GUARDS: Readonly<Record<string, 'set' | 'add'>> = {
  'CanvasItem.set_z_index': 'set',
  'Node.add_child': 'add',
};
