import { PackageRefused, problem, type PackageProblem, type ProblemSink } from './errors';
import type { PackageLimits } from './limits';
import { collisionKey, entryNameProblem, isFolderName } from './names';

/**
 * Reads the zip's own directory structures — end record, central directory, local headers —
 * straight from the bytes, before jszip sees them. jszip trusts these structures (it strips "../",
 * keeps the last of two duplicate names, prefers the local header's name, honours the Info-ZIP
 * Unicode path field, tolerates prefixed data); everything it would smooth over is refused here
 * on the RAW values, and every size is checked against the limits before anything is inflated.
 *
 * Structural damage (no end record, broken directory) throws PackageRefused at once; problems
 * with one entry go to `report` and the entry is marked unsound, so a validator can list them all.
 */

export interface ScannedEntry {
  /** Entry name as stored (decoded as UTF-8). */
  name: string;
  folder: boolean;
  /** 0 = stored, 8 = deflated. */
  method: number;
  crc32: number;
  compressedSize: number;
  /** Inflated size the central directory declares. */
  size: number;
  /** Offset of the entry's local header, and of its compressed data, in the zip. */
  localOffset: number;
  dataOffset: number;
  /** The entry's central directory record: offset and length in the zip. */
  centralOffset: number;
  centralLength: number;
  /** False when a problem was reported for this entry; unsound entries are never inflated. */
  sound: boolean;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const END_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const FLAG_MASKED_HEADERS = 0x2000;

const EXTRA_ZIP64 = 0x0001;
const EXTRA_UNICODE_PATH = 0x7075;

const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const METHOD_AES = 99;

const DOS_FOLDER = 0x10;
const DOS_REPARSE_POINT = 0x400;
const UNIX_TYPE_MASK = 0o170000;
const UNIX_FILE = 0o100000;
const UNIX_FOLDER = 0o040000;

// ignoreBOM keeps a leading U+FEFF in the name, as jszip does, instead of silently dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lossy = new TextDecoder('utf-8', { ignoreBOM: true });

export function scanZip(bytes: Uint8Array, limits: PackageLimits, report: ProblemSink): ScannedEntry[] {
  const fatal = (p: PackageProblem): never => {
    throw PackageRefused.from(p);
  };
  if (bytes.length > limits.maxPackageBytes) {
    fatal(problem('PackageTooLarge', `the zip is ${bytes.length} bytes; the limit is ${limits.maxPackageBytes}`));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  const end = findEndRecord(bytes, view);
  if (end < 0) {
    const looksLikeZip = bytes.length >= 4 && u32(0) === SIG_LOCAL;
    fatal(looksLikeZip
      ? problem('ZipTruncated', 'no end-of-central-directory record: the zip is truncated')
      : problem('NotAZip', 'not a zip file (no end-of-central-directory record)'));
  }
  if (end + END_SIZE > bytes.length) fatal(problem('ZipTruncated', 'the end-of-central-directory record is cut off'));
  const commentEnd = end + END_SIZE + u16(end + 20);
  if (commentEnd > bytes.length) fatal(problem('ZipTruncated', 'the zip comment is cut off'));
  if (commentEnd < bytes.length) fatal(problem('ZipCorrupt', `${bytes.length - commentEnd} bytes of data after the end of the zip`));

  const diskNumber = u16(end + 4), directoryDisk = u16(end + 6);
  const entriesOnDisk = u16(end + 8), entryCount = u16(end + 10);
  const directorySize = u32(end + 12), directoryOffset = u32(end + 16);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff ||
      (end >= 20 && u32(end - 20) === SIG_ZIP64_LOCATOR)) {
    fatal(problem('UnsupportedZipFeature', 'ZIP64 archives are not supported (packages are far below 4 GiB)'));
  }
  if (diskNumber !== 0 || directoryDisk !== 0 || entriesOnDisk !== entryCount) {
    fatal(problem('UnsupportedZipFeature', 'multi-disk (split) archives are not supported'));
  }
  // Refused from the end record alone, before a single directory record is parsed.
  if (entryCount > limits.maxEntries) {
    fatal(problem('TooManyEntries', `the zip has ${entryCount} entries; the limit is ${limits.maxEntries}`));
  }
  if (directoryOffset + directorySize !== end) {
    fatal(problem('ZipCorrupt', 'the central directory does not end where the end record starts (prefixed, appended or truncated data)'));
  }

  const entries: ScannedEntry[] = [];
  const localOffsets: ScannedEntry[] = [];
  let pos = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (pos + CENTRAL_SIZE > end || u32(pos) !== SIG_CENTRAL) {
      fatal(problem('ZipCorrupt', `central directory record ${i} is missing or damaged`));
    }
    const versionMadeBy = u16(pos + 4);
    const flags = u16(pos + 8);
    const method = u16(pos + 10);
    const crc32 = u32(pos + 16);
    const compressedSize = u32(pos + 20);
    const size = u32(pos + 24);
    const nameLength = u16(pos + 28), extraLength = u16(pos + 30), commentLength = u16(pos + 32);
    const externalAttributes = u32(pos + 38);
    const localOffset = u32(pos + 42);
    const centralOffset = pos;
    const nameStart = pos + CENTRAL_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > end) fatal(problem('ZipCorrupt', `central directory record ${i} runs past the directory`));
    pos = next;

