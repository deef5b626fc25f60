// GET /api/konvert/health: what an operator's monitoring needs to know that this is Konvert, in a
// state to take writes. PocketBase's own /api/health answers 200 whether or not the hooks are
// loaded, the disk is full or the data dir is read-only.
import {
  healthProblems,
  ltxMaxTxid,
  maxReplicationLagSeconds,
  minFreeBytes,
  publicReplicaUrl,
  replicationLag,
  type LtxFile,
  parseDf,
  storageMessage,
  storageProblemOf,
  type DiskSpace,
} from "../rules/health.ts";
import { sqlText } from "./sql-scalar.ts";

declare const KONVERT_HOOKS_VERSION: string;

export function health(e: core.RequestEvent): void {
  const app = e.app;
  // before the probe's own write, whose previous time it reads
  const replication = replicationState(app);
  let databaseError = "";
  try {
    app
      .db()
      .newQuery("INSERT OR REPLACE INTO konvert_health_probe (id, at) VALUES (1, {:at})")
      .bind({ at: new Date(replication?.nextProbeAt ?? Date.now()).toISOString() })
      .execute();
  } catch (err) {
    databaseError = errorText(err);
  }
  const disk = diskSpace(app.dataDir());
  const migrations = migrationState(app);
  const facts = {
    databaseWritable: databaseError === "",
    databaseError,
    disk,
    minFreeBytes: minFreeBytes($os.getenv("KONVERT_MIN_FREE_DISK_MB")),
    migrationsPending: migrations.pending,
    replication: replication?.state,
  };
  const problems = healthProblems(facts);
  if (problems.length > 0) console.error(`konvert health: ${problems.join("; ")}`);
  e.json(problems.length === 0 ? 200 : 503, {
    status: problems.length === 0 ? "ok" : "unhealthy",
    problems,
    hooks: { version: KONVERT_HOOKS_VERSION },
    migrations,
    database: { writable: facts.databaseWritable },
    disk: disk && { ...disk, minFreeBytes: facts.minFreeBytes },
    replication: replication && publicReplication(replication.state),
  });
}

/**
 * Runs a write; a full disk or a read-only data dir becomes a 503 that says so (PocketBase would
 * answer 400 "Something went wrong"), and a line on stderr, since the log database is on the
 * same disk and cannot record it.
 */
export function storageWrite<T>(app: CoreApp, what: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const problem = storageProblemOf(errorText(err));
    if (problem === null) throw err;
    console.error(
      `konvert: ${what} failed, the data dir (${app.dataDir()}) is ${problem === "full" ? "full" : "read-only"}: ${errorText(err)}`,
    );
    throw new ApiError(503, storageMessage(problem));
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function diskSpace(dir: string): DiskSpace | null {
  try {
    const output = $os.cmd("df", "-Pk", dir).output() as unknown as number[];
    return parseDf(toString(output));
  } catch {
    return null; // no df on this host: free space unknown
  }
}

function migrationState(app: CoreApp): { applied: number; latest: string; pending: number } {
  const files = JSON.parse(
    sqlText(
      app,
      "SELECT coalesce(json_group_array(file), '[]') AS v FROM _migrations WHERE file LIKE '%.js'",
    ),
  ) as string[];
  const applied = new Set(files);
  let pending = 0;
  try {
    for (const entry of $os.readDir(migrationsDir(app))) {
      const name = entry.name();
      if (name.endsWith(".js") && !applied.has(name)) pending += 1;
    }
  } catch {
    // the migrations dir is not readable from here: nothing to compare with
  }
  return { applied: applied.size, latest: files.sort().at(-1) ?? "", pending };
}

/** `--migrationsDir` as PocketBase was started with it, else its default beside the data dir. */
function migrationsDir(app: CoreApp): string {
  const args = $os.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg.startsWith("--migrationsDir=")) return arg.slice("--migrationsDir=".length);
    if (arg === "--migrationsDir") return args[i + 1] ?? "";
  }
  return $filepath.join(app.dataDir(), "..", "pb_migrations");
}

