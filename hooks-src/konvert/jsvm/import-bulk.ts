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
import { duplicatesQuery, insertTriggerCondition, parseIndex } from "../rules/bulk-load.ts";
import { badRequest } from "./errors.ts";
import { findCollection, requireSuperuser } from "./import.ts";
import { sqlNumber } from "./sql-scalar.ts";

const STATE = "_konvert_bulk_load";

/**
 * Only the message search triggers are paused: their whole effect can be redone in two statements
 * afterwards (the FTS5 'rebuild'). Any other trigger keeps firing per row.
 */
const SEARCH_TRIGGERS = ["messages_fts_insert", "messages_fts_update", "messages_fts_delete"];

/** Most rows a unique index may lose to duplicates before "end" gives up instead. */
const MAX_DUPLICATES = 10000;

interface Conflict {
  collection: string;
  id: string;
  error: string;
}

/**
 * POST /api/konvert/import/bulk
 * - {phase: "begin", collections, force?} -> {active, resumed}: pauses the indexes and search
 *   triggers of these collections. Without `force` only when they are all empty (a fresh target)
 *   or an earlier bulk load was never ended; otherwise answers active: false and changes nothing.
 * - {phase: "end"} -> {active, indexes, conflicts}: rebuilds everything paused. A unique index
 *   that the loaded rows violate keeps the first row written per key; the later ones are deleted
 *   and returned as conflicts (what the row-by-row path reports instead of writing them).
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
    const collections = (names as unknown[]).map((name) => findCollection(e.app, name));
    let result = { active: false, resumed: false };
    e.app.runInTransaction((tx) => {
      result = begin(tx, collections, body["force"] === true);
    });
    e.json(200, result);
  } else if (phase === "end") {
    let result: { active: boolean; indexes: number; conflicts: Conflict[] } = {
      active: false,
      indexes: 0,
      conflicts: [],
    };
    e.app.runInTransaction((tx) => {
      result = end(tx);
    });
    e.json(200, result);
  } else {
    badRequest("phase", 'phase must be "begin" or "end".');
  }
}

function begin(
  tx: CoreApp,
  collections: core.Collection[],
  force: boolean,
): { active: boolean; resumed: boolean } {
  run(
    tx,
    `CREATE TABLE IF NOT EXISTS ${STATE} ` +
      "(name TEXT PRIMARY KEY, kind TEXT NOT NULL, sql TEXT NOT NULL DEFAULT '')",
  );
  const resumed = sqlNumber(tx, `SELECT count(*) AS v FROM ${STATE}`) > 0;
  if (!resumed && !force) {
    const filled = collections.some(
      (c) => sqlNumber(tx, `SELECT count(*) AS v FROM (SELECT 1 FROM \`${c.name}\` LIMIT 1)`) > 0,
    );
    if (filled) {
      // nothing paused: keep the table from outliving this request
      run(tx, `DROP TABLE ${STATE}`);
      return { active: false, resumed };
    }
  }
  for (const collection of collections) {
    record(tx, collection.name, "table", "");
    for (const sql of collection.indexes) run(tx, `DROP INDEX IF EXISTS \`${indexName(sql)}\``);
    for (const trigger of triggersOn(tx, collection.name)) {
      record(tx, trigger.name, "trigger", trigger.sql);
      run(tx, `DROP TRIGGER \`${trigger.name}\``);
    }
  }
  return { active: true, resumed };
}

function end(tx: CoreApp): { active: boolean; indexes: number; conflicts: Conflict[] } {
  const conflicts: Conflict[] = [];
  if (!exists(tx, STATE)) {
    return { active: false, indexes: 0, conflicts };
  }
  const paused = arrayOf(new DynamicModel({ name: "", kind: "", sql: "" })) as {
    name: string;
    kind: string;
    sql: string;
  }[];
  tx.db().newQuery(`SELECT name, kind, sql FROM ${STATE} ORDER BY name`).all(paused);
  let indexes = 0;
  for (const table of paused.filter((p) => p.kind === "table")) {
    const collection = tx.findCollectionByNameOrId(table.name);
    const missing = collection.indexes.filter((sql: string) => !exists(tx, indexName(sql)));
    for (const sql of missing) {
      createIndex(tx, collection.name, sql, conflicts);
      indexes++;
    }
  }
  const triggers = paused.filter((p) => p.kind === "trigger");
  const insertTrigger = triggers.find((t) => t.name === "messages_fts_insert");
  if (insertTrigger) rebuildSearchIndex(tx, insertTrigger.sql);
  for (const trigger of triggers) {
    if (!exists(tx, trigger.name)) run(tx, trigger.sql);
  }
  run(tx, `DROP TABLE ${STATE}`);
  return { active: true, indexes, conflicts };
}

/**
 * Builds one declared index. A unique index that fails keeps the first row written per key:
 * the later rows are deleted and reported, then the index is built again.
 */
