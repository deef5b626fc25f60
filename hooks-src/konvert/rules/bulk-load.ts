// Pure SQL text work for the import's bulk-load mode: reading the index definitions PocketBase
// keeps in a collection's `indexes`, and the search rule out of the message search trigger, so
// neither is written down a second time here; and the pause ("begin") and rebuild ("end") as
// step generators that yield SQL and get the answers back. Two drivers run the same steps: the
// JSVM route (jsvm/import-bulk.ts, synchronously in one transaction) and the import tool's
// sqlite3 CLI session on a stopped data dir (scripts/import/direct.ts, asynchronously, in one
// BEGIN IMMEDIATE … COMMIT). See jsvm/import-bulk.ts for why and for the crash-safety argument.
import { sqlString } from "./import-rows.ts";
import { FLUSH_SEARCH_INDEX, SEARCH_QUEUE } from "./search.ts";

export interface IndexDefinition {
  name: string;
  unique: boolean;
  table: string;
  /** Indexed expressions as written (collations kept, ASC/DESC dropped). */
  columns: string[];
  /** The partial index condition, or "" for a full index. */
  where: string;
}

const HEAD =
  /^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?(\w+)[`"\]]?\s+ON\s+[`"[]?(\w+)[`"\]]?\s*\(/i;

/** Parses PocketBase's index SQL (`CREATE [UNIQUE] INDEX name ON table (cols) [WHERE …]`). */
export function parseIndex(sql: string): IndexDefinition | null {
  const head = HEAD.exec(sql);
  if (!head) return null;
  // the column list ends at the parenthesis that closes the one HEAD ended with
  let depth = 1;
  let end = head[0].length;
  for (; end < sql.length && depth > 0; end++) {
    if (sql[end] === "(") depth++;
    else if (sql[end] === ")") depth--;
  }
  if (depth !== 0) return null;
  const rest = sql.slice(end).trim();
  const where = /^WHERE\s+([\s\S]+)$/i.exec(rest);
  if (rest !== "" && !where) return null;
  return {
    name: head[2] ?? "",
    unique: Boolean(head[1]),
    table: head[3] ?? "",
    columns: splitTopLevel(sql.slice(head[0].length, end - 1)).map((c) =>
      c.replace(/\s+(ASC|DESC)$/i, ""),
    ),
    where: where?.[1]?.trim() ?? "",
  };
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of list) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

/**
 * Rows that keep a unique index from being built: every row after the first (by rowid, i.e. the
 * one written first) with the same key. Answers `id` and `kept` (the id of that first row).
 */
export function duplicatesQuery(index: IndexDefinition): string {
  const where = index.where === "" ? "" : `WHERE ${index.where} `;
  return (
    "SELECT id, kept FROM (SELECT id, first_value(id) OVER w AS kept, row_number() OVER w AS n " +
    `FROM \`${index.table}\` ${where}WINDOW w AS (PARTITION BY ${index.columns.join(", ")} ` +
    "ORDER BY rowid)) WHERE n > 1"
  );
}

/**
 * The "this message belongs in the search index" condition of the insert trigger
 * (`… AFTER INSERT ON messages WHEN <condition> BEGIN …`, pb_migrations/*_message_search*.js),
 * rewritten for a table alias instead of `new`. Null when the trigger does not have that shape.
 */
export function insertTriggerCondition(triggerSql: string, alias: string): string | null {
  const when = /\bAFTER\s+INSERT\s+ON\s+[`"]?\w+[`"]?\s+WHEN\s+([\s\S]+?)\s+BEGIN\b/i.exec(
    triggerSql,
  );
  return when?.[1] ? when[1].replace(/\bnew\./g, `${alias}.`) : null;
}

/** Where a bulk load writes down what it paused (in the same transaction that pauses it). */
export const BULK_STATE = "_konvert_bulk_load";

/**
 * Only the message search triggers are paused: their whole effect can be redone in two statements
 * afterwards (the FTS5 'rebuild'). Any other trigger keeps firing per row.
 */
export const SEARCH_TRIGGERS = [
  "messages_fts_insert",
  "messages_fts_update",
  "messages_fts_delete",
];

/** Most rows a unique index may lose to duplicates before "end" gives up instead. */
export const MAX_DUPLICATES = 10000;

export type SqlRow = Record<string, unknown>;

/**
 * One step for the driver: `exec` runs a statement; `query` runs a statement built by `jsonRows`
 * (one row, one column: a JSON array of row objects) and answers its rows; `attempt` runs a
 * statement that may fail and answers the error text ("" when it succeeded), leaving the
 * transaction open (SQLite only rolls back the failed statement).
 */
export interface BulkStep {
  run: "exec" | "query" | "attempt";
  sql: string;
}

export interface StepAnswer {
  rows: SqlRow[];
  error: string;
}

export type BulkSteps<R> = Generator<BulkStep, R, StepAnswer>;

export interface BulkConflict {
  collection: string;
  id: string;
  error: string;
}

export interface BeginResult {
  active: boolean;
  resumed: boolean;
}

export interface EndResult {
  active: boolean;
  indexes: number;
  conflicts: BulkConflict[];
}

/** Wraps a SELECT so that its rows come back as one JSON text (one round trip, any driver). */
export function jsonRows(columns: string[], sql: string): string {
  const object = columns.map((c) => `'${c}', t."${c}"`).join(", ");
  return `SELECT coalesce(json_group_array(json_object(${object})), '[]') AS v FROM (${sql}) t`;
}

const exec = (sql: string): BulkStep => ({ run: "exec", sql });
const query = (columns: string[], sql: string): BulkStep => ({
  run: "query",
  sql: jsonRows(columns, sql),
});

function* count(sql: string): BulkSteps<number> {
  const { rows } = yield query(["n"], sql);
  return Number(rows[0]?.["n"] ?? 0);
}

function* exists(name: string): BulkSteps<boolean> {
  return (
    (yield* count(`SELECT count(*) AS n FROM sqlite_master WHERE name = ${sqlString(name)}`)) > 0
  );
}

/** The declared index SQL of a collection, from `_collections` (what PocketBase saves). */
function* declaredIndexes(collection: string): BulkSteps<string[]> {
  const { rows } = yield query(
    ["sql"],
    "SELECT j.value AS sql FROM _collections c, json_each(c.indexes) j " +
      `WHERE c.name = ${sqlString(collection)}`,
  );
  return rows.map((r) => String(r["sql"]));
}

function indexName(sql: string): string {
  const name = parseIndex(sql)?.name;
  if (!name) throw new Error(`Cannot read the index definition: ${sql}`);
  return name;
}

/** Keeps the first record of a paused object: its SQL from before any later "begin". */
function record(name: string, kind: string, sql: string): BulkStep {
  return exec(
    `INSERT OR IGNORE INTO ${BULK_STATE} (name, kind, sql) ` +
      `VALUES (${sqlString(name)}, ${sqlString(kind)}, ${sqlString(sql)})`,
  );
}

/**
 * Pauses the indexes and search triggers of these collections. Without `force` only when they
 * are all empty (a fresh target) or an earlier bulk load was never ended; otherwise answers
 * active: false and changes nothing.
 */
export function* beginSteps(collections: string[], force: boolean): BulkSteps<BeginResult> {
  yield exec(
    `CREATE TABLE IF NOT EXISTS ${BULK_STATE} ` +
      "(name TEXT PRIMARY KEY, kind TEXT NOT NULL, sql TEXT NOT NULL DEFAULT '')",
  );
  const resumed = (yield* count(`SELECT count(*) AS n FROM ${BULK_STATE}`)) > 0;
  if (!resumed && !force) {
    for (const name of collections) {
      if ((yield* count(`SELECT count(*) AS n FROM (SELECT 1 FROM \`${name}\` LIMIT 1)`)) > 0) {
        // nothing paused: keep the table from outliving this transaction
        yield exec(`DROP TABLE ${BULK_STATE}`);
        return { active: false, resumed };
      }
    }
  }
  for (const name of collections) {
    yield record(name, "table", "");
    for (const sql of yield* declaredIndexes(name)) {
      yield exec(`DROP INDEX IF EXISTS \`${indexName(sql)}\``);
    }
    const { rows } = yield query(
      ["name", "sql"],
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND " +
        `tbl_name = ${sqlString(name)} ORDER BY name`,
    );
    for (const trigger of rows.filter((t) => SEARCH_TRIGGERS.includes(String(t["name"])))) {
      yield record(String(trigger["name"]), "trigger", String(trigger["sql"]));
      yield exec(`DROP TRIGGER \`${String(trigger["name"])}\``);
    }
  }
  return { active: true, resumed };
}

/**
 * Rebuilds everything paused: the missing declared indexes, then the search index, then the
 * triggers; drops the record last. A unique index that the loaded rows violate keeps the first
 * row written per key; the later ones are deleted and returned as conflicts (what the row-by-row
 * path reports instead of writing them).
 */
export function* endSteps(): BulkSteps<EndResult> {
  const conflicts: BulkConflict[] = [];
  if (!(yield* exists(BULK_STATE))) {
    // rows written with the triggers live (row by row) wait in the search queue
    yield* flushSearchQueue();
    return { active: false, indexes: 0, conflicts };
  }
  const { rows } = yield query(
    ["name", "kind", "sql"],
    `SELECT name, kind, sql FROM ${BULK_STATE} ORDER BY name`,
  );
  const paused = rows.map((r) => ({
    name: String(r["name"]),
    kind: String(r["kind"]),
    sql: String(r["sql"]),
  }));
  let indexes = 0;
  for (const table of paused.filter((p) => p.kind === "table")) {
    for (const sql of yield* declaredIndexes(table.name)) {
      if (yield* exists(indexName(sql))) continue;
      yield* createIndex(table.name, sql, conflicts);
      indexes++;
    }
  }
  const triggers = paused.filter((p) => p.kind === "trigger");
  const insertTrigger = triggers.find((t) => t.name === "messages_fts_insert");
  if (insertTrigger) {
    for (const sql of searchRebuild(insertTrigger.sql)) yield exec(sql);
  }
  for (const trigger of triggers) {
    if (!(yield* exists(trigger.name))) yield exec(trigger.sql);
  }
  yield* flushSearchQueue();
  yield exec(`DROP TABLE ${BULK_STATE}`);
  return { active: true, indexes, conflicts };
}

/**
 * Indexes whatever waits in the search queue (messages written with the triggers live, before or
 * without the pause; after a rebuild they are all indexed already and just leave), so an import
 * ends with a complete index and an empty queue. Nothing on a schema from before the queue.
 */
function* flushSearchQueue(): BulkSteps<void> {
  if (!(yield* exists(SEARCH_QUEUE))) return;
  for (const sql of FLUSH_SEARCH_INDEX) yield exec(sql);
}

/**
 * Builds one declared index. A unique index that fails keeps the first row written per key:
 * the later rows are deleted and reported, then the index is built again.
 */
function* createIndex(table: string, sql: string, conflicts: BulkConflict[]): BulkSteps<void> {
  const { error } = yield { run: "attempt", sql };
  if (error === "") return;
  const index = parseIndex(sql);
  if (!index?.unique) throw new Error(error);
  const { rows } = yield query(["id", "kept"], duplicatesQuery(index));
  if (rows.length === 0 || rows.length > MAX_DUPLICATES) {
    throw new Error(
      `Cannot rebuild ${index.name} on ${table} after the bulk load ` +
        `(${rows.length} duplicate rows): ${error}`,
    );
  }
  const ids = JSON.stringify(rows.map((d) => String(d["id"])));
  yield exec(
    `DELETE FROM \`${table}\` WHERE id IN (SELECT value FROM json_each(${sqlString(ids)}))`,
  );
  for (const d of rows) {
    conflicts.push({
      collection: table,
      id: String(d["id"]),
      error: `unique index ${index.name}: same key as ${String(d["kept"])}, which was written first; not kept`,
    });
  }
  yield exec(sql);
}

/**
 * Redoes what the search triggers would have done: the document list becomes exactly the
 * searchable messages (the trigger's own condition), then FTS5 re-reads all of their text.
 */
function searchRebuild(insertTriggerSql: string): string[] {
  const searchable = insertTriggerCondition(insertTriggerSql, "m");
  if (searchable === null) {
    throw new Error(`Unexpected message search trigger, cannot rebuild: ${insertTriggerSql}`);
  }
  return [
    "DELETE FROM messages_fts_docs WHERE NOT EXISTS (SELECT 1 FROM messages m " +
      `WHERE m.id = messages_fts_docs.message AND (${searchable}))`,
    `INSERT INTO messages_fts_docs (message) SELECT m.id FROM messages m WHERE (${searchable}) ` +
      "AND NOT EXISTS (SELECT 1 FROM messages_fts_docs d WHERE d.message = m.id)",
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
  ];
}
