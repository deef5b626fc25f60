// Reading PocketBase backup archives (zip files of pb_data) without loading them into memory.
// yauzl reads the zip structure (central directory, zip64, local headers) and inflates; it checks
// each entry's size but not its CRC-32, so every entry is also streamed through a CRC check. A
// truncated, bit-flipped or foreign file is refused before anything is restored.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import { Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";

export class BackupError extends Error {}

export interface ZipEntry {
  name: string;
  crc: number;
  compressedSize: number;
  size: number;
}

const SQLITE_MAGIC = "SQLite format 3\0";

/** A safe relative path for an entry, or an error for names that would escape the target. */
export function entryPath(name: string): string {
  const normal = normalize(name);
  if (name.startsWith("/") || normal.startsWith(`..${sep}`) || normal === "..") {
    throw new BackupError(`refusing archive entry outside the data dir: "${name}"`);
  }
  return normal;
}

/** yauzl's messages, in the words restore prints. */
function asBackupError(err: unknown): BackupError {
  if (err instanceof BackupError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/end of central directory record signature not found/i.test(message)) {
    return new BackupError(
      "not a complete zip archive: its end record is missing (truncated, or not a backup)",
    );
  }
  if (/invalid relative path|absolute path/.test(message)) {
    return new BackupError(`refusing archive entry outside the data dir (${message})`);
  }
  if (/unexpected EOF|out of range|past end|truncated/i.test(message)) {
    return new BackupError(`the archive is cut short (truncated): ${message}`);
  }
  return new BackupError(`damaged zip archive: ${message}`);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true },
      (err, zip) => (err ? reject(asBackupError(err)) : resolve(zip)),
    );
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) =>
      err ? reject(asBackupError(err)) : resolve(stream),
    );
  });
}

/** Calls `visit` for each entry in order; the archive is closed afterwards whatever happens. */
async function eachEntry(
  path: string,
  visit: (zip: yauzl.ZipFile, entry: yauzl.Entry) => Promise<void>,
): Promise<void> {
  const zip = await openZip(path);
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", (err) => reject(asBackupError(err)));
      zip.on("end", () => resolve());
      zip.on("entry", (entry: yauzl.Entry) => {
        visit(zip, entry).then(
          () => zip.readEntry(),
          (err: unknown) => reject(asBackupError(err)),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/**
 * Streams every entry through inflate, checking CRC-32 and size, and writes each to
 * `targetDir` when given. Throws BackupError naming the first bad entry.
 */
export async function readArchive(path: string, targetDir?: string): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  await eachEntry(path, async (zip, entry) => {
    const relative = entryPath(entry.fileName);
    if (entry.fileName.endsWith("/")) {
      if (targetDir) mkdirSync(join(targetDir, relative), { recursive: true });
      return;
    }
    let crc = 0;
    const check = new Transform({
      transform(chunk: Buffer, _enc, done) {
        crc = crc32(chunk, crc);
        done(null, chunk);
      },
    });
    let sink: Writable;
    if (targetDir) {
      const out = join(targetDir, relative);
      mkdirSync(dirname(out), { recursive: true });
      sink = createWriteStream(out, { mode: 0o600 });
    } else {
      sink = new Writable({ write: (_chunk, _enc, done) => done() });
    }
    try {
      await pipeline(await openEntry(zip, entry), check, sink);
    } catch (err) {
      throw new BackupError(
        `"${entry.fileName}" is damaged (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    if (crc >>> 0 !== entry.crc32) {
      throw new BackupError(`"${entry.fileName}" is damaged: its checksum does not match`);
    }
    entries.push({
      name: entry.fileName,
      crc: entry.crc32,
      compressedSize: entry.compressedSize,
      size: entry.uncompressedSize,
    });
  });
  return entries;
}

/** Checks the whole archive and that it is a PocketBase data dir: a complete SQLite data.db. */
export async function verifyBackup(path: string, targetDir?: string): Promise<ZipEntry[]> {
  const entries = await readArchive(path, targetDir);
  const db = entries.find((e) => e.name === "data.db");
  if (!db) throw new BackupError("not a PocketBase backup: data.db is missing");
  let header: Buffer | undefined;
  await eachEntry(path, async (zip, entry) => {
    if (entry.fileName !== "data.db") return;
    header = await firstBytes(await openEntry(zip, entry), 100);
  });
  if (!header || header.toString("latin1", 0, 16) !== SQLITE_MAGIC) {
    throw new BackupError("data.db in the backup is not an SQLite database");
  }
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  if (pages > 0 && pageSize * pages !== db.size) {
    throw new BackupError("data.db in the backup is incomplete (size does not match its header)");
  }
  return entries;
}

/** The SQLite header: the entry's first bytes, inflated on their own. */
async function firstBytes(stream: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= length) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, length);
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}
