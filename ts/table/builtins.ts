import { GuestTrap } from '../engine/errors';
import type { HostCallContext, HostFunctionSpec } from './host-function';

/** What the level-1 functions need from the engine, per instance. */
export interface BuiltinServices {
  print(ctx: HostCallContext, text: string): void;
  pushError(ctx: HostCallContext, text: string): void;
  random(ctx: HostCallContext): { nextU32(): number; nextFloat(): number; seed(s: number): void };
}

const clock = (): number => (globalThis.performance ?? Date).now();

/** Longest abort message / file name kept in the error (a guest could pass a 64 MiB string: a 64M-character error message). */
export const MAX_ABORT_TEXT = 1000;
const clip = (s: string): string => (s.length > MAX_ABORT_TEXT ? `${s.slice(0, MAX_ABORT_TEXT)}… (${s.length} characters)` : s);

/** WasGo's own level-1 functions: harmless by construction (no I/O beyond the engine's own events). */
export function builtins(services: BuiltinServices): HostFunctionSpec[] {
  const core = { module: 'wasgo', level: 1, kind: 'core' } as const;
  return [
    { ...core, name: 'print', params: ['string'], result: 'void', cost: 1000, doc: 'Print a UTF-8 line to the game log.',
      implementation: (ctx: HostCallContext, text: string) => services.print(ctx, text) },
    { ...core, name: 'push_error', params: ['string'], result: 'void', cost: 1000, doc: 'Report a non-fatal error to the game.',
      implementation: (ctx: HostCallContext, text: string) => services.pushError(ctx, text) },
    { ...core, name: 'time_ms', params: [], result: 'f64', doc: 'Monotonic milliseconds since the host started.',
      implementation: () => clock() },
    { ...core, name: 'random_u32', params: [], result: 'i32', doc: 'Uniform 32-bit random integer.',
      implementation: (ctx: HostCallContext) => services.random(ctx).nextU32() | 0 },
    { ...core, name: 'random_f64', params: [], result: 'f64', doc: 'Uniform random number in [0, 1).',
      implementation: (ctx: HostCallContext) => services.random(ctx).nextFloat() },
    { ...core, name: 'random_seed', params: ['i32'], result: 'void', doc: "Reseed this instance's generator.",
      implementation: (ctx: HostCallContext, seed: number) => services.random(ctx).seed(seed) },
    // AssemblyScript's `env.abort(message, fileName, line, column)`; strings are AS (UTF-16) pointers.
    { ...core, name: 'abort', params: ['asstring', 'asstring', 'i32', 'i32'], result: 'void',
      doc: "AssemblyScript's abort: stops the call with the guest's message.",
      implementation: (_ctx: HostCallContext, msg: string, file: string, line: number, col: number) => {
        throw new GuestTrap(`guest aborted: ${clip(msg) || 'abort'}${file ? ` at ${clip(file)}:${line}:${col}` : ''}`);
      } },
  ];
}