    const rawName = bytes.subarray(nameStart, extraStart);
    let name: string;
    let sound = true;
    const flag = (p: PackageProblem) => {
      sound = false;
      report(p);
    };
    try {
      name = utf8.decode(rawName);
    } catch {
      name = utf8Lossy.decode(rawName);
      flag(problem('UnsafeEntryName', 'name is not valid UTF-8', name));
    }
    const nameProblem = entryNameProblem(name, limits.maxNameBytes);
    if (nameProblem) flag(nameProblem);

    const extras = extraFieldIds(bytes.subarray(extraStart, extraStart + extraLength));
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS) || method === METHOD_AES) {
      flag(problem('EncryptedEntry', 'encrypted entries are not supported', name));
    } else if (method !== METHOD_STORED && method !== METHOD_DEFLATED) {
      flag(problem('UnsupportedCompression', `compression method ${method} is not supported (only stored and deflate)`, name));
    }
    if (extras.has(EXTRA_ZIP64) || compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      flag(problem('UnsupportedZipFeature', 'ZIP64 entries are not supported', name));
    }
    // Without the UTF-8 flag jszip would take the name from this field instead of the one checked here.
    if (extras.has(EXTRA_UNICODE_PATH) && !(flags & FLAG_UTF8)) {
      flag(problem('UnsupportedZipFeature', 'Info-ZIP Unicode path fields are not supported; store names as UTF-8', name));
    }

    const folder = isFolderName(name);
    const typeProblem = entryTypeProblem(name, folder, versionMadeBy, externalAttributes, compressedSize, size);
    if (typeProblem) flag(typeProblem);
    if (!folder && size > limits.maxEntryBytes) {
      flag(problem('EntryTooLarge', `declares ${size} bytes; the limit is ${limits.maxEntryBytes}`, name));
    }
    if (method === METHOD_STORED && compressedSize !== size) {
      flag(problem('EntrySizeMismatch', `stored entry declares ${compressedSize} stored bytes but ${size} inflated bytes`, name));
    }

    // The local header must agree with the central one: jszip reads the name from it.
    let dataOffset = -1;
    let localFound = false;
    if (localOffset + LOCAL_SIZE > directoryOffset || u32(localOffset) !== SIG_LOCAL) {
      flag(problem('ZipCorrupt', 'local header is missing or outside the file data', name));
    } else {
      localFound = true;
      const localFlags = u16(localOffset + 6);
      const localNameLength = u16(localOffset + 26);
      dataOffset = localOffset + LOCAL_SIZE + localNameLength + u16(localOffset + 28);
      const localName = bytes.subarray(localOffset + LOCAL_SIZE, Math.min(localOffset + LOCAL_SIZE + localNameLength, directoryOffset));
      const deferred = (localFlags & FLAG_DATA_DESCRIPTOR) !== 0;
      const agrees = (at: number, central: number) => u32(at) === central || (deferred && u32(at) === 0);
      if (!sameBytes(localName, rawName)) {
        flag(problem('HeaderMismatch', 'the local header names a different file than the central directory', name));
      } else if (u16(localOffset + 8) !== method || (localFlags & FLAG_ENCRYPTED) !== (flags & FLAG_ENCRYPTED)) {
        flag(problem('HeaderMismatch', 'local and central headers disagree on compression or encryption', name));
      } else if (!agrees(localOffset + 14, crc32) || !agrees(localOffset + 18, compressedSize) || !agrees(localOffset + 22, size)) {
        flag(problem('HeaderMismatch', 'local and central headers disagree on sizes or checksum', name));
      } else if (dataOffset + compressedSize > directoryOffset) {
        flag(problem('ZipCorrupt', 'entry data runs past the file data (truncated zip?)', name));
      }
    }
    const entry: ScannedEntry = { name, folder, method, crc32, compressedSize, size, localOffset, dataOffset, centralOffset, centralLength: next - centralOffset, sound };
    if (localFound) localOffsets.push(entry);
    entries.push(entry);
  }
  if (pos !== end) fatal(problem('ZipCorrupt', 'the central directory holds more than its end record counts'));

  // Bytes before the first entry are how self-extractors and polyglot files (zip + HTML/wasm) work.
  const firstOffset = localOffsets.reduce((min, l) => Math.min(min, l.localOffset), directoryOffset);
  if (firstOffset !== 0) fatal(problem('UnsupportedZipFeature', `${firstOffset} bytes of data before the first entry (self-extracting or polyglot file)`));
  checkOverlaps(localOffsets, report);
  checkNames(entries, report);

  let declaredTotal = 0;
  for (const e of entries) if (e.sound && !e.folder) declaredTotal += e.size;
  if (declaredTotal > limits.maxTotalBytes) {
    fatal(problem('PackageInflatesTooLarge', `entries declare ${declaredTotal} inflated bytes; the limit is ${limits.maxTotalBytes}`));
  }
  return entries;
}