type ReplicationState =
  | { replica: string; lagSeconds: number; lastReplicatedAt: string | null; maxLagSeconds: number }
  | { replica: string; error: string };

function publicReplication(r: ReplicationState) {
  if ("error" in r) return { replica: r.replica, error: r.error };
  return {
    replica: r.replica,
    lagSeconds: r.lagSeconds,
    lastReplicatedAt: r.lastReplicatedAt,
    maxLagSeconds: r.maxLagSeconds,
  };
}

/** Null when no replica is configured (KONVERT_REPLICA_URL, written by `setup --replicate`). */
function replicationState(app: CoreApp): { state: ReplicationState; nextProbeAt?: number } | null {
  const url = $os.getenv("KONVERT_REPLICA_URL").trim();
  if (!url) return null;
  const replica = publicReplicaUrl(url);
  try {
    const localDir = $filepath.join(app.dataDir(), ".data.db-litestream", "ltx", "0");
    let local: LtxFile[];
    try {
      local = ltxFiles(localDir);
    } catch {
      throw new Error(`Litestream has written nothing in ${localDir}: is it running?`);
    }
    const previousProbe = sqlText(
      app,
      "SELECT coalesce((SELECT at FROM konvert_health_probe WHERE id = 1), '') AS v",
    );
    const probeAt = previousProbe ? Date.parse(previousProbe) : NaN;
    const lag = replicationLag({
      local,
      remote: replicaFiles(url),
      probeAt: Number.isNaN(probeAt) ? null : probeAt,
      now: Date.now(),
    });
    return {
      state: {
        replica,
        lagSeconds: lag.lagSeconds,
        lastReplicatedAt: lag.lastReplicatedAt,
        maxLagSeconds: maxReplicationLagSeconds($os.getenv("KONVERT_REPLICATION_MAX_LAG_SECONDS")),
      },
      nextProbeAt: lag.nextProbeAt,
    };
  } catch (err) {
    return { state: { replica, error: errorText(err) } };
  }
}

/**
 * The LTX files of level 0 on the replica (one listing): every upload lands there, and
 * Litestream's L0 retention never deletes the newest one, so it holds the last transaction.
 */
function replicaFiles(url: string): LtxFile[] {
  if (url.startsWith("file://")) {
    try {
      return ltxFiles($filepath.join(url.slice("file://".length), "data.db", "ltx", "0"));
    } catch {
      return []; // nothing uploaded yet
    }
  }
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error("KONVERT_REPLICA_URL is neither s3:// nor file://");
  const endpoint = $os.getenv("KONVERT_REPLICA_ENDPOINT").trim();
  const fs = $filesystem.s3(
    m[1] ?? "",
    $os.getenv("KONVERT_REPLICA_REGION").trim() || "us-east-1",
    endpoint,
    $os.getenv("LITESTREAM_ACCESS_KEY_ID"),
    $os.getenv("LITESTREAM_SECRET_ACCESS_KEY"),
    endpoint !== "", // S3-compatible servers are addressed by path, as in litestream.yml
  );
  try {
    // Litestream's S3 client names level 0 `0000/` (its file client `ltx/0/`)
    const prefix = `${m[2] ? `${m[2]}/` : ""}data.db/0000/`;
    const files: LtxFile[] = [];
    for (const obj of fs.list(prefix)) {
      if (!obj) continue;
      const maxTxid = ltxMaxTxid(obj.key.slice(obj.key.lastIndexOf("/") + 1));
      if (maxTxid !== null) files.push({ maxTxid, at: millis(obj.modTime) });
    }
    return files;
  } finally {
    fs.close();
  }
}

function ltxFiles(dir: string): LtxFile[] {
  const files: LtxFile[] = [];
  for (const entry of $os.readDir(dir)) {
    const maxTxid = ltxMaxTxid(entry.name());
    if (maxTxid !== null) files.push({ maxTxid, at: millis(entry.info().modTime()) });
  }
  return files;
}

function millis(t: unknown): number {
  return (t as { unixMilli: () => number }).unixMilli();
}
