// `npm run restore <backup.zip>`: restores a backup made by `npm run backup` (or PocketBase's own
// backups) into a stopped or fresh instance's data dir. The archive is verified completely
// (checksum file, every entry's CRC, a whole SQLite data.db) before anything is touched; an
// existing data dir is moved aside, never deleted.
//
//   npm run restore -- <file.zip> [--data-dir DIR]
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { execFileSync } from "node:child_process";
import { basename, resolve } from "node:path";
import { BackupError, hashFile, verifyBackup } from "./lib/backup-archive.ts";
import { parseCli } from "./lib/cli.ts";
import { DATA_DIR } from "./lib/serve.ts";

const USAGE = `usage: npm run restore -- <backup.zip> [--data-dir DIR]

Verifies the archive completely, then restores it into the data dir of a stopped instance
(default: PB_DATA_DIR or pb_data/). A non-empty data dir is moved aside, never deleted.`;

const { values: opts, positionals } = parseCli(USAGE, {
  "data-dir": { type: "string", default: DATA_DIR },
});

try {
  await main();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`restore refused: ${message}`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
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
