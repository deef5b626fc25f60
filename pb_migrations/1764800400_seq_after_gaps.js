/// <reference path="../types/pocketbase-jsvm.d.ts" />

// A room's sequence continues after its hard-deleted messages too. `messages_seq_assign` took
// MAX(seq) + 1 over the live rows, so after a superuser deleted a room's newest message the next
// one reused that seq while `messages_seq_gaps` still held it: the gap was subtracted from every
// unread count (and a deleted newest message was subtracted twice at once). The room's top seq is
// now the larger of its messages' and its gaps' (also in jsvm/room-list.ts and jsvm/room-seq.ts).

const TOP = (room) =>
  `MAX((SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = ${room}), ` +
  `(SELECT COALESCE(MAX(seq), 0) FROM messages_seq_gaps WHERE room = ${room}))`;

const UP = [
  "DROP TRIGGER IF EXISTS messages_seq_assign",
  "CREATE TRIGGER messages_seq_assign AFTER INSERT ON messages WHEN new.seq = 0 BEGIN " +
    `UPDATE messages SET seq = ${TOP("new.room")} + 1 WHERE id = new.id; END`,
];
const DOWN = [
  "DROP TRIGGER IF EXISTS messages_seq_assign",
  "CREATE TRIGGER messages_seq_assign AFTER INSERT ON messages WHEN new.seq = 0 BEGIN " +
    "UPDATE messages SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE room = new.room) " +
    "WHERE id = new.id; END",
];

migrate(
  (app) => UP.forEach((sql) => app.db().newQuery(sql).execute()),
  (app) => DOWN.forEach((sql) => app.db().newQuery(sql).execute()),
);
