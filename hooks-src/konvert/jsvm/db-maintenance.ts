// PocketBase's nightly database maintenance, made safe for Litestream (docs/operations.md,
// "Continuous replication"). PocketBase's `__pbDBOptimize__` cron (core/base.go, midnight)
// runs `PRAGMA wal_checkpoint(TRUNCATE)`, which must wait for every reader to leave the WAL;
// Litestream holds a read transaction on data.db for as long as it runs, so the checkpoint waits
// out the busy timeout while SQLite holds new writes behind it. With a replica configured the
// hooks replace that job with a PASSIVE checkpoint (copies what no reader needs, never waits)
// and the same `PRAGMA optimize`; Litestream runs its own checkpoints between its reads.

/** PocketBase's job id (core/base.go). */
export const PB_DB_OPTIMIZE = "__pbDBOptimize__";

function replicated(): boolean {
  return $os.getenv("KONVERT_REPLICA_URL").trim() !== "";
}

/** onBootstrap, after e.next(): PocketBase registered its job in NewBaseApp. */
export function replacePbDbOptimize(app: CoreApp): void {
  if (!replicated()) return;
  // the generated types leave CoreApp.cron() unresolved (any)
  const scheduler = app as unknown as { cron: () => { remove: (id: string) => void } };
  scheduler.cron().remove(PB_DB_OPTIMIZE);
}

/** The `konvert-db-optimize` cron; nothing without a replica (PocketBase's own job runs then). */
export function dbOptimize(app: CoreApp): void {
  if (!replicated()) return;
  const run = (what: string, db: dbx.Builder, sql: string) => {
    try {
      db.newQuery(sql).execute();
    } catch (err) {
      app.logger().warn(`konvert-db-optimize: ${what} failed`, "error", String(err));
    }
  };
  run("the main database's checkpoint", app.nonconcurrentDB(), "PRAGMA wal_checkpoint(PASSIVE)");
  // auxiliary.db (request logs) is not replicated: no reader to wait for, as PocketBase does it
  run(
    "the auxiliary database's checkpoint",
    app.auxNonconcurrentDB(),
    "PRAGMA wal_checkpoint(TRUNCATE)",
  );
  run("PRAGMA optimize", app.nonconcurrentDB(), "PRAGMA optimize");
}

/**
 * Keeps SQLite's planner statistics (sqlite_stat1) in step with the data. Stale statistics are
 * worse than none: a database analyzed while it was nearly empty (a fresh install, or one just
 * filled by the import) says "1 row" for rooms, and the planner then scans every room instead of
 * seeking the caller's memberships, in each realtime subscribe, read check and room list, until
 * PocketBase's nightly `PRAGMA optimize`. `optimize` re-analyzes only the tables whose size moved
 * far from their statistics, each within `analysis_limit` rows, so it is cheap to run often:
 * at start and every hour. The 0x10000 flag looks at every table, not only those this connection
 * (the writer) happened to query.
 */
export function refreshPlannerStats(app: CoreApp): void {
  try {
    const db = app.nonconcurrentDB();
    db.newQuery("PRAGMA analysis_limit = 1000").execute();
    db.newQuery("PRAGMA optimize = 0x10002").execute();
  } catch (err) {
    app.logger().warn("konvert: refreshing the planner's statistics failed", "error", String(err));
  }
}

/** POST /api/konvert/admin/db/optimize (superusers): refreshPlannerStats() now. */
export function onOptimize(e: core.RequestEvent): void {
  refreshPlannerStats(e.app);
  e.json(200, { ok: true });
}
