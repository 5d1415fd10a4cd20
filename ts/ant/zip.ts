import JSZip from 'jszip';
import { crc32Update } from './crc32';
import { PackageRefused, problem, throwFirst, type ProblemSink } from './errors';
import { resolveLimits, type PackageLimits } from './limits';
import { scanZip, type ScannedEntry } from './zip-scan';

/**
 * Safe reading of a zip: scanZip vets every header first, then jszip inflates the sound entries
 * one at a time into buffers sized by their declared length. Output past the declared size stops
 * the stream, so a lying header costs at most one inflater step past it (see INFLATE_OVERSHOOT).
 */

/** Counters filled in while reading, also when reading fails: for tests and diagnostics. */
export interface ZipReadStats {
  /** Bytes the inflater produced, including any produced past a cap before it stopped. */
  inflatedBytes: number;
  /** Bytes allocated for entry contents; never more than the maxTotalBytes limit. */
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
  const scan = scanZip(bytes, limits, report);
  const files = new Map<string, Uint8Array>();
  // Only reachable when a validator collects problems instead of throwing: nothing more is safe to do.
  if (scan.declaredTotal > limits.maxTotalBytes) return files;
  const wanted = scan.entries.filter((e) => e.sound && !e.folder);
  if (wanted.length === 0) return files;

  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false, createFolders: false });
  } catch (cause) {
    throw new PackageRefused('ZipCorrupt', `jszip could not read the zip: ${(cause as Error).message}`, undefined, {}, { cause });
  }
  const objects = jszipFiles(zip, scan.entries);
  for (const entry of wanted) {
    const contents = await inflate(objects.get(entry.name)!, entry, stats, report);
    if (contents) files.set(entry.name, contents);
  }
  return files;
}

/** jszip's file objects by name, after checking jszip sees exactly the entries scanZip saw. */
function jszipFiles(zip: JSZip, entries: ScannedEntry[]): Map<string, JSZip.JSZipObject> {
  const objects = new Map<string, JSZip.JSZipObject>();
  zip.forEach((_path, file) => {
    if (!file.dir) objects.set(file.name, file);
  });
  const expected = entries.filter((e) => !e.folder);
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
