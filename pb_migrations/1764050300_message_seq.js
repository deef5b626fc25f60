/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Rooms issue: unread counts that cost the same for 10 or 50,000 unread messages.
//  - `messages.seq` numbers each room's messages 1, 2, 3… in commit order (the send hook takes
//    MAX(seq) + 1 inside its write transaction; the unique (room, seq) index makes a mistake
//    loud instead of a silent miscount).
//  - `room_members.readSeq` is the seq of the newest message the member had read when they last
//    marked the room read (it moves together with lastReadAt).
//  - Unread = (newest seq − readSeq) − the member's own messages after readSeq − others' deleted
//    messages after readSeq − hard-deleted messages after readSeq. Each term is one index probe
//    or a count over a range that stays small (own and deleted messages), instead of counting
//    every unread message as the (room, created > lastReadAt) COUNT did.
//  - Writers that do not number messages (raw SQL) are numbered by a trigger.
//  - Messages are tombstoned, not deleted, by the app; a superuser can still delete rows (the
//    dashboard). A trigger records the seq of such a row in `messages_seq_gaps` so the count
//    stays exact; the room's own delete trigger drops its gaps (PocketBase deletes a room's
//    messages before the room).

const ROOM_CREATED_AUTHOR =
  "CREATE INDEX `idx_messages_room_created_author` ON `messages` (`room`, `created`, `author`, `deletedAt`)";
const NEW_INDEXES = [
  "CREATE INDEX `idx_messages_room_created` ON `messages` (`room`, `created`)",
  "CREATE UNIQUE INDEX `idx_messages_room_seq` ON `messages` (`room`, `seq`)",
  "CREATE INDEX `idx_messages_room_author_seq` ON `messages` (`room`, `author`, `seq`)",
  "CREATE INDEX `idx_messages_deleted_room_seq` ON `messages` (`room`, `seq`, `author`) WHERE `deletedAt` != ''",
];

// The app numbers messages itself (so the record it answers with and broadcasts has its seq);
// this catches every other writer (raw SQL, a tool that predates the field): an unnumbered row
// gets the next number as it is inserted.
const NUMBER_UP = [
  "CREATE TRIGGER messages_seq_assign AFTER INSERT ON messages WHEN new.seq = 0 BEGIN " +
    "UPDATE messages SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE room = new.room) " +
    "WHERE id = new.id; END",
];
const NUMBER_DOWN = ["DROP TRIGGER IF EXISTS messages_seq_assign"];

const GAPS_UP = [
  "CREATE TABLE messages_seq_gaps (room TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID",
  "CREATE TRIGGER messages_seq_gap AFTER DELETE ON messages BEGIN " +
    "INSERT OR IGNORE INTO messages_seq_gaps (room, seq) VALUES (old.room, old.seq); END",
  "CREATE TRIGGER rooms_seq_gaps_drop AFTER DELETE ON rooms BEGIN " +
    "DELETE FROM messages_seq_gaps WHERE room = old.id; END",
];
const GAPS_DOWN = [
  "DROP TRIGGER IF EXISTS rooms_seq_gaps_drop",
  "DROP TRIGGER IF EXISTS messages_seq_gap",
  "DROP TABLE IF EXISTS messages_seq_gaps",
];

// Existing history: number each room's messages by (created, id); a member has read everything
// created up to their lastReadAt.
const BACKFILL = [
  "UPDATE messages SET seq = s.n FROM (SELECT id, ROW_NUMBER() OVER " +
    "(PARTITION BY room ORDER BY created, id) AS n FROM messages) s WHERE s.id = messages.id",
  "UPDATE room_members SET readSeq = COALESCE((SELECT MAX(m.seq) FROM messages m " +
    "WHERE m.room = room_members.room AND m.created <= room_members.lastReadAt), 0)",
];

function exec(app, statements) {
  for (const sql of statements) app.db().newQuery(sql).execute();
}

migrate(
  (app) => {
    const messages = app.findCollectionByNameOrId("messages");
    messages.fields.add(new Field({ name: "seq", type: "number", onlyInt: true, min: 0 }));
    app.save(messages);
    const members = app.findCollectionByNameOrId("room_members");
    members.fields.add(new Field({ name: "readSeq", type: "number", onlyInt: true, min: 0 }));
    app.save(members);
    exec(app, BACKFILL);
    const indexed = app.findCollectionByNameOrId("messages");
    indexed.indexes = indexed.indexes
      .filter((index) => index !== ROOM_CREATED_AUTHOR)
      .concat(NEW_INDEXES);
    app.save(indexed);
    exec(app, GAPS_UP);
    exec(app, NUMBER_UP);
  },
  (app) => {
    exec(app, NUMBER_DOWN);
    exec(app, GAPS_DOWN);
    const messages = app.findCollectionByNameOrId("messages");
    messages.indexes = messages.indexes
      .filter((index) => !NEW_INDEXES.includes(index))
      .concat([ROOM_CREATED_AUTHOR]);
    messages.fields.removeByName("seq");
    app.save(messages);
    const members = app.findCollectionByNameOrId("room_members");
    members.fields.removeByName("readSeq");
    app.save(members);
  },
);
