import { HostError } from '../engine/errors';
import type { GuestMemory } from '../guest/memory';
import type { HostFunctionSpec, HostValue, OutBuffer, ParamKind, ResultKind } from './host-function';

/** A decoded `out` parameter: where the guest wants the bytes and how many fit. */
export interface OutSlot {
  ptr: number;
  capacity: number;
}

export type DecodedArg = number | bigint | string | Uint8Array | OutSlot;

/**
 * Turns the raw wasm arguments of a call into the values the implementation receives,
 * bounds-checking every pointer+length and strictly decoding every string.
 * `out` parameters are checked (the whole capacity must lie in memory) but not read.
 */
export function decodeArgs(kinds: readonly ParamKind[], raw: readonly unknown[], memory: () => GuestMemory, fn: string): DecodedArg[] {
  const args: DecodedArg[] = [];
  let i = 0;
  for (const k of kinds) {
    switch (k) {
      case 'i32': case 'f32': case 'f64': args.push(raw[i++] as number); break;
      case 'i64': args.push(raw[i++] as bigint); break;
      case 'asstring': { const p = raw[i++] as number; args.push(p === 0 ? '' : memory().readAsString(p, `${fn} argument ${args.length + 1}`)); break; }
      case 'string': args.push(memory().readString(raw[i] as number, raw[i + 1] as number, `${fn} argument ${args.length + 1}`)); i += 2; break;
      case 'bytes': args.push(memory().read(raw[i] as number, raw[i + 1] as number, `${fn} argument ${args.length + 1}`)); i += 2; break;
      case 'out': {
        const ptr = memory().check(raw[i] as number, raw[i + 1] as number, `${fn} output buffer`);
        args.push({ ptr, capacity: (raw[i + 1] as number) >>> 0 });
        i += 2;
        break;
      }
    }
  }
  return args;
}

/** An OutBuffer writing straight into guest memory (inline calls). */
export function memoryOut(slot: OutSlot, memory: () => GuestMemory): OutBuffer {
  return {
    capacity: slot.capacity,
    write(data: Uint8Array): number {
      const n = Math.min(data.length, slot.capacity);
      memory().write(slot.ptr, data.subarray(0, n));
      return n;
    },
  };
}

/** An OutBuffer that collects bytes to be copied into the guest later (worker calls). */
export function collectingOut(capacity: number): OutBuffer & { data: Uint8Array } {
  return {
    capacity,
    data: new Uint8Array(0),
    write(d: Uint8Array): number {
      const n = Math.min(d.length, capacity);
      this.data = d.slice(0, n);
      return n;
    },
  };
}

/** Converts an implementation's return value into what wasm expects for the declared result. */
export function encodeResult(kind: ResultKind, v: HostValue, fn: string): number | bigint | undefined {
  switch (kind) {
    case 'void': return undefined;
    case 'i32': return Number(v ?? 0) | 0;
    case 'i64': return typeof v === 'bigint' ? BigInt.asIntN(64, v) : BigInt(Math.trunc(Number(v ?? 0)));
    case 'f32': case 'f64': return Number(v ?? 0);
  }
  throw new HostError(`${fn}: unknown result kind ${String(kind)}`);
}

export function qualifiedName(spec: Pick<HostFunctionSpec, 'module' | 'name'>): string {
  return `${spec.module}.${spec.name}`;
}
