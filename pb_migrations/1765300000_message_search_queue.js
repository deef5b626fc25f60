/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Message search, third version (issue #17): a send no longer indexes its message. FTS5 work on
// every INSERT (a document row, a posting-list entry, a new segment at every commit, merges) ran
// on PocketBase's single writer while the sender waited. Now the insert trigger only appends the
// message id to `messages_fts_pending`, one small b-tree, and the hooks library's
// flushSearchIndex (jsvm/search.ts) indexes the whole queue in one transaction with a few
// INSERT … SELECT statements: before every search (so what was sent before a search began is
// found), when the queue grows long, and hourly.
//
//  - `messages_fts_pending (message)`: queued message ids. WITHOUT ROWID keyed by the id, so a
//    row is one entry in one b-tree and the update/delete triggers find it by key.
//  - `messages_fts_ready`: the queued messages that are searchable now (the same rule as
//    before), with the indexed columns; the flusher reads it, so the rule stays written down here.
//  - A queued message is not indexed yet, so an edit needs no FTS work (the flush reads the
//    current text); one that stops being searchable (tombstone, cleared text) or is deleted
//    leaves the queue. An indexed message is re-indexed on edit and leaves the index exactly as
//    before. One neither queued nor indexed that becomes searchable is indexed at once.
// Same tables, docids, tokenizer and columns as 1764200200_message_search_rooms.

const COLS = ["content", "room"];

function searchable(row) {
  return (
    `${row}.deletedAt = '' AND ${row}.content != '' AND ` +
    `CASE WHEN substr(${row}.content, 1, 1) = '{' AND json_valid(${row}.content) ` +
    `THEN json_type(${row}.content, '$.ciphertext') IS NULL ELSE 1 END`
  );
}

const list = COLS.join(", ");
const values = (row) => COLS.map((c) => `${row}.${c}`).join(", ");
const changed = ["id", ...COLS, "deletedAt"];
const whenChanged = changed.map((c) => `old.${c} IS NOT new.${c}`).join(" OR ");
const unindexOld =
  `INSERT INTO messages_fts (messages_fts, rowid, ${list}) ` +
  `SELECT 'delete', docid, ${values("old")} FROM messages_fts_docs WHERE message = old.id; ` +
  "DELETE FROM messages_fts_docs WHERE message = old.id;";

const DROP_TRIGGERS = [
  "DROP TRIGGER IF EXISTS messages_fts_delete",
  "DROP TRIGGER IF EXISTS messages_fts_update",
  "DROP TRIGGER IF EXISTS messages_fts_insert",
];

/** What flushSearchIndex runs (jsvm/search.ts FLUSH_SEARCH_INDEX); the down migration's last flush. */
const FLUSH = [
  "DELETE FROM messages_fts_pending WHERE EXISTS " +
    "(SELECT 1 FROM messages_fts_docs d WHERE d.message = messages_fts_pending.message)",
  "INSERT INTO messages_fts_docs (message) SELECT id FROM messages_fts_ready",
  `INSERT INTO messages_fts (rowid, ${list}) SELECT d.docid, ${values("r")} ` +
    "FROM messages_fts_ready r CROSS JOIN messages_fts_docs d ON d.message = r.id",
  "DELETE FROM messages_fts_pending",
];

const UP = [
  ...DROP_TRIGGERS,
  "CREATE TABLE messages_fts_pending (message TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID",
  // CROSS JOIN: from the queue to its messages by key, never a scan of messages
  `CREATE VIEW messages_fts_ready AS SELECT ${values("m")}, m.id AS id ` +
    "FROM messages_fts_pending p CROSS JOIN messages m ON m.id = p.message " +
    `WHERE ${searchable("m")}`,
  // The WHEN keeps its shape: the bulk loader (rules/bulk-load.ts insertTriggerCondition) reads
  // the searchable rule out of it.
  `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN ${searchable("new")} BEGIN ` +
    "INSERT INTO messages_fts_pending (message) VALUES (new.id); END",
  `CREATE TRIGGER messages_fts_update AFTER UPDATE OF ${changed.join(", ")} ON messages ` +
    `WHEN ${whenChanged} BEGIN ` +
    "UPDATE messages_fts_pending SET message = new.id WHERE message = old.id AND old.id IS NOT new.id; " +
    `DELETE FROM messages_fts_pending WHERE message = new.id AND NOT (${searchable("new")}); ` +
    `${unindexOld} ` +
    `INSERT INTO messages_fts_docs (message) SELECT new.id WHERE ${searchable("new")} ` +
    "AND NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE message = new.id); " +
    `INSERT INTO messages_fts (rowid, ${list}) ` +
    `SELECT docid, ${values("new")} FROM messages_fts_docs WHERE message = new.id; END`,
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN " +
    `DELETE FROM messages_fts_pending WHERE message = old.id; ${unindexOld} END`,
];

// 1764200200's triggers: every write indexes at once.
const DOWN = [
  ...FLUSH,
  ...DROP_TRIGGERS,
  "DROP VIEW IF EXISTS messages_fts_ready",
  "DROP TABLE IF EXISTS messages_fts_pending",
  `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN ${searchable("new")} BEGIN ` +
    "INSERT INTO messages_fts_docs (message) VALUES (new.id); " +
    `INSERT INTO messages_fts (rowid, ${list}) VALUES (last_insert_rowid(), ${values("new")}); END`,
  `CREATE TRIGGER messages_fts_update AFTER UPDATE OF ${changed.join(", ")} ON messages WHEN ` +
    `${whenChanged} BEGIN ${unindexOld} ` +
    `INSERT INTO messages_fts_docs (message) SELECT new.id WHERE ${searchable("new")}; ` +
    `INSERT INTO messages_fts (rowid, ${list}) ` +
    `SELECT docid, ${values("new")} FROM messages_fts_docs WHERE message = new.id; END`,
  `CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN ${unindexOld} END`,
];

function run(app, statements) {
  for (const sql of statements) app.db().newQuery(sql).execute();
}

migrate(
  (app) => run(app, UP),
  (app) => run(app, DOWN),
);
