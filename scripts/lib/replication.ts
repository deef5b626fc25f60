// Continuous replication of pb_data/data.db with Litestream (docs/operations.md, "Continuous
// replication"). Setup writes `litestream.yml` from `.env`; `npm start`, the systemd sidecar
// unit and the container run Litestream from it; `npm run restore -- --from-replica` reads it.
//
// Only data.db is replicated: auxiliary.db holds PocketBase's request logs, which a restored
// instance recreates empty, and copying them would multiply the replication traffic.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const LITESTREAM_CONFIG = "litestream.yml";

/** `.env` keys of the replica. Credentials use the names Litestream itself reads. */
export const REPLICA_ENV = {
  url: "KONVERT_REPLICA_URL",
  endpoint: "KONVERT_REPLICA_ENDPOINT",
  region: "KONVERT_REPLICA_REGION",
  syncInterval: "KONVERT_REPLICA_SYNC_INTERVAL",
  accessKey: "LITESTREAM_ACCESS_KEY_ID",
  secret: "LITESTREAM_SECRET_ACCESS_KEY",
} as const;

export interface ReplicaConfig {
  /** `s3://bucket/path` or `file:///absolute/path`. */
  url: string;
  /** S3-compatible endpoint (MinIO, SeaweedFS, R2…); empty for AWS. */
  endpoint: string;
  region: string;
  /** How often Litestream ships new WAL frames: the recovery point under steady writes. */
  syncInterval: string;
}

export class ReplicaConfigError extends Error {}

/** Checks a replica URL as given to `--replicate`; returns it normalised. */
export function parseReplicaUrl(raw: string): { scheme: "s3" | "file"; url: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ReplicaConfigError(
      `--replicate: "${raw}" is not a URL (s3://bucket/path or file:///path)`,
    );
  }
  if (url.protocol === "s3:") {
    if (!url.hostname) throw new ReplicaConfigError(`--replicate: ${raw} names no bucket`);
    if (url.search || url.hash) {
      throw new ReplicaConfigError(
        "--replicate: put the endpoint in --replica-endpoint, not in the URL",
      );
    }
    const path = url.pathname.replace(/\/+$/, "");
    return { scheme: "s3", url: `s3://${url.hostname}${path}` };
  }
  if (url.protocol === "file:") {
    if (url.hostname) {
      throw new ReplicaConfigError(`--replicate: ${raw} must be file:///absolute/path`);
    }
    const path = decodeURIComponent(url.pathname).replace(/\/+$/, "");
    if (!path) throw new ReplicaConfigError("--replicate: file:/// needs a directory");
    return { scheme: "file", url: `file://${path}` };
  }
  throw new ReplicaConfigError(
    `--replicate: ${url.protocol.replace(/:$/, "")}:// is not supported (use s3:// or file://)`,
  );
}

export function replicaFromEnv(env: Record<string, string | undefined>): ReplicaConfig | null {
  const raw = env[REPLICA_ENV.url]?.trim();
  if (!raw) return null;
  const syncInterval = env[REPLICA_ENV.syncInterval]?.trim() || "1s";
  if (!/^\d+(ms|s|m)$/.test(syncInterval)) {
    throw new ReplicaConfigError(
      `${REPLICA_ENV.syncInterval}: "${syncInterval}" is not a duration like 1s or 500ms`,
    );
  }
  return {
    url: parseReplicaUrl(raw).url,
    endpoint: env[REPLICA_ENV.endpoint]?.trim() ?? "",
    region: env[REPLICA_ENV.region]?.trim() ?? "",
    syncInterval,
  };
}

/**
 * Litestream's config as text. JSON is a subset of YAML, so no YAML writer is needed; paths and
 * URLs are quoted by JSON.stringify.
 */
export function litestreamConfigText(dataDir: string, replica: ReplicaConfig): string {
  const s3 = replica.url.startsWith("s3://");
  const target: Record<string, unknown> = {
    url: `${replica.url}/data.db`,
    "sync-interval": replica.syncInterval,
  };
  if (s3 && replica.endpoint) {
    target["endpoint"] = replica.endpoint;
    // S3-compatible servers are addressed by path (bucket names are not DNS names there)
    target["force-path-style"] = true;
  }
  if (s3 && replica.region) target["region"] = replica.region;
  const config = {
    // Credentials come from LITESTREAM_ACCESS_KEY_ID / _SECRET_ACCESS_KEY in the environment
    // (.env): they never sit in this file.
    dbs: [{ path: join(dataDir, "data.db"), replica: target }],
    // how far back `restore --timestamp` can go: the oldest snapshot kept
    snapshot: { interval: "24h", retention: "72h" },
  };
  return `# Written by \`npm run setup\` from .env (${REPLICA_ENV.url}); setup rewrites it when .env changes.\n${JSON.stringify(config, null, 2)}\n`;
}

/** Writes the config when its content changed; returns whether it did. */
export function writeLitestreamConfig(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  writeFileSync(path, text, { mode: 0o600 });
  return true;
}

/** Quotes one argument for Litestream's `-exec`, which splits its command like a shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `litestream replicate -exec`: PocketBase as Litestream's child, both stop together. */
export function replicateExecArgs(configPath: string, command: string[]): string[] {
  return ["replicate", "-config", configPath, "-exec", command.map(shellQuote).join(" ")];
}
