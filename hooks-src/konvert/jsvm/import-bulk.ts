// Bulk-load mode for the import tool (issue #7). PocketBase's single SQLite writer spent most of
// a 1M-row import maintaining secondary indexes and the message search index row by row: random
// keys touch a different B-tree page per row, and every commit rewrites those pages into the WAL.
// (sqlite3 CLI, 945k messages in 5000-row commits: 277 s with indexes and search triggers, 37 s
// without, 23 s to build them all afterwards.) So before the big tables are loaded their declared
// indexes and the search triggers are dropped, and afterwards rebuilt in one pass each.
//
// Crash safety: what was paused is written down, in the same transaction that pauses it, in the
// table _konvert_bulk_load. "end" rebuilds from that record, so an import that died midway is
// repaired by the next "begin"+"end" (a re-run) or by "end" alone (npm run import --
// --finish-bulk-load); "end" is one transaction too, so a failed rebuild leaves the record intact.
// Indexes are recreated from the collection's `indexes` (the one definition of them), the
// triggers from their SQL as saved at "begin" (they belong to a migration, not to a collection).
//
// The steps themselves are SQL built in rules/bulk-load.ts, shared with the import tool, which
// runs the same steps through the sqlite3 CLI when it writes a stopped data dir directly.
import {
  beginSteps,
  endSteps,
  type BulkStep,
  type BulkSteps,
  type SqlRow,
  type StepAnswer,
} from "../rules/bulk-load.ts";
import { badRequest } from "./errors.ts";
import { findCollection, requireSuperuser } from "./import.ts";
import { sqlText } from "./sql-scalar.ts";

/**
 * POST /api/konvert/import/bulk
 * - {phase: "begin", collections, force?} -> {active, resumed} (rules/bulk-load.ts beginSteps);
 * - {phase: "end"} -> {active, indexes, conflicts} (endSteps).
 * Each phase runs in one transaction.
 */
export function onImportBulk(e: core.RequestEvent): void {
  requireSuperuser(e);
  const body = e.requestInfo().body;
  const phase: unknown = body["phase"];
  if (phase === "begin") {
    const names: unknown = body["collections"];
    if (!Array.isArray(names) || names.length === 0) {
      badRequest("collections", "collections must list at least one collection.");
    }
    const collections = (names as unknown[]).map((name) => findCollection(e.app, name).name);
    const force = body["force"] === true;
    e.json(
      200,
      inTransaction(e.app, () => beginSteps(collections, force)),
    );
  } else if (phase === "end") {
    e.json(
      200,
      inTransaction(e.app, () => endSteps()),
    );
  } else {
    badRequest("phase", 'phase must be "begin" or "end".');
  }
}

/** Runs the steps to the end inside one transaction (any error rolls all of them back). */
function inTransaction<R>(app: CoreApp, steps: () => BulkSteps<R>): R {
  let result: R | undefined;
  app.runInTransaction((tx) => {
    const run = steps();
    let next = run.next();
    while (!next.done) next = run.next(answer(tx, next.value));
    result = next.value;
  });
  return result as R;
}

function answer(tx: CoreApp, step: BulkStep): StepAnswer {
  if (step.run === "query") {
    return { rows: JSON.parse(sqlText(tx, step.sql)) as SqlRow[], error: "" };
  }
  try {
    tx.db().newQuery(step.sql).execute();
  } catch (err) {
    if (step.run !== "attempt") throw err;
    return { rows: [], error: String(err) };
  }
  return { rows: [], error: "" };
}
