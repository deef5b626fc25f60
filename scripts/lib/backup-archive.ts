// Reading PocketBase backup archives (zip files of pb_data) without loading them into memory:
// entries are streamed through inflate and checked against their CRC-32 and size, so a
// truncated, bit-flipped or foreign file is refused before anything is restored.
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  statSync,
  type WriteStream,
} from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createInflateRaw } from "node:zlib";

export class BackupError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
const SQLITE_MAGIC = "SQLite format 3\0";

/** Lists the archive's entries from its central directory (at the end: truncation loses it). */
export async function readEntries(path: string): Promise<ZipEntry[]> {
  const size = statSync(path).size;
  const file = await open(path, "r");
  try {
    const tailSize = Math.min(size, 22 + MAX_COMMENT + 20);
    const tail = await readAt(file, size - tailSize, tailSize);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new BackupError(
        "not a complete zip archive: its end record is missing (truncated, or not a backup)",
      );
    }
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR_SIG) {
      const z64 = await readAt(file, Number(tail.readBigUInt64LE(eocd - 20 + 8)), 56);
      if (z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new BackupError("damaged zip64 record");
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) {
      throw new BackupError("the archive is shorter than its directory says (truncated)");
    }
    const cd = await readAt(file, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) {
        throw new BackupError("damaged zip directory");
      }
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: cd.toString("utf8", p + 46, p + 46 + nameLength),
        method: cd.readUInt16LE(p + 10),
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      };
      applyZip64(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** Values too large for 32 bits sit in the zip64 extra field, in this order. */
function applyZip64(entry: ZipEntry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        const value = Number(extra.readBigUInt64LE(q));
        q += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
    }
    p += 4 + length;
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  if (bytesRead !== length) throw new BackupError("unexpected end of the archive (truncated)");
  return buffer;
}

/** Where entry data starts: after the local header, whose name/extra lengths may differ. */
async function dataOffset(file: FileHandle, entry: ZipEntry): Promise<number> {
  const header = await readAt(file, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIG) {
    throw new BackupError(`damaged archive: no header for "${entry.name}"`);
  }
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** A safe relative path for an entry, or an error for names that would escape the target. */
export function entryPath(name: string): string {
  const normal = normalize(name);
  if (name.startsWith("/") || normal.startsWith(`..${sep}`) || normal === "..") {
    throw new BackupError(`refusing archive entry outside the data dir: "${name}"`);
  }
  return normal;
}

/**
 * Streams every entry through inflate, checking CRC-32 and size, and writes each to
 * `targetDir` when given. Throws BackupError naming the first bad entry.
 */
export async function readArchive(path: string, targetDir?: string): Promise<ZipEntry[]> {
  const entries = await readEntries(path);
  const file = await open(path, "r");
  try {
    for (const entry of entries) {
      const relative = entryPath(entry.name);
      if (entry.name.endsWith("/")) {
        if (targetDir) mkdirSync(join(targetDir, relative), { recursive: true });
        continue;
      }
      if (entry.method !== 0 && entry.method !== 8) {
        throw new BackupError(`"${entry.name}" uses an unsupported compression (${entry.method})`);
      }
      const start = await dataOffset(file, entry);
      let crc = 0;
      let size = 0;
      const check = new Transform({
        transform(chunk: Buffer, _enc, done) {
          crc = crc32(chunk, crc);
          size += chunk.length;
          done(null, chunk);
        },
      });
      let sink: Writable | WriteStream;
      if (targetDir) {
        const out = join(targetDir, relative);
        mkdirSync(dirname(out), { recursive: true });
        sink = createWriteStream(out, { mode: 0o600 });
      } else {
        sink = new Writable({ write: (_chunk, _enc, done) => done() });
      }
      const source = createReadStream(path, {
        start,
        end: start + entry.compressedSize - 1,
      });
      try {
        if (entry.compressedSize === 0) {
          source.destroy();
          await new Promise<void>((resolve, reject) =>
            sink.end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
        } else {
          await (entry.method === 8
            ? pipeline(source, createInflateRaw(), check, sink)
            : pipeline(source, check, sink));
        }
      } catch (err) {
        throw new BackupError(
          `"${entry.name}" is damaged (${err instanceof Error ? err.message : String(err)})`,
        );
      }
      if (crc >>> 0 !== entry.crc || size !== entry.size) {
        throw new BackupError(`"${entry.name}" is damaged: its checksum does not match`);
      }
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** Checks the whole archive and that it is a PocketBase data dir: a complete SQLite data.db. */
export async function verifyBackup(path: string, targetDir?: string): Promise<ZipEntry[]> {
  const entries = await readArchive(path, targetDir);
  const db = entries.find((e) => e.name === "data.db");
  if (!db) throw new BackupError("not a PocketBase backup: data.db is missing");
  const file = await open(path, "r");
  try {
    const start = await dataOffset(file, db);
    // the SQLite header's first 100 bytes, inflated on their own
    const header = await firstBytes(path, start, db, 100);
    if (header.toString("latin1", 0, 16) !== SQLITE_MAGIC) {
      throw new BackupError("data.db in the backup is not an SQLite database");
    }
    const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
    const pages = header.readUInt32BE(28);
    if (pages > 0 && pageSize * pages !== db.size) {
      throw new BackupError("data.db in the backup is incomplete (size does not match its header)");
    }
  } finally {
    await file.close();
  }
  return entries;
}

async function firstBytes(
  path: string,
  start: number,
  entry: ZipEntry,
  length: number,
): Promise<Buffer> {
  const source = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
  const stream = entry.method === 8 ? source.pipe(createInflateRaw()) : source;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= length) break;
  }
  source.destroy();
  return Buffer.concat(chunks).subarray(0, length);
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}
