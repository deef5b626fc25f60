// `npm run restore <backup.zip>`: restores a backup made by `npm run backup` (or PocketBase's own
// backups) into a stopped or fresh instance's data dir. The archive is verified completely
// (checksum file, every entry's CRC, a whole SQLite data.db) before anything is touched; an
// existing data dir is moved aside, never deleted.
//
//   npm run restore -- <file.zip> [--data-dir DIR]
//   npm run restore -- --from-replica [--timestamp 2026-12-06T05:00:00Z] [--data-dir DIR]
//                      [--config litestream.yml]
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { basename, join, resolve } from "node:path";
import { BackupError, hashFile, verifyBackup } from "./lib/backup-archive.ts";
import { parseCli } from "./lib/cli.ts";
import { DATA_DIR } from "./lib/serve.ts";
import { loadEnvFile } from "./lib/env-file.ts";
import { REPO_ROOT } from "./lib/repo.ts";
import { ENV_FILE } from "./lib/superuser.ts";
import {
  LITESTREAM_CONFIG,
  litestreamConfigText,
  REPLICA_ENV,
  replicaFromEnv,
} from "./lib/replication.ts";
import { tmpdir } from "node:os";
import { ensureLitestream } from "./litestream-binary.ts";

const USAGE = `usage: npm run restore -- <backup.zip> [--data-dir DIR]
       npm run restore -- --from-replica [--timestamp T] [--data-dir DIR] [--config FILE]

Verifies the archive completely, then restores it into the data dir of a stopped instance
(default: PB_DATA_DIR or pb_data/). A non-empty data dir is moved aside, never deleted.
--from-replica restores from the Litestream replica setup configured (the latest state, or the
state at --timestamp, an ISO time), with --config naming another litestream.yml.`;

const { values: opts, positionals } = parseCli(USAGE, {
  "data-dir": { type: "string", default: DATA_DIR },
  "from-replica": { type: "boolean", default: false },
  timestamp: { type: "string" },
  config: { type: "string", default: join(REPO_ROOT, LITESTREAM_CONFIG) },
});

