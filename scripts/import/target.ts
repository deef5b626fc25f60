// The PocketBase side: a running server (URL + superuser) or a data dir, for which a temporary
// server with our hooks is started and a temporary superuser created and removed again.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startInstance, type Instance } from "../lib/instance.ts";
import { REPO_ROOT } from "../lib/repo.ts";
import { ensurePocketBase } from "../pocketbase-binary.ts";
import type { Row } from "./mapping.ts";

export interface Target {
  url: string;
  describe: string;
  post<T>(path: string, body: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  /** Stores a file under an imported record (multipart; the bytes never pass through JSON). */
  upload(
    file: { collection: string; id: string; field: string; name: string },
    data: Buffer,
  ): Promise<{ name: string; stored: boolean }>;
  close(): Promise<void>;
}

export async function openTarget(
  to: string,
  credentials: { email?: string; password?: string },
): Promise<Target> {
  if (/^https?:\/\//.test(to)) {
    if (!credentials.email || !credentials.password) {
      throw new Error(
        "Importing into a running PocketBase needs superuser credentials: PB_ADMIN_EMAIL and PB_ADMIN_PASSWORD (or --admin-email/--admin-password).",
      );
    }
    const url = to.replace(/\/+$/, "");
    return connect(url, credentials.email, credentials.password, url, () => Promise.resolve());
  }
  return openDataDir(to);
}

async function openDataDir(dir: string): Promise<Target> {
  if (!existsSync(dir)) throw new Error(`Data dir ${dir} does not exist.`);
  const binary = await ensurePocketBase();
  const dirs = [
    `--dir=${dir}`,
    `--hooksDir=${join(REPO_ROOT, "pb_hooks")}`,
    `--migrationsDir=${join(REPO_ROOT, "pb_migrations")}`,
    "--hooksWatch=false",
    "--automigrate=false",
  ];
  execFileSync(binary, ["migrate", "up", ...dirs], { stdio: "pipe" });
  const email = `import-${randomBytes(6).toString("hex")}@konvert.local`;
  const password = randomBytes(24).toString("base64url");
  execFileSync(binary, ["superuser", "upsert", email, password, ...dirs], { stdio: "pipe" });
  let instance: Instance | undefined;
  const removeSuperuser = () =>
    execFileSync(binary, ["superuser", "delete", email, ...dirs], { stdio: "pipe" });
  try {
    instance = await startInstance({
      binary,
      dataDir: dir,
      hooksDir: join(REPO_ROOT, "pb_hooks"),
      migrationsDir: join(REPO_ROOT, "pb_migrations"),
    });
  } catch (err) {
    removeSuperuser();
    throw err;
  }
  const running = instance;
  return connect(running.url, email, password, `data dir ${dir}`, async () => {
    await running.stop();
    removeSuperuser();
  });
}

async function connect(
  url: string,
  email: string,
  password: string,
  describe: string,
  stop: () => Promise<void>,
): Promise<Target> {
  const auth = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ identity: email, password }),
  });
  if (!auth.ok) {
    await stop();
    throw new Error(`Superuser sign-in to ${url} failed (${auth.status}).`);
  }
  const { token } = (await auth.json()) as { token: string };
  const json = { "Content-Type": "application/json", Authorization: token };
  const call = async <T>(
    path: string,
    init: RequestInit,
    headers: Record<string, string> = json,
  ): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${url}${path}`, { ...init, headers });
      if (res.ok) return (await res.json()) as T;
      // rate limits and a busy single writer are worth a retry; anything else is a real error
      if ((res.status === 429 || res.status >= 500) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      throw new Error(`PocketBase answered ${res.status} for ${path}: ${await res.text()}`);
    }
  };
  return {
    url,
    describe,
    post: (path, body) => call(path, { method: "POST", body: JSON.stringify(body) }),
    get: (path) => call(path, { method: "GET" }),
    upload: (file, data) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(file)) form.set(k, v);
      form.set("file", new Blob([new Uint8Array(data)]), file.name);
      return call(
        "/api/konvert/import/file",
        { method: "POST", body: form },
        { Authorization: token },
      );
    },
    close: stop,
  };
}

/** Collections whose rows come by the hundred thousand: loaded with their indexes paused. */
export const BULK_COLLECTIONS = ["messages", "reactions", "mentions", "notifications", "kv_legacy"];

/**
 * Bulk-load mode (POST /api/konvert/import/bulk): "auto" pauses the indexes and search triggers
 * of BULK_COLLECTIONS only on a target where they are empty (a fresh server nobody uses yet) or
 * after an interrupted bulk load; "on" also on a filled one; "off" never.
 */
export type BulkLoadMode = "auto" | "on" | "off";

export async function beginBulkLoad(target: Target, mode: BulkLoadMode): Promise<boolean> {
  if (mode === "off") return false;
  const { active } = await target.post<{ active: boolean }>("/api/konvert/import/bulk", {
    phase: "begin",
    collections: BULK_COLLECTIONS,
    force: mode === "on",
  });
  return active;
}

/**
 * Rebuilds whatever a bulk load paused, this run's or an interrupted one's (a no-op otherwise).
 * Rows a rebuilt unique index refused were deleted by the server and come back as conflicts.
 */
export async function endBulkLoad(
  target: Target,
): Promise<{ active: boolean; conflicts: { collection: string; id: string; error: string }[] }> {
  return target.post("/api/konvert/import/bulk", { phase: "end" });
}

export interface WriteResult {
  written: number;
  failed: { index: number; error: string }[];
}

/**
 * Buffers rows per collection and column set and sends them in batches, a few requests in flight.
 * A batch travels as column names plus one JSON text of value arrays, which the route hands to
 * SQLite as a single parameter (hooks-src/konvert/jsvm/import.ts).
 */
export class BatchWriter {
  private readonly buffers = new Map<
    string,
    { collection: string; columns: string[]; rows: Row[]; insertOnly: string[] }
  >();
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown;

  constructor(
    private readonly target: Target | undefined,
    private readonly onWritten: (collection: string, rows: Row[], result: WriteResult) => void,
    private readonly batchSize = 5000,
    private readonly parallel = 2,
  ) {}

  async add(collection: string, row: Row, insertOnly: string[] = []): Promise<void> {
    const columns = Object.keys(row);
    const key = `${collection}|${columns.join(",")}`;
    let buffer = this.buffers.get(key);
    if (!buffer) this.buffers.set(key, (buffer = { collection, columns, rows: [], insertOnly }));
    buffer.rows.push(row);
    if (buffer.rows.length >= this.batchSize) await this.send(key);
  }

  async flush(): Promise<void> {
    for (const key of [...this.buffers.keys()]) await this.send(key);
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  private rethrow(): void {
    if (this.error !== undefined) {
      throw this.error instanceof Error ? this.error : new Error("import request failed");
    }
  }

  private async send(key: string): Promise<void> {
    const buffer = this.buffers.get(key);
    if (!buffer || buffer.rows.length === 0) return;
    const { collection, columns, rows } = buffer;
    buffer.rows = [];
    if (!this.target) {
      this.onWritten(collection, rows, { written: rows.length, failed: [] });
      return;
    }
    while (this.inFlight.size >= this.parallel) await Promise.race(this.inFlight);
    this.rethrow();
    const request = this.target
      .post<WriteResult>("/api/konvert/import/rows", {
        collection,
        columns,
        rows: JSON.stringify(rows.map((row) => columns.map((c) => row[c]))),
        insertOnly: buffer.insertOnly,
      })
      .then((result) => this.onWritten(collection, rows, result))
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }
}
