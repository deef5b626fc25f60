// PocketBase's read pool keeps 15 idle connections (core.DefaultDataMaxIdleConns). Past 15
// concurrent reads database/sql closes every connection handed back beyond them and opens new
// ones for the next burst, and a new SQLite connection parses the whole schema before its first
// statement: ours (tables, indexes, every trigger, the search index) made that parse most of the
// cost of preparing a statement at 64 concurrent sends, PocketBase's own auth and create-rule
// queries included, and the statements kept prepared per VM (sql-scalar.ts) were prepared again
// on each new connection. A request's reads mostly hold one connection at a time, and at most as
// many requests run JS as the VM pool holds (--hooksPool=64, docs/operations.md), so that many
// stay open. Connections idle for PocketBase's 3 minutes still close.

/** Idle read connections kept: the JS VM pool's size. */
export const READ_IDLE_CONNECTIONS = 64;

/** Applied once at start-up (a setting of database/sql's pool, not of a connection). */
export function keepReadConnections(app: CoreApp): void {
  (app.concurrentDB() as unknown as dbx.DB).db().setMaxIdleConns(READ_IDLE_CONNECTIONS);
}