try {
  await main();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`restore refused: ${message}`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  if (opts["from-replica"] || opts.timestamp !== undefined) {
    await restoreFromReplica();
    return;
  }
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error(USAGE);
  const archive = resolve(file);
  const target = resolve(opts["data-dir"]);
  if (!existsSync(archive)) throw new Error(`${archive} does not exist`);

  const sidecar = `${archive}.sha256`;
  if (existsSync(sidecar)) {
    const expected = readFileSync(sidecar, "utf8").split(/\s+/)[0];
    if (expected !== (await hashFile(archive))) {
      throw new BackupError(
        `${basename(archive)} does not match its .sha256 file: it changed or was cut short after the backup`,
      );
    }
  }
  const server = processUsing(target);
  if (server) {
    throw new Error(`PocketBase (pid ${server}) is running on ${target}: stop it first`);
  }

  const staging = `${target}.restoring-${Date.now()}`;
  try {
    const entries = await verifyBackup(archive, staging);
    // restored as root for a service user: the files go to whoever owned the data dir before
    const owner = existsSync(target) ? statSync(target) : null;
    const aside =
      existsSync(target) && readdirSync(target).length > 0
        ? `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`
        : null;
    if (aside) renameSync(target, aside);
    else rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    // like setup's: the database holds password hashes and private messages
    chmodSync(target, 0o700);
    if (owner && process.getuid?.() === 0 && owner.uid !== 0) {
      execFileSync("chown", ["-R", `${owner.uid}:${owner.gid}`, target]);
    }
    console.log(`restored ${entries.length} files from ${basename(archive)} into ${target}`);
    if (aside) console.log(`the previous data dir was moved to ${aside}`);
    console.log(
      "Start PocketBase with the PB_ENCRYPTION_KEY of the instance the backup came from " +
        "(its settings are encrypted with it).",
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The pid of a `pocketbase serve` using `dataDir` (Linux /proc), if any. */
function processUsing(dataDir: string): string | null {
  if (!existsSync("/proc")) return null;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!args.includes("serve")) continue;
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const flag = args.indexOf("--dir");
      const dir =
        args.find((a) => a.startsWith("--dir="))?.slice(6) ??
        (flag >= 0 ? args[flag + 1] : undefined) ??
        "pb_data";
      if (basename(args[0] ?? "").startsWith("pocketbase") && resolve(cwd, dir) === dataDir) {
        return pid;
      }
    } catch {
      // the process ended or is not ours to read
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// From the Litestream replica (docs/operations.md, "Continuous replication")

/**
 * Restores data.db from the replica named in litestream.yml, as of now or of `--timestamp`,
 * into a fresh data dir that replaces the target (moved aside, never deleted). Litestream's
 * quick integrity check runs on the restored file before it replaces anything.
 */
async function restoreFromReplica(): Promise<void> {
  if (!opts["from-replica"]) throw new Error("--timestamp needs --from-replica");
  if (positionals.length > 0) throw new Error("--from-replica takes no backup file");
  const target = resolve(opts["data-dir"]);
  loadEnvFile(ENV_FILE); // the replica's URL and credentials (LITESTREAM_ACCESS_KEY_ID …)
  const config = configForRestore(resolve(opts.config), target);
  const args = ["restore", "-config", config, "-integrity-check", "quick"];
  if (opts.timestamp !== undefined) {
    const at = new Date(opts.timestamp);
    if (!/^\d{4}-\d\d-\d\dT/.test(opts.timestamp) || Number.isNaN(at.getTime())) {
      throw new Error(
        `--timestamp: "${opts.timestamp}" is not an ISO time such as 2026-12-06T05:00:00Z`,
      );
    }
    args.push("-timestamp", at.toISOString());
  }
  const server = processUsing(target);
  if (server) throw new Error(`PocketBase (pid ${server}) is running on ${target}: stop it first`);
  const litestream = await ensureLitestream();
  const dbPath = replicatedDbPath(config);

  const staging = `${target}.restoring-${Date.now()}`;
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    const started = performance.now();
    try {
      await promisify(execFile)(litestream, [...args, "-o", join(staging, "data.db"), dbPath], {
        maxBuffer: 16 << 20,
      });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`litestream restore failed: ${(e.stderr || e.message).trim()}`, {
        cause: err,
      });
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const aside =
      existsSync(target) && readdirSync(target).length > 0
        ? `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`
        : null;
    if (aside) renameSync(target, aside);
    else rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    chmodSync(target, 0o700); // the database holds password hashes and private messages
    const when = opts.timestamp ? `as of ${new Date(opts.timestamp).toISOString()}` : "latest";
    console.log(`restored data.db (${when}) from the replica into ${target} in ${seconds} s`);
    if (aside) console.log(`the previous data dir was moved to ${aside}`);
    console.log(
      "Uploaded files are not in the replica: with S3 file storage they are in the bucket; " +
        "otherwise restore pb_data/storage from a backup. Start PocketBase with the " +
        "PB_ENCRYPTION_KEY of the replicated instance.",
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * litestream.yml, or on a machine that has only the `.env` kept from the lost one (a standby
 * before its first setup), the same config derived from `.env` for this restore.
 */
function configForRestore(path: string, target: string): string {
  if (existsSync(path)) return path;
  const replica = replicaFromEnv(process.env);
  if (!replica) {
    throw new Error(
      `${path} does not exist and ${REPLICA_ENV.url} is not set: run ` +
        "`npm run setup -- --replicate URL`, or copy the lost instance's .env here",
    );
  }
  const derived = join(mkdtempSync(join(tmpdir(), "konvert-restore-")), LITESTREAM_CONFIG);
  writeFileSync(derived, litestreamConfigText(target, replica), { mode: 0o600 });
  return derived;
}

/** The database path litestream.yml replicates (its key for `litestream restore`). */
function replicatedDbPath(config: string): string {
  // written by setup as JSON after one comment line (JSON is YAML)
  const text = readFileSync(config, "utf8");
  try {
    const parsed = JSON.parse(text.slice(text.indexOf("{"))) as { dbs?: { path?: unknown }[] };
    const path = parsed.dbs?.[0]?.path;
    if (typeof path === "string") return path;
  } catch {
    // an operator's hand-written YAML: fall through
  }
  throw new Error(`${config}: no dbs[0].path (write it with \`npm run setup -- --replicate\`)`);
}
