/**
 * Lists what an archive would create, before anything is extracted, so that the
 * fetcher can refuse archives whose members would land outside the sandbox.
 *
 * Tar archives are listed by GNU tar itself (the same program that extracts them, so
 * the listing cannot disagree with the extraction), with every name C-quoted so that
 * no name can forge a line. Zip archives are read from their central directory and
 * local headers here, because unzip's listings do not show symlink targets.
 */
import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { runTool, summarize, ToolMissingError } from './run-tool.js';

export type MemberType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'special';

export interface ArchiveMember {
  /** The name exactly as the archive stores it. */
  name: string;
  type: MemberType;
  /** For symlinks, the link's content; for hard links, the archive path it links to. */
  target?: string;
  /** For zip members: names are also split on backslashes, as unzip converts them. */
  backslashIsSeparator?: boolean;
}

/** The archive could not be read: it is corrupt, truncated, or not what its name says. */
export class ArchiveReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveReadError';
  }
}

const C_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
};

/** Reads a C-quoted string starting at `start` (on the opening quote); returns it and the index after the closing quote. */
function readCQuoted(line: string, start: number): [string, number] {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (ch === '"') return [Buffer.from(bytes).toString('utf8'), i + 1];
    if (ch !== '\\') {
      // LC_ALL=C makes tar escape every non-ASCII byte, so what is left is ASCII.
      bytes.push(ch.charCodeAt(0));
      i += 1;
      continue;
    }
    const next = line[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(line.slice(i + 1, i + 4))?.[0];
    if (octal !== undefined) {
      bytes.push(Number.parseInt(octal, 8) & 0xff);
      i += 1 + octal.length;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 2;
    }
  }
  throw new ArchiveReadError(`cannot parse tar's listing line: ${line}`);
}

const TAR_TYPES: Record<string, MemberType> = {
  '-': 'file',
  d: 'directory',
  l: 'symlink',
  h: 'hardlink',
};

/** Parses one line of `tar -tv --quoting-style=c --numeric-owner`. */
export function parseTarListingLine(line: string): ArchiveMember {
  const quote = line.indexOf('"');
  if (quote < 0) throw new ArchiveReadError(`cannot parse tar's listing line: ${line}`);
  const [name, end] = readCQuoted(line, quote);
  const type = TAR_TYPES[line[0] ?? ''] ?? 'special';
  const rest = line.slice(end);
  if (type === 'symlink' && rest.startsWith(' -> "')) {
    return { name, type, target: readCQuoted(rest, 4)[0] };
  }
  if (type === 'hardlink' && rest.startsWith(' link to "')) {
    return { name, type, target: readCQuoted(rest, 9)[0] };
  }
  if (type === 'symlink' || type === 'hardlink' || (type !== 'special' && rest !== '')) {
    throw new ArchiveReadError(`cannot parse tar's listing line: ${line}`);
  }
  return { name, type };
}

/**
 * Lists a tar archive (compressed or not: GNU tar detects gzip, bzip2 and xz from the
 * content, as libarchive does for Mesos). `-P` shows names as stored, without the
 * leading '/' that tar would strip, so that absolute names can be refused.
 */
