// GET /api/konvert/health: what an operator's monitoring needs to know that this is Konvert, in a
// state to take writes. PocketBase's own /api/health answers 200 whether or not the hooks are
// loaded, the disk is full or the data dir is read-only.
import {
  healthProblems,
  minFreeBytes,
  parseDf,
  storageMessage,
  storageProblemOf,
  type DiskSpace,
} from "../rules/health.ts";
import { sqlText } from "./sql-scalar.ts";

declare const KONVERT_HOOKS_VERSION: string;

export function health(e: core.RequestEvent): void {
  const app = e.app;
  let databaseError = "";
  try {
    app
      .db()
      .newQuery("INSERT OR REPLACE INTO konvert_health_probe (id, at) VALUES (1, {:at})")
      .bind({ at: new Date().toISOString() })
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
    // Continuous replication reports its lag here once it is configured (issue #19, item 1).
    replication: null,
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
