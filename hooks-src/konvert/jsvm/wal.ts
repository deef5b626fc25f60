// Applies the WAL checkpoint threshold (rules/wal.ts) to PocketBase's single write connection.
// It is a setting of that connection, which database/sql may close after a few idle minutes and
// reopen with SQLite's default, so it is applied again at most once a minute.
import { walAutocheckpointPages } from "../rules/wal.ts";

const APPLIED_AT = "konvert.wal.autocheckpoint.at";
const REAPPLY_MS = 60_000;

/** Call before a write: from inside a transaction it uses that transaction's connection. */
export function ensureWalAutocheckpoint(app: CoreApp): void {
  const at = app.store().get(APPLIED_AT) as number | null;
  if (at !== null && Date.now() - at < REAPPLY_MS) return;
  app.store().set(APPLIED_AT, Date.now());
  const pages = walAutocheckpointPages($os.getenv("KONVERT_WAL_AUTOCHECKPOINT"));
  if (pages === null) return;
  app.nonconcurrentDB().newQuery(`PRAGMA wal_autocheckpoint=${pages}`).execute();
}
