/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Message search, second version: the index also holds each message's room id as a token in a
// `room` column, so a search asks FTS5 for "these words AND one of my rooms" and reads only the
// caller's matches. Filtering after the MATCH instead looked up every match in every room: 66 000
// matches of a common word took ~470 ms against ~30 ms this way (200 000 messages, 1 000 rooms).
// Same documents, docids, tokenizer and searchable-row rule as 1764200000_message_search.

const TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co So'";

function searchable(row) {
  return (
    `${row}.deletedAt = '' AND ${row}.content != '' AND ` +
    `CASE WHEN substr(${row}.content, 1, 1) = '{' AND json_valid(${row}.content) ` +
    `THEN json_type(${row}.content, '$.ciphertext') IS NULL ELSE 1 END`
  );
}

const DROP = [
  "DROP TRIGGER IF EXISTS messages_fts_delete",
  "DROP TRIGGER IF EXISTS messages_fts_update",
  "DROP TRIGGER IF EXISTS messages_fts_insert",
  "DROP TABLE IF EXISTS messages_fts",
  "DROP VIEW IF EXISTS messages_fts_source",
];

/** The view, table and triggers over the columns `cols` (["content"] or ["content", "room"]). */
function create(cols) {
  const list = cols.join(", ");
  const values = (row) => cols.map((c) => `${row}.${c}`).join(", ");
  const unindexOld =
    `INSERT INTO messages_fts (messages_fts, rowid, ${list}) ` +
    `SELECT 'delete', docid, ${values("old")} FROM messages_fts_docs WHERE message = old.id; ` +
    "DELETE FROM messages_fts_docs WHERE message = old.id;";
  const changed = ["id", ...cols, "deletedAt"];
  return [
    `CREATE VIEW messages_fts_source AS SELECT d.docid AS docid, ${values("m")} ` +
      "FROM messages_fts_docs d JOIN messages m ON m.id = d.message",
    `CREATE VIRTUAL TABLE messages_fts USING fts5(${list}, content = 'messages_fts_source', ` +
      `content_rowid = 'docid', tokenize = "${TOKENIZE}")`,
    `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN ${searchable("new")} BEGIN ` +
      "INSERT INTO messages_fts_docs (message) VALUES (new.id); " +
      `INSERT INTO messages_fts (rowid, ${list}) VALUES (last_insert_rowid(), ${values("new")}); END`,
    `CREATE TRIGGER messages_fts_update AFTER UPDATE OF ${changed.join(", ")} ON messages WHEN ` +
      changed.map((c) => `old.${c} IS NOT new.${c}`).join(" OR ") +
      ` BEGIN ${unindexOld} ` +
      `INSERT INTO messages_fts_docs (message) SELECT new.id WHERE ${searchable("new")}; ` +
      `INSERT INTO messages_fts (rowid, ${list}) ` +
      `SELECT docid, ${values("new")} FROM messages_fts_docs WHERE message = new.id; END`,
    `CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN ${unindexOld} END`,
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
  ];
}

function run(app, statements) {
  for (const sql of statements) app.db().newQuery(sql).execute();
}

migrate(
  (app) => run(app, DROP.concat(create(["content", "room"]))),
  (app) => run(app, DROP.concat(create(["content"]))),
);