export async function listTarMembers(
  archive: string,
  signal?: AbortSignal,
): Promise<ArchiveMember[]> {
  let result: Awaited<ReturnType<typeof runTool>>;
  try {
    result = await runTool(
      'tar',
      ['-t', '-v', '-P', '--quoting-style=c', '--numeric-owner', '-f', archive],
      { signal, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (err) {
    if (err instanceof ToolMissingError) throw new ArchiveReadError(err.message);
    throw err;
  }
  if (result.code !== 0) {
    throw new ArchiveReadError(summarize(result.stderr, `tar exited with status ${result.code}`));
  }
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map(parseTarListingLine);
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** The end-of-central-directory record is 22 bytes plus a comment of at most 65535. */
const MAX_EOCD_SEARCH = 22 + 0xffff;
/** A symlink's target is a path; anything longer is not one we would create. */
const MAX_LINK_TARGET = 4096;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** "Version made by" host systems whose external attributes hold a Unix mode. */
const UNIX_HOSTS = new Set([3, 19]);

interface CentralEntry {
  name: Buffer;
  flags: number;
  method: number;
  compressedSize: number;
  madeBy: number;
  externalAttributes: number;
  localOffset: number;
}

function corrupt(reason: string): ArchiveReadError {
  return new ArchiveReadError(`not a valid zip archive: ${reason}`);
}

/** Lists a zip archive from its central directory, reading symlink targets from the entries. */
export async function listZipMembers(archive: string): Promise<ArchiveMember[]> {
  const file = await open(archive, 'r');
  try {
    const { size } = await file.stat();
    const read = async (position: number, length: number): Promise<Buffer> => {
      if (position < 0 || length < 0 || position + length > size) {
        throw corrupt('a record points past the end of the file');
      }
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, position);
      if (bytesRead !== length) throw corrupt('the file is truncated');
      return buffer;
    };

    const tailLength = Math.min(size, MAX_EOCD_SEARCH);
    const tail = await read(size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw corrupt('no end of central directory record');
    const eocdPosition = size - tailLength + eocd;
    let entries = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locator = await read(eocdPosition - 20, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) {
        throw corrupt('missing zip64 end of central directory locator');
      }
      const record = await read(Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
        throw corrupt('missing zip64 end of central directory record');
      }
      entries = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    const directory = await read(directoryOffset, directorySize);

    const central: CentralEntry[] = [];
    let at = 0;
    for (let n = 0; n < entries; n++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
        throw corrupt('bad central directory entry');
      }
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const end = at + 46 + nameLength + extraLength + commentLength;
      if (end > directory.length) throw corrupt('bad central directory entry');
      const entry: CentralEntry = {
        madeBy: directory.readUInt16LE(at + 4),
        flags: directory.readUInt16LE(at + 8),
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        externalAttributes: directory.readUInt32LE(at + 38),
        localOffset: directory.readUInt32LE(at + 42),
        name: directory.subarray(at + 46, at + 46 + nameLength),
      };
      applyZip64Extra(
        entry,
        directory.readUInt32LE(at + 24),
        directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength),
      );
      central.push(entry);
      at = end;
    }

    const members: ArchiveMember[] = [];
    for (const entry of central) {
      const local = await read(entry.localOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw corrupt('bad local file header');
      const localNameLength = local.readUInt16LE(26);
      const localExtraLength = local.readUInt16LE(28);
      const localName = await read(entry.localOffset + 30, localNameLength);
      const mode = UNIX_HOSTS.has(entry.madeBy >> 8) ? entry.externalAttributes >>> 16 : 0;
      const type: MemberType =
        (mode & S_IFMT) === S_IFLNK
          ? 'symlink'
          : (mode & S_IFMT) === S_IFDIR || entry.name.at(-1) === 0x2f
            ? 'directory'
            : 'file';
      const names = [entry.name.toString('utf8')];
      // unzip extracts by one of the two names; both must be safe.
      if (!localName.equals(entry.name)) names.push(localName.toString('utf8'));
      let target: string | undefined;
      if (type === 'symlink') {
        const dataStart = entry.localOffset + 30 + localNameLength + localExtraLength;
        target = readLinkTarget(entry, await read(dataStart, entry.compressedSize));
      }
      for (const name of names) {
        members.push({
          name,
          type,
          backslashIsSeparator: true,
          ...(target !== undefined ? { target } : {}),
        });
      }
    }
    return members;
  } finally {
    await file.close();
  }
}

/** Zip64 keeps sizes and offsets that do not fit 32 bits in extra field 0x0001, in this order. */
function applyZip64Extra(entry: CentralEntry, uncompressedSize: number, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        if (field + 8 > at + 4 + length) throw corrupt('short zip64 extra field');
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (uncompressedSize === 0xffffffff) next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff) entry.localOffset = next();
      return;
    }
    at += 4 + length;
  }
}

function readLinkTarget(entry: CentralEntry, data: Buffer): string {
  if (entry.flags & 0x1) throw corrupt('an encrypted symlink cannot be checked');
  if (entry.compressedSize > MAX_LINK_TARGET) throw corrupt('a symlink target is too long');
  if (entry.method === 0) return data.toString('utf8');
  if (entry.method === 8) {
    try {
      return inflateRawSync(data, { maxOutputLength: MAX_LINK_TARGET }).toString('utf8');
    } catch {
      throw corrupt('a symlink target cannot be inflated');
    }
  }
  throw corrupt(`a symlink uses unsupported compression method ${entry.method}`);
}
