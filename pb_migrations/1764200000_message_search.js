/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Full-text search over message content (SQLite FTS5), kept in step by triggers on `messages`, so
// every writer is covered: the records API, hooks, and raw-SQL imports alike.
//
//  - `messages_fts_docs` gives each indexed message a stable integer document id. The messages
//    table has no INTEGER PRIMARY KEY, so its implicit rowid may change on VACUUM; an explicit
//    INTEGER PRIMARY KEY never does.
//  - `messages_fts` is an external-content FTS5 table reading its text through the view
//    `messages_fts_source` (docid -> content): the text is stored once, in `messages`, and
//    snippet() still works.
//  - Only searchable rows are indexed: not deleted, not empty, not a client-side ciphertext
//    envelope (`{"ciphertext": …}` is random base64 to the server). A tombstone (deletedAt set,
//    content cleared) leaves the index in the same statement that writes it.
//  - Tokenizer: unicode61 folds case for every script (Привет = привет), remove_diacritics 2 makes
//    café = cafe, and `categories 'L* N* Co So'` makes emoji (So) token characters, so 🎉 is a
//    searchable word instead of a separator.

const TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co So'";

/** SQL truth of "this row belongs in the index", for `new.` / `old.` / a table alias. */
function searchable(row) {
  return (
    `${row}.deletedAt = '' AND ${row}.content != '' AND ` +
    `CASE WHEN substr(${row}.content, 1, 1) = '{' AND json_valid(${row}.content) ` +
    `THEN json_type(${row}.content, '$.ciphertext') IS NULL ELSE 1 END`
  );
}

// External-content FTS5 needs the old text to remove a document; the trigger passes the text
// that was indexed (every change of it goes through the update trigger below).
const UNINDEX_OLD =
  "INSERT INTO messages_fts (messages_fts, rowid, content) " +
  "SELECT 'delete', docid, old.content FROM messages_fts_docs WHERE message = old.id; " +
  "DELETE FROM messages_fts_docs WHERE message = old.id;";

const UP = [
  "CREATE TABLE messages_fts_docs (docid INTEGER PRIMARY KEY, message TEXT NOT NULL UNIQUE)",
  "CREATE VIEW messages_fts_source AS SELECT d.docid AS docid, m.content AS content " +
    "FROM messages_fts_docs d JOIN messages m ON m.id = d.message",
  "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content = 'messages_fts_source', " +
    `content_rowid = 'docid', tokenize = "${TOKENIZE}")`,
  `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN ${searchable("new")} BEGIN ` +
    "INSERT INTO messages_fts_docs (message) VALUES (new.id); " +
    "INSERT INTO messages_fts (rowid, content) VALUES (last_insert_rowid(), new.content); END",
  // PocketBase rewrites every column on save, so re-index only when the text or its visibility
  // really changed.
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF id, content, deletedAt ON messages " +
    "WHEN old.id IS NOT new.id OR old.content IS NOT new.content OR old.deletedAt IS NOT new.deletedAt " +
    `BEGIN ${UNINDEX_OLD} ` +
    `INSERT INTO messages_fts_docs (message) SELECT new.id WHERE ${searchable("new")}; ` +
    "INSERT INTO messages_fts (rowid, content) " +
    "SELECT docid, new.content FROM messages_fts_docs WHERE message = new.id; END",
  `CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN ${UNINDEX_OLD} END`,
  // messages written before this migration
  `INSERT INTO messages_fts_docs (message) SELECT m.id FROM messages m WHERE ${searchable("m")}`,
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
];

const DOWN = [
  "DROP TRIGGER IF EXISTS messages_fts_delete",
  "DROP TRIGGER IF EXISTS messages_fts_update",
  "DROP TRIGGER IF EXISTS messages_fts_insert",
  "DROP TABLE IF EXISTS messages_fts",
  "DROP VIEW IF EXISTS messages_fts_source",
  "DROP TABLE IF EXISTS messages_fts_docs",
];

migrate(
  (app) => {
    for (const sql of UP) app.db().newQuery(sql).execute();
  },
  (app) => {
    for (const sql of DOWN) app.db().newQuery(sql).execute();
  },
);
