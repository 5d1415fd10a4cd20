import JSZip from 'jszip';
import { crc32Update } from './crc32';
import { PackageRefused, problem, throwFirst, type ProblemSink } from './errors';
import { resolveLimits, type PackageLimits } from './limits';
import { scanZip, type ScannedEntry } from './zip-scan';

/**
 * Safe reading of a zip: scanZip vets every header first; jszip then gets a zip rebuilt from the
 * vetted entries only (so it never parses a structure we did not check, and a validator can go on
 * past entries jszip would choke on) and inflates them one at a time into buffers sized by their
 * declared length. Output past the declared size stops
 * the stream, so a lying header costs at most one inflater step past it (see INFLATE_OVERSHOOT).
 */

/** Counters filled in while reading, also when reading fails: for tests and diagnostics. */
export interface ZipReadStats {
  /** Bytes the inflater produced, including any produced past a cap before it stopped. */
  inflatedBytes: number;
  /** Bytes held in entry buffers now (an entry that fails releases its own); never more than maxTotalBytes. */
  allocatedBytes: number;
}

/**
 * Most bytes the inflater can produce past a cap before it stops: jszip feeds it 16 KiB of
 * compressed data per step, and deflate expands at most 1032:1.
 */
export const INFLATE_OVERSHOOT = 16 * 1024 * 1032;

export interface ReadZipOptions {
  limits?: Partial<PackageLimits> | undefined;
  stats?: ZipReadStats | undefined;
  /** Where entry problems go. Default: throw the first as PackageRefused. */
  report?: ProblemSink | undefined;
}

/** Entry name → contents for every file entry (folders are skipped). */
export async function readZip(bytes: Uint8Array, options: ReadZipOptions = {}): Promise<Map<string, Uint8Array>> {
  const limits = resolveLimits(options.limits);
  const report = options.report ?? throwFirst;
  const stats = options.stats ?? { inflatedBytes: 0, allocatedBytes: 0 };
  const files = new Map<string, Uint8Array>();
  const wanted = scanZip(bytes, limits, report).filter((e) => e.sound && !e.folder);
  if (wanted.length === 0) return files;

  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(rebuild(bytes, wanted), { checkCRC32: false, createFolders: false });
  } catch (cause) {
    throw new PackageRefused('ZipCorrupt', `jszip could not read the zip: ${(cause as Error).message}`, undefined, {}, { cause });
  }
  const objects = jszipFiles(zip, wanted);
  for (const entry of wanted) {
    const contents = await inflate(objects.get(entry.name)!, entry, stats, report);
    if (contents) files.set(entry.name, contents);
  }
  return files;
}

/** A zip of just `entries`: their local headers and data as they are, fresh central directory. */
function rebuild(bytes: Uint8Array, entries: ScannedEntry[]): Uint8Array {
  const spans = entries.map((e) => bytes.subarray(e.localOffset, e.dataOffset + e.compressedSize));
  const dataSize = spans.reduce((n, s) => n + s.length, 0);
  const directorySize = entries.reduce((n, e) => n + e.centralLength, 0);
  const out = new Uint8Array(dataSize + directorySize + 22);
  const view = new DataView(out.buffer);
  let at = 0, record = dataSize;
  entries.forEach((e, i) => {
    out.set(bytes.subarray(e.centralOffset, e.centralOffset + e.centralLength), record);
    view.setUint32(record + 42, at, true); // the local header's new offset
    record += e.centralLength;
    out.set(spans[i]!, at);
    at += spans[i]!.length;
  });
  view.setUint32(record, 0x06054b50, true);
  view.setUint16(record + 8, entries.length, true);
  view.setUint16(record + 10, entries.length, true);
  view.setUint32(record + 12, directorySize, true);
  view.setUint32(record + 16, dataSize, true);
  return out;
}

/** jszip's file objects by name, after checking jszip sees exactly the entries handed to it. */
function jszipFiles(zip: JSZip, expected: ScannedEntry[]): Map<string, JSZip.JSZipObject> {
  const objects = new Map<string, JSZip.JSZipObject>();
  zip.forEach((_path, file) => {
    if (!file.dir) objects.set(file.name, file);
  });
  if (objects.size !== expected.length || expected.some((e) => !objects.has(e.name))) {
    throw new PackageRefused('ZipCorrupt', 'jszip reads a different list of entries than the central directory holds');
  }
  return objects;
}

/** jszip's streaming API is public but missing from its typings. */
interface Streamable {
  internalStream(type: 'uint8array'): JSZip.JSZipStreamHelper<Uint8Array>;
}

function inflate(file: JSZip.JSZipObject, entry: ScannedEntry, stats: ZipReadStats, report: ProblemSink): Promise<Uint8Array | undefined> {
  const out = new Uint8Array(entry.size);
  stats.allocatedBytes += entry.size;
  let filled = 0;
  let crc = 0;
  let settled = false;
  return new Promise((resolve, reject) => {
    const fail = (code: 'EntrySizeMismatch' | 'EntryCorrupt', message: string) => {
      if (settled) return;
      settled = true;
      stats.allocatedBytes -= entry.size;
      try {
        report(problem(code, message, entry.name));
        resolve(undefined);
      } catch (e) {
        reject(e);
      }
    };
    const stream = (file as unknown as Streamable).internalStream('uint8array');
    stream
      .on('data', (chunk) => {
        stats.inflatedBytes += chunk.length;
        if (settled) return; // the rest of the step that crossed the cap: counted, dropped
        if (filled + chunk.length > out.length) {
          stream.pause();
          fail('EntrySizeMismatch', `inflates past its declared ${entry.size} bytes (lying header or zip bomb)`);
          return;
        }
        out.set(chunk, filled);
        filled += chunk.length;
        crc = crc32Update(crc, chunk);
      })
      .on('error', (e) => {
        if (filled !== entry.size) fail('EntrySizeMismatch', `inflates to ${filled} bytes but declares ${entry.size}`);
        else fail('EntryCorrupt', `could not inflate: ${e.message}`);
      })
      .on('end', () => {
        if (filled !== entry.size) fail('EntrySizeMismatch', `inflates to ${filled} bytes but declares ${entry.size}`);
        else if (crc !== entry.crc32) fail('EntryCorrupt', 'CRC-32 mismatch: the data is damaged');
        else if (!settled) {
          settled = true;
          resolve(out);
        }
      })
      .resume();
  });
}
