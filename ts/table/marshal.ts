import { GuestMemoryError, HostError } from '../engine/errors';
import type { GuestMemory } from '../guest/memory';
import type { GuestRegion, HostFunctionSpec, HostValue, OutBuffer, ParamKind, ResultKind, ValueOut } from './host-function';

/**
 * A decoded `out`, `u32out`, `u64out` or `region` parameter: where the guest wants the bytes
 * and how many fit (checked; 4 / 8 for the value kinds; 0 for `region`, checked when written).
 */
export interface OutSlot {
  ptr: number;
  capacity: number;
}

export type DecodedArg = number | bigint | string | Uint8Array | OutSlot;

/** At most this many iovecs per call (WASI's IOV_MAX). */
export const MAX_IOVECS = 1024;

/** How many wasm values a parameter of this kind takes. */
export function arity(kind: ParamKind): 1 | 2 {
  return kind === 'string' || kind === 'bytes' || kind === 'out' || kind === 'iovecs' ? 2 : 1;
}

/** Parameter kinds the implementation writes results through. */
export function isOutput(kind: ParamKind): kind is 'out' | 'u32out' | 'u64out' | 'region' {
  return kind === 'out' || kind === 'u32out' || kind === 'u64out' || kind === 'region';
}

/** Whether a host function moves bytes between guest memory and the host (so is metered by them). */
export function movesBytes(kinds: readonly ParamKind[]): boolean {
  return kinds.some((k) => k !== 'i32' && k !== 'i64' && k !== 'f32' && k !== 'f64' && k !== 'asstring');
}

/**
 * The bytes a call's parameters move, known before anything is read: string, bytes and out
 * lengths, the iovec array plus every buffer it names (the array is bounds-checked and read
 * for that, nothing else), 4 / 8 for u32out / u64out. `region` writes are charged when they happen.
 */
export function movedBytes(kinds: readonly ParamKind[], raw: readonly unknown[], memory: () => GuestMemory, fn: string): number {
  let bytes = 0;
  let i = 0;
  for (const k of kinds) {
    switch (k) {
      case 'string': case 'bytes': case 'out': bytes += (raw[i + 1] as number) >>> 0; break;
      case 'iovecs': bytes += iovecs(memory(), raw[i] as number, raw[i + 1] as number, `${fn} iovecs`).total + 8 * ((raw[i + 1] as number) >>> 0); break;
      case 'u32out': bytes += 4; break;
      case 'u64out': bytes += 8; break;
      default: break;
    }
    i += arity(k);
  }
  return bytes;
}

/**
 * Reads and checks an iovec array: at most MAX_IOVECS entries, the array and every buffer
 * inside memory, and the total no larger than memory itself (overlapping buffers cannot make
 * the host copy more than the guest owns).
 */
export function iovecs(memory: GuestMemory, ptr: number, count: number, what: string): { segments: [number, number][]; total: number } {
  const n = count >>> 0;
  if (n > MAX_IOVECS) throw new GuestMemoryError(`${what}: ${n} iovecs; at most ${MAX_IOVECS}`);
  const view = memory.view(ptr, n * 8, what);
  const dv = new DataView(view.buffer, view.byteOffset, view.byteLength);
  const segments: [number, number][] = [];
  let total = 0;
  for (let k = 0; k < n; k++) {
    const buf = dv.getUint32(8 * k, true);
    const len = dv.getUint32(8 * k + 4, true);
    memory.check(buf, len, `${what} buffer ${k}`);
    segments.push([buf, len]);
    total += len;
  }
  if (total > memory.size) throw new GuestMemoryError(`${what}: ${total} bytes in all, more than guest memory holds (${memory.size} bytes)`);
  return { segments, total };
}

/** Copies the buffers of an iovec array into one Uint8Array. */
export function gather(memory: GuestMemory, ptr: number, count: number, what: string): Uint8Array {
  const { segments, total } = iovecs(memory, ptr, count, what);
  const out = new Uint8Array(total);
  let at = 0;
  for (const [buf, len] of segments) {
    out.set(memory.view(buf, len, what), at);
    at += len;
  }
  return out;
}

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
      case 'iovecs': args.push(gather(memory(), raw[i] as number, raw[i + 1] as number, `${fn} argument ${args.length + 1}`)); i += 2; break;
      case 'u32out': case 'u64out': {
        const capacity = k === 'u32out' ? 4 : 8;
        args.push({ ptr: memory().check(raw[i++] as number, capacity, `${fn} result pointer`), capacity });
        break;
      }
      case 'region': args.push({ ptr: (raw[i++] as number) >>> 0, capacity: 0 }); break;
    }
  }
  return args;
}

/**
 * What an implementation receives for a decoded argument on the guest's side: output slots
 * become objects writing into guest memory (inline calls, and the worker applying the main
 * thread's answer); `charge` meters `region` writes.
 */
export function guestSide(kind: ParamKind, arg: DecodedArg, memory: () => GuestMemory, charge: (bytes: number) => void): unknown {
  switch (kind) {
    case 'out': return memoryOut(arg as OutSlot, memory);
    case 'u32out': case 'u64out': return memoryValue(kind, (arg as OutSlot).ptr, memory);
    case 'region': return memoryRegion((arg as OutSlot).ptr, memory, charge);
    default: return arg;
  }
}

/** A `u32out` / `u64out` writing straight into guest memory (the slot was checked when decoded). */
export function memoryValue(kind: 'u32out' | 'u64out', ptr: number, memory: () => GuestMemory): ValueOut {
  return {
    set(value: number | bigint): void {
      memory().write(ptr, encodeValue(kind, value));
    },
  };
}

/** The little-endian bytes of a u32 / u64 result. */
export function encodeValue(kind: 'u32out' | 'u64out', value: number | bigint): Uint8Array {
  const b = new Uint8Array(kind === 'u32out' ? 4 : 8);
  const dv = new DataView(b.buffer);
  if (kind === 'u32out') dv.setUint32(0, Number(value) >>> 0, true);
  else dv.setBigUint64(0, BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(Math.trunc(value))), true);
  return b;
}

/** A `region` writing straight into guest memory: metered, then checked, then written whole. */
export function memoryRegion(address: number, memory: () => GuestMemory, charge: (bytes: number) => void): GuestRegion {
  let written = false;
  return {
    address,
    write(data: Uint8Array): void {
      if (written) throw new HostError('a region parameter may be written once');
      written = true;
      charge(data.length);
      memory().write(address, data, 'result region');
    },
  };
}

/** A ValueOut that keeps the value to be written into the guest later (worker calls). */
export function collectingValue(): ValueOut & { value: number | bigint | undefined } {
  return {
    value: undefined,
    set(v: number | bigint): void {
      this.value = v;
    },
  };
}

/** A GuestRegion that keeps the data to be written into the guest later (worker calls). */
export function collectingRegion(address: number): GuestRegion & { data: Uint8Array | undefined } {
  return {
    address,
    data: undefined,
    write(d: Uint8Array): void {
      if (this.data) throw new HostError('a region parameter may be written once');
      this.data = d.slice();
    },
  };
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