function createIndex(tx: CoreApp, collection: string, sql: string, conflicts: Conflict[]): void {
  try {
    run(tx, sql);
    return;
  } catch (err) {
    const index = parseIndex(sql);
    if (!index?.unique) throw err;
    const duplicates = arrayOf(new DynamicModel({ id: "", kept: "" })) as {
      id: string;
      kept: string;
    }[];
    tx.db().newQuery(duplicatesQuery(index)).all(duplicates);
    if (duplicates.length === 0 || duplicates.length > MAX_DUPLICATES) {
      throw new Error(
        `Cannot rebuild ${index.name} on ${collection} after the bulk load ` +
          `(${duplicates.length} duplicate rows): ${String(err)}`,
        { cause: err },
      );
    }
    tx.db()
      .newQuery(`DELETE FROM \`${collection}\` WHERE id IN (SELECT value FROM json_each({:ids}))`)
      .bind({ ids: JSON.stringify(duplicates.map((d) => d.id)) })
      .execute();
    for (const d of duplicates) {
      conflicts.push({
        collection,
        id: d.id,
        error: `unique index ${index.name}: same key as ${d.kept}, which was written first; not kept`,
      });
    }
    run(tx, sql);
  }
}

/**
 * Redoes what the search triggers would have done: the document list becomes exactly the
 * searchable messages (the trigger's own condition), then FTS5 re-reads all of their text.
 */
function rebuildSearchIndex(tx: CoreApp, insertTriggerSql: string): void {
  const searchable = insertTriggerCondition(insertTriggerSql, "m");
  if (searchable === null) {
    throw new Error(`Unexpected message search trigger, cannot rebuild: ${insertTriggerSql}`);
  }
  run(
    tx,
    "DELETE FROM messages_fts_docs WHERE NOT EXISTS (SELECT 1 FROM messages m " +
      `WHERE m.id = messages_fts_docs.message AND (${searchable}))`,
  );
  run(
    tx,
    `INSERT INTO messages_fts_docs (message) SELECT m.id FROM messages m WHERE (${searchable}) ` +
      "AND NOT EXISTS (SELECT 1 FROM messages_fts_docs d WHERE d.message = m.id)",
  );
  run(tx, "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
}

function indexName(sql: string): string {
  const name = parseIndex(sql)?.name;
  if (!name) throw new Error(`Cannot read the index definition: ${sql}`);
  return name;
}

function triggersOn(tx: CoreApp, table: string): { name: string; sql: string }[] {
  const rows = arrayOf(new DynamicModel({ name: "", sql: "" })) as { name: string; sql: string }[];
  tx.db()
    .newQuery("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {:table}")
    .bind({ table })
    .all(rows);
  return rows.filter((t) => SEARCH_TRIGGERS.includes(t.name));
}

function exists(tx: CoreApp, name: string): boolean {
  return (
    sqlNumber(tx, "SELECT count(*) AS v FROM sqlite_master WHERE name = {:name}", { name }) > 0
  );
}

/** Keeps the first record of a paused object: its SQL from before any later "begin". */
function record(tx: CoreApp, name: string, kind: string, sql: string): void {
  tx.db()
    .newQuery(`INSERT OR IGNORE INTO ${STATE} (name, kind, sql) VALUES ({:name}, {:kind}, {:sql})`)
    .bind({ name, kind, sql })
    .execute();
}

function run(tx: CoreApp, sql: string): void {
  tx.db().newQuery(sql).execute();
}