/** The last end-record signature, as jszip picks it, within comment reach of the end; -1 if none. */
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const lowest = Math.max(0, bytes.length - END_SIZE - MAX_COMMENT);
  for (let at = bytes.length - 4; at >= lowest; at--) {
    if (bytes[at] === 0x50 && view.getUint32(at, true) === SIG_END) return at;
  }
  return -1;
}

function extraFieldIds(extra: Uint8Array): Set<number> {
  const ids = new Set<number>();
  for (let at = 0; at + 4 <= extra.length; ) {
    ids.add(extra[at]! | (extra[at + 1]! << 8));
    at += 4 + (extra[at + 2]! | (extra[at + 3]! << 8));
  }
  return ids;
}

/** Only regular files and empty folders: symlinks, devices and reparse points are refused. */
function entryTypeProblem(name: string, folder: boolean, versionMadeBy: number, attributes: number, compressedSize: number, size: number): PackageProblem | undefined {
  const unixType = (attributes >>> 16) & UNIX_TYPE_MASK;
  const madeByUnixLike = versionMadeBy >> 8 === 3 || versionMadeBy >> 8 === 19; // Unix, OS X
  if (madeByUnixLike && unixType !== 0 && unixType !== UNIX_FILE && unixType !== UNIX_FOLDER) {
    return problem('UnsupportedEntryType', `unix file type 0o${unixType.toString(8)} (symlink or special file) is not supported`, name);
  }
  if (attributes & DOS_REPARSE_POINT) return problem('UnsupportedEntryType', 'reparse points (Windows links) are not supported', name);
  const markedFolder = (attributes & DOS_FOLDER) !== 0 || (madeByUnixLike && unixType === UNIX_FOLDER);
  if (markedFolder && !folder) return problem('UnsupportedEntryType', 'marked as a folder but the name has no trailing "/"', name);
  if (folder && (compressedSize !== 0 || size !== 0)) return problem('UnsupportedEntryType', 'folder entry carries data', name);
  return undefined;
}

/** Two entries sharing bytes are how "overlapping file" zip bombs multiply their output. */
function checkOverlaps(located: ScannedEntry[], report: ProblemSink): void {
  const sorted = located.filter((e) => e.sound).sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!, cur = sorted[i]!;
    if (prev.dataOffset + prev.compressedSize > cur.localOffset) {
      cur.sound = false;
      report(problem('ZipCorrupt', `entry data overlaps entry ${JSON.stringify(prev.name)}`, cur.name));
    }
  }
}

/** Duplicates, case/normalisation collisions, and a file sharing its name with a folder. */
function checkNames(entries: ScannedEntry[], report: ProblemSink): void {
  const exact = new Set<string>();
  const files = new Map<string, string>(); // collision key → name
  const folders = new Map<string, string>(); // collision key (no trailing "/") → name
  for (const e of entries) {
    if (exact.has(e.name)) {
      e.sound = false;
      report(problem('DuplicateEntry', 'the zip holds this name more than once', e.name));
      continue;
    }
    exact.add(e.name);
    const key = collisionKey(e.folder ? e.name.slice(0, -1) : e.name);
    const seen = e.folder ? folders : files;
    const other = seen.get(key);
    if (other !== undefined && !e.folder) {
      e.sound = false;
      report(problem('EntryNameCollision', `differs from ${JSON.stringify(other)} only in case or Unicode normalisation`, e.name));
      continue;
    }
    seen.set(key, e.name);
    // Every parent folder is implied even without its own entry.
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!folders.has(parent)) folders.set(parent, e.name.split('/').slice(0, i).join('/') + '/');
    }
  }
  for (const e of entries) {
    if (e.folder || !e.sound) continue;
    const folder = folders.get(collisionKey(e.name));
    if (folder !== undefined) {
      e.sound = false;
      report(problem('EntryNameCollision', `is also a folder (${JSON.stringify(folder)})`, e.name));
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
