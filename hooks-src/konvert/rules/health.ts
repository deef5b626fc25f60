// What the health route and the write paths make of the server's storage: pure decisions, so
// Node tests them without PocketBase.

/** Below this much free space in the data dir's file system the instance reports itself unhealthy. */
export const MIN_FREE_BYTES_DEFAULT = 100 * 1024 * 1024;

/** `KONVERT_MIN_FREE_DISK_MB`: unset or malformed gives the default. */
export function minFreeBytes(setting: string): number {
  const value = setting.trim();
  return /^\d+$/.test(value) ? Number(value) * 1024 * 1024 : MIN_FREE_BYTES_DEFAULT;
}

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

/** `df -Pk DIR` output (POSIX format: 1024-byte blocks) → the file system's space, or null. */
export function parseDf(output: string): DiskSpace | null {
  const line = output.trim().split("\n")[1];
  if (line === undefined) return null;
  // the device name may contain spaces; the numbers are the 4 fields before "capacity%"
  const m = /\s(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s/.exec(` ${line} `);
  if (!m) return null;
  return { totalBytes: Number(m[1]) * 1024, freeBytes: Number(m[3]) * 1024 };
}

export type StorageProblem = "full" | "read-only";

/** SQLite's and the OS's words for "cannot write here", whatever layer wrapped them. */
export function storageProblemOf(errorText: string): StorageProblem | null {
  if (/disk is full|no space left on device|disk quota exceeded|SQLITE_FULL/i.test(errorText)) {
    return "full";
  }
  if (/readonly database|read-only file system|SQLITE_READONLY/i.test(errorText)) {
    return "read-only";
  }
  return null;
}

/** The answer a client gets (HTTP 503), in words an operator recognizes in the journal too. */
export function storageMessage(problem: StorageProblem): string {
  return problem === "full"
    ? "The server's disk is full: nothing can be saved until its operator frees space. Try again later."
    : "The server's data directory is read-only: nothing can be saved until its operator fixes it. Try again later.";
}

export interface HealthFacts {
  databaseWritable: boolean;
  databaseError: string;
  disk: DiskSpace | null;
  minFreeBytes: number;
  migrationsPending: number;
  /** Absent when no replica is configured. */
  replication?:
    | { replica: string; lagSeconds: number; maxLagSeconds: number }
    | { replica: string; error: string };
}

/** The problems that make the instance unhealthy (503); empty when all is well. */
export function healthProblems(facts: HealthFacts): string[] {
  const problems: string[] = [];
  if (!facts.databaseWritable) {
    const kind = storageProblemOf(facts.databaseError);
    problems.push(
      kind === "full"
        ? "the database cannot be written: the disk is full"
        : kind === "read-only"
          ? "the database cannot be written: the data dir is read-only"
          : `the database cannot be written: ${facts.databaseError}`,
    );
  }
  if (facts.disk && facts.disk.freeBytes < facts.minFreeBytes) {
    const mib = (n: number) => `${Math.floor(n / 1024 / 1024)} MiB`;
    problems.push(
      `the data dir's disk has ${mib(facts.disk.freeBytes)} free, less than ${mib(facts.minFreeBytes)} (KONVERT_MIN_FREE_DISK_MB)`,
    );
  }
  if (facts.migrationsPending > 0) {
    problems.push(`${facts.migrationsPending} migration(s) in the migrations dir are not applied`);
  }
  const r = facts.replication;
  if (r && "error" in r) {
    problems.push(`the replication to ${r.replica} cannot be checked: ${r.error}`);
  } else if (r && r.lagSeconds > r.maxLagSeconds) {
    problems.push(
      `the replica ${r.replica} is ${r.lagSeconds} s behind, more than ${r.maxLagSeconds} s (KONVERT_REPLICATION_MAX_LAG_SECONDS): is Litestream running and the replica reachable?`,
    );
  }
  return problems;
}

// Replication (Litestream, docs/operations.md "Continuous replication"). Litestream 0.5 keeps no
// record of the replica's position outside its own memory and exposes none (its metrics count
// uploads, its control socket reports the local capture only), so the position is read where it
// is written: LTX files named `<minTXID>-<maxTXID>.ltx` (16 hex digits each), in its meta dir
// beside the database (captured from the WAL) and on the replica (uploaded).

/** Above this many seconds of replication lag the instance reports itself unhealthy. */
export const MAX_REPLICATION_LAG_SECONDS_DEFAULT = 300;

/** `KONVERT_REPLICATION_MAX_LAG_SECONDS`: unset or malformed gives the default. */
export function maxReplicationLagSeconds(setting: string): number {
  const value = setting.trim();
  return /^\d+$/.test(value) && Number(value) > 0
    ? Number(value)
    : MAX_REPLICATION_LAG_SECONDS_DEFAULT;
}

/** A write Litestream has not captured after this long means it is not running. */
export const CAPTURE_GRACE_MS = 5_000;

/** The replica URL as shown to anyone: no user info, no query (where keys could hide). */
export function publicReplicaUrl(raw: string): string {
  const m = /^([a-z0-9]+:\/\/)(?:[^@/]*@)?([^?#]*)/i.exec(raw.trim());
  return m ? `${m[1]}${m[2]}` : "(unparseable replica URL)";
}

/** `0000000000000001-000000000000002a.ltx` → its last transaction id, else null. */
export function ltxMaxTxid(name: string): number | null {
  const m = /^[0-9a-f]{16}-([0-9a-f]{16})\.ltx$/.exec(name);
  return m ? parseInt(m[1] ?? "", 16) : null;
}

export interface LtxFile {
  maxTxid: number;
  /** When the file was written (ms since the epoch). */
  at: number;
}

export interface ReplicationFacts {
  /** LTX files in Litestream's local meta dir (level 0: the transactions it captured). */
  local: LtxFile[];
  /** LTX files on the replica, all levels. */
  remote: LtxFile[];
  /**
   * The health probe's own record: the oldest probe write Litestream had not captured when
   * the previous check ran (ms), else the previous check's write; null before the first.
   */
  probeAt: number | null;
  now: number;
}

export interface ReplicationLag {
  lagSeconds: number;
  /** When the newest transaction on the replica was written, or null when it holds nothing. */
  lastReplicatedAt: string | null;
  /** What the probe writes now: keeps the oldest uncaptured probe write, else `now`. */
  nextProbeAt: number;
}

/**
 * How long the oldest acknowledged write known not to be on the replica has waited (0 when the
 * replica holds all). A captured transaction waits from its capture. A probe write Litestream
 * has not captured CAPTURE_GRACE_MS later (it captures within a second) means it stopped
 * capturing: the wait counts from that write, which the probe keeps rewriting with the same time
 * until a capture covers it, so the lag grows while every check writes.
 */
export function replicationLag(facts: ReplicationFacts): ReplicationLag {
  let remoteMax = 0;
  let lastAt: number | null = null;
  for (const f of facts.remote) {
    if (f.maxTxid > remoteMax || (f.maxTxid === remoteMax && lastAt === null)) {
      remoteMax = f.maxTxid;
      lastAt = f.at;
    }
  }
  let pendingSince = Infinity;
  for (const f of facts.local) {
    if (f.maxTxid > remoteMax) pendingSince = Math.min(pendingSince, f.at);
  }
  const lastCapture = facts.local.reduce((max, f) => Math.max(max, f.at), 0);
  const uncaptured = facts.probeAt !== null && facts.probeAt > lastCapture;
  if (uncaptured && facts.now - facts.probeAt! > CAPTURE_GRACE_MS) {
    pendingSince = Math.min(pendingSince, facts.probeAt!);
  }
  const lag = pendingSince === Infinity ? 0 : Math.max(0, facts.now - pendingSince);
  return {
    lagSeconds: Math.round(lag / 100) / 10,
    lastReplicatedAt: lastAt === null ? null : new Date(lastAt).toISOString(),
    nextProbeAt: uncaptured ? facts.probeAt! : facts.now,
  };
}
