// `npm run backup`: a consistent backup of a running instance, kept locally with retention.
// PocketBase's backup API zips pb_data (database and uploaded files) inside a write
// transaction, so the archive is a point-in-time copy even under write load. The zip is
// downloaded, verified, checksummed, then removed from the server.
//
//   npm run backup -- [--url URL] [--out DIR] [--keep-daily N] [--keep-weekly M] [--keep-on-server]
//
// Credentials: PB_ADMIN_EMAIL / PB_ADMIN_PASSWORD from the environment or `.env`.
import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import PocketBase, { ClientResponseError } from "pocketbase";
import { BackupError, hashFile, verifyBackup } from "./lib/backup-archive.ts";
import { backupName, backupsToDelete } from "./lib/backup-retention.ts";
import { parseCli } from "./lib/cli.ts";
import { loadEnvFile } from "./lib/env-file.ts";
import { REPO_ROOT } from "./lib/repo.ts";
import { ENV_FILE } from "./lib/superuser.ts";

loadEnvFile(ENV_FILE);
const USAGE = `usage: npm run backup -- [--url URL] [--out DIR] [--keep-daily N] [--keep-weekly M] [--keep-on-server]

Takes a consistent backup of the running instance, downloads and verifies it into DIR
(default: backups/ in this checkout), then keeps the newest backup of each of the last N days
(default 7) and M weeks (default 4). Credentials: PB_ADMIN_EMAIL / PB_ADMIN_PASSWORD from the
environment or .env. The server must be running (default URL: http://$PB_HTTP).`;

const { values: opts } = parseCli(USAGE, {
  url: { type: "string", default: `http://${process.env["PB_HTTP"] ?? "127.0.0.1:8090"}` },
  out: { type: "string", default: join(REPO_ROOT, "backups") },
  "keep-daily": { type: "string", default: "7" },
  "keep-weekly": { type: "string", default: "4" },
  "keep-on-server": { type: "boolean", default: false },
});

try {
  await main();
} catch (err) {
  console.error(`backup failed: ${explain(err)}`);
  process.exitCode = 1;
}

/** The SDK reports every network failure as status 0 "Something went wrong": name the cause. */
function explain(err: unknown): string {
  if (err instanceof ClientResponseError) {
    if (err.status === 0) {
      return (
        `no PocketBase answers at ${opts.url}: the backup ` +
        "is taken by the running server, so start it first (systemctl start konvert) or pass --url"
      );
    }
    if (err.status === 400 && err.url.includes("auth-with-password")) {
      return (
        `the server at ${opts.url} refused PB_ADMIN_EMAIL / PB_ADMIN_PASSWORD: the superuser ` +
        "there has another password (npm start and the systemd unit apply .env's on start)"
      );
    }
    return `HTTP ${err.status} from ${err.url}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<void> {
  const keepDaily = count(opts["keep-daily"], "--keep-daily");
  const keepWeekly = count(opts["keep-weekly"], "--keep-weekly");
  const email = process.env["PB_ADMIN_EMAIL"];
  const password = process.env["PB_ADMIN_PASSWORD"];
  if (!email || !password) {
    throw new Error("set PB_ADMIN_EMAIL and PB_ADMIN_PASSWORD (or run `npm run setup`)");
  }
  const out = resolve(opts.out);
  const pb = new PocketBase(opts.url);
  await pb.collection("_superusers").authWithPassword(email, password);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const name = backupName(new Date());
  await pb.backups.create(name);
  try {
    const url = pb.backups.getDownloadURL(await pb.files.getToken(), name);
    const res = await fetch(url);
    if (!res.ok || !res.body) throw new Error(`download failed: HTTP ${res.status}`);
    const partial = join(out, `${name}.partial`);
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      createWriteStream(partial, { mode: 0o600 }),
    );
    try {
      await verifyBackup(partial);
    } catch (err) {
      rmSync(partial, { force: true });
      throw err instanceof BackupError
        ? new Error(`the downloaded backup is bad: ${err.message}`)
        : err;
    }
    const sha256 = await hashFile(partial);
    renameSync(partial, join(out, name));
    writeFileSync(join(out, `${name}.sha256`), `${sha256}  ${name}\n`, { mode: 0o600 });
    console.log(`backup ${join(out, name)} (sha256 ${sha256})`);
  } finally {
    if (!opts["keep-on-server"]) await pb.backups.delete(name);
  }

  for (const old of backupsToDelete(readdirSync(out), keepDaily, keepWeekly)) {
    rmSync(join(out, old), { force: true });
    rmSync(join(out, `${old}.sha256`), { force: true });
    console.log(`removed old backup ${old}`);
  }
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number`);
  return n;
}
