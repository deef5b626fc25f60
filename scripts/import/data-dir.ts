// A stopped PocketBase data dir as the import target. The migrations always run first through
// PocketBase (`migrate up`: they are JS for its JSVM). Then, with the sqlite3 CLI on PATH, rows
// and the bulk-load pause/rebuild go straight into <dir>/data.db (direct.ts); a temporary server
// with our hooks (and a temporary superuser) is started only for what needs PocketBase itself —
// storing files, the verify reads, a batch refused by a unique index — and removed again.
// Without sqlite3 everything goes through that server, as before.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startInstance } from "../lib/instance.ts";
import { REPO_ROOT } from "../lib/repo.ts";
import { ensurePocketBase } from "../pocketbase-binary.ts";
import { DirectDb, type WriteResult } from "./direct.ts";
import { connect } from "./http-target.ts";
import { findSqlite3 } from "./sqlite-cli.ts";
import type { Target } from "./target.ts";

export async function openDataDir(dir: string): Promise<Target> {
  if (!existsSync(dir)) throw new Error(`Data dir ${dir} does not exist.`);
  const binary = await ensurePocketBase();
  const dirs = [
    `--dir=${dir}`,
    `--hooksDir=${join(REPO_ROOT, "pb_hooks")}`,
    `--migrationsDir=${join(REPO_ROOT, "pb_migrations")}`,
    "--hooksWatch=false",
    "--automigrate=false",
    // a set-up data dir stores its settings (S3, SMTP) encrypted with setup's key
    ...(process.env["PB_ENCRYPTION_KEY"] ? ["--encryptionEnv=PB_ENCRYPTION_KEY"] : []),
  ];
  execFileSync(binary, ["migrate", "up", ...dirs], { stdio: "pipe" });
  const sqlite3 = findSqlite3();
  if ("missing" in sqlite3) {
    console.warn(
      `No sqlite3 CLI for direct writes (${sqlite3.missing}): writing data dir ${dir} through a temporary PocketBase instead (slower).`,
    );
    return startServer(binary, dir, dirs);
  }
  let started: Promise<Target> | undefined;
  const server = () => (started ??= startServer(binary, dir, dirs));
  const direct = new DirectDb(sqlite3.bin, join(dir, "data.db"), async (body) =>
    (await server()).post<WriteResult>("/api/konvert/import/rows", body),
  );
  return {
    describe: `data dir ${dir} (sqlite3)`,
    direct,
    post: async <T>(path: string, body: unknown) => (await server()).post<T>(path, body),
    get: async <T>(path: string) => (await server()).get<T>(path),
    upload: async (file, data) => (await server()).upload(file, data),
    close: async () => {
      try {
        await direct.close();
      } finally {
        // a server that failed to start has already cleaned up after itself
        await started?.then(
          (target) => target.close(),
          () => undefined,
        );
      }
    },
  };
}

/** A temporary server on the data dir, signed in with a temporary superuser. */
async function startServer(binary: string, dir: string, dirs: string[]): Promise<Target> {
  const email = `import-${randomBytes(6).toString("hex")}@konvert.local`;
  // never starting with "-", which the CLI would take for a flag
  const password = `p${randomBytes(24).toString("base64url")}`;
  execFileSync(binary, ["superuser", "upsert", email, password, ...dirs], { stdio: "pipe" });
  const removeSuperuser = () => {
    try {
      execFileSync(binary, ["superuser", "delete", email, ...dirs], { stdio: "pipe" });
    } catch (err) {
      // PocketBase refuses to delete the only superuser of a data dir that had none before;
      // its password was random and never shown, so the import still succeeded
      const said = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
      console.warn(`The temporary superuser ${email} was not removed: ${said}`);
    }
  };
  let instance;
  try {
    instance = await startInstance({
      binary,
      dataDir: dir,
      hooksDir: join(REPO_ROOT, "pb_hooks"),
      migrationsDir: join(REPO_ROOT, "pb_migrations"),
      args: dirs.filter((a) => a.startsWith("--encryptionEnv=")),
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
