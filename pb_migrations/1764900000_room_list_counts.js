/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Room list counters kept by SQLite (issue #17, item 3): the list reads two stored rows per room
// instead of counting the member's own, deleted and hard-deleted messages, mentions and reactions
// after their watermarks (ranges that grew with the unread backlog) and each room's members.
//
// The stored values are the terms of the formula the list used (jsvm/room-list.ts before this
// migration), each kept equal to its recount by triggers on every table it counts, so every
// writer (hooks, records API, dashboard, import upserts, cascades) keeps them exact, and SQLite's
// single writer makes them exact under concurrency:
//
//   unread = MAX(0, top − readSeq − own − dead)
//     top  = the room's top seq: its newest message's, or a hard-deleted one's above it
//     own  = the member's messages with seq > readSeq (deleted or not)
//     dead = others' deleted messages with seq > readSeq + hard-deleted seqs > readSeq
//   mentions  = mentions of the member in the room created after mentionsReadAt
//   reactions = others' reactions to the member's messages in the room after reactionsReadAt
//
// `room_list_rooms`: per room, its member count and top. `room_list_members`: per membership,
// own, dead, mentions, reactions and copies of the three watermarks (what the triggers compare
// with), keyed (user, room). What a write costs here:
//   - a send: raising its room's top and its author's `own` (two rows by key), whatever the
//     number of members; a mention or reaction: one row;
//   - a tombstone or hard delete: `dead` of the members who had not read the message (the
//     (room, readSeq) index), the same rows a send would touch if every send fanned out;
//   - a read mark or join: the member's row recounted over the ranges after the new watermark
//     (empty when everything is read).
//
// Not collections: nothing in PocketBase reads or writes these tables, so no record save can
// write back a stale counter. Messages with seq 0 count nowhere until `messages_seq_assign`
// numbers them (an UPDATE, which the update triggers see).

const TOP = (room) =>
  `MAX((SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = ${room}), ` +
  `(SELECT COALESCE(MAX(seq), 0) FROM messages_seq_gaps WHERE room = ${room}))`;
const OWN = (room, user, readSeq) =>
  `(SELECT COUNT(*) FROM messages o WHERE o.room = ${room} AND o.author = ${user} AND o.seq > ${readSeq})`;
const DEAD = (room, user, readSeq) =>
  `((SELECT COUNT(*) FROM messages d WHERE d.room = ${room} AND d.deletedAt != '' AND d.seq > ${readSeq} ` +
  `AND d.author != ${user}) + (SELECT COUNT(*) FROM messages_seq_gaps g WHERE g.room = ${room} AND g.seq > ${readSeq}))`;
const MENTIONS = (room, user, at) =>
  `(SELECT COUNT(*) FROM mentions x WHERE x.user = ${user} AND x.room = ${room} AND x.created > ${at})`;
const REACTIONS = (room, user, at) =>
  `(SELECT COUNT(*) FROM reactions x WHERE x.messageAuthor = ${user} AND x.room = ${room} ` +
  `AND x.created > ${at} AND x.user != ${user})`;

/** INSERT of one membership's row, every term counted from scratch (`m` is the membership). */
const ROW_FROM = (m) =>
  `INSERT INTO room_list_members (user, room, readSeq, mentionsReadAt, reactionsReadAt, own, dead, mentions, reactions) ` +
  `SELECT ${m}.user, ${m}.room, ${m}.readSeq, ${m}.mentionsReadAt, ${m}.reactionsReadAt, ` +
  `${OWN(`${m}.room`, `${m}.user`, `${m}.readSeq`)}, ${DEAD(`${m}.room`, `${m}.user`, `${m}.readSeq`)}, ` +
  `${MENTIONS(`${m}.room`, `${m}.user`, `${m}.mentionsReadAt`)}, ${REACTIONS(`${m}.room`, `${m}.user`, `${m}.reactionsReadAt`)}`;

// Adds (+1) or removes (-1) one message's share: `m` is new or old, `when` a constant guard.
const OWN_SHARE = (m, sign) =>
  `UPDATE room_list_members SET own = own ${sign} 1 WHERE ${m}.seq != 0 AND user = ${m}.author ` +
  `AND room = ${m}.room AND readSeq < ${m}.seq;`;
const DEAD_SHARE = (m, sign) =>
  `UPDATE room_list_members SET dead = dead ${sign} 1 WHERE ${m}.seq != 0 AND ${m}.deletedAt != '' ` +
  `AND room = ${m}.room AND readSeq < ${m}.seq AND user != ${m}.author;`;
const MENTION_SHARE = (x, sign) =>
  `UPDATE room_list_members SET mentions = mentions ${sign} 1 WHERE user = ${x}.user AND room = ${x}.room ` +
  `AND ${x}.created > mentionsReadAt;`;
const REACTION_SHARE = (x, sign) =>
  `UPDATE room_list_members SET reactions = reactions ${sign} 1 WHERE user = ${x}.messageAuthor ` +
  `AND room = ${x}.room AND ${x}.created > reactionsReadAt AND ${x}.user != ${x}.messageAuthor;`;

const MEMBERS = (room, delta) =>
  `INSERT INTO room_list_rooms (room, members, top) VALUES (${room}, ${delta}, ${TOP(room)}) ` +
  `ON CONFLICT (room) DO UPDATE SET members = members + ${delta};`;
// The top only grows as messages and gaps arrive; anything that may lower it counts it again.
const TOP_AT_LEAST = (room, seq) =>
  `INSERT INTO room_list_rooms (room, members, top) VALUES (${room}, 0, ${seq}) ` +
  `ON CONFLICT (room) DO UPDATE SET top = MAX(top, excluded.top);`;
const TOP_RECOUNT = (room) => `UPDATE room_list_rooms SET top = ${TOP(room)} WHERE room = ${room};`;

const TABLES = [
  "CREATE TABLE room_list_members (user TEXT NOT NULL, room TEXT NOT NULL, " +
    "readSeq INTEGER NOT NULL, mentionsReadAt TEXT NOT NULL, reactionsReadAt TEXT NOT NULL, " +
    "own INTEGER NOT NULL, dead INTEGER NOT NULL, mentions INTEGER NOT NULL, reactions INTEGER NOT NULL, " +
    "PRIMARY KEY (user, room)) WITHOUT ROWID",
  "CREATE INDEX idx_room_list_members_room_read ON room_list_members (room, readSeq)",
  "CREATE TABLE room_list_rooms (room TEXT NOT NULL PRIMARY KEY, members INTEGER NOT NULL, " +
    "top INTEGER NOT NULL) WITHOUT ROWID",
];

const BACKFILL = [
  ROW_FROM("m").replace(/;$/, "") + " FROM room_members m",
  "INSERT INTO room_list_rooms (room, members, top) SELECT r.id, " +
    "(SELECT COUNT(*) FROM room_members m WHERE m.room = r.id), " +
    `${TOP("r.id")} FROM rooms r`,
];

const TRIGGERS = [
  // memberships: a row per membership, counted from scratch when it appears or its watermarks move
  // a leftover row (a restored backup, a hand edit) must not make the membership insert fail
  "CREATE TRIGGER room_list_member_insert AFTER INSERT ON room_members BEGIN " +
    "DELETE FROM room_list_members WHERE user = new.user AND room = new.room; " +
    `${ROW_FROM("new")}; ${MEMBERS("new.room", 1)} END`,
  "CREATE TRIGGER room_list_member_delete AFTER DELETE ON room_members BEGIN " +
    `DELETE FROM room_list_members WHERE user = old.user AND room = old.room; ${MEMBERS("old.room", -1)} END`,
  "CREATE TRIGGER room_list_member_move AFTER UPDATE OF room, user ON room_members " +
    "WHEN old.room != new.room OR old.user != new.user BEGIN " +
    `DELETE FROM room_list_members WHERE user = old.user AND room = old.room; ${MEMBERS("old.room", -1)} ` +
    `${ROW_FROM("new")}; ${MEMBERS("new.room", 1)} END`,
  // CASE evaluates only the branch taken: a watermark that did not move is not recounted
  "CREATE TRIGGER room_list_member_read AFTER UPDATE OF readSeq, mentionsReadAt, reactionsReadAt ON room_members " +
    "WHEN old.room = new.room AND old.user = new.user AND (old.readSeq != new.readSeq " +
    "OR old.mentionsReadAt != new.mentionsReadAt OR old.reactionsReadAt != new.reactionsReadAt) BEGIN " +
    "UPDATE room_list_members SET readSeq = new.readSeq, mentionsReadAt = new.mentionsReadAt, " +
    "reactionsReadAt = new.reactionsReadAt, " +
    `own = CASE WHEN old.readSeq = new.readSeq THEN own ELSE ${OWN("new.room", "new.user", "new.readSeq")} END, ` +
    `dead = CASE WHEN old.readSeq = new.readSeq THEN dead ELSE ${DEAD("new.room", "new.user", "new.readSeq")} END, ` +
    `mentions = CASE WHEN old.mentionsReadAt = new.mentionsReadAt THEN mentions ELSE ${MENTIONS("new.room", "new.user", "new.mentionsReadAt")} END, ` +
    `reactions = CASE WHEN old.reactionsReadAt = new.reactionsReadAt THEN reactions ELSE ${REACTIONS("new.room", "new.user", "new.reactionsReadAt")} END ` +
    "WHERE user = new.user AND room = new.room; END",

  // messages: inserted with a seq (imports) or numbered later by messages_seq_assign (an UPDATE)
  "CREATE TRIGGER room_list_message_insert AFTER INSERT ON messages WHEN new.seq != 0 BEGIN " +
    `${OWN_SHARE("new", "+")} ${DEAD_SHARE("new", "+")} ${TOP_AT_LEAST("new.room", "new.seq")} END`,
  "CREATE TRIGGER room_list_message_top AFTER UPDATE OF seq, room ON messages " +
    "WHEN old.seq != new.seq OR old.room != new.room BEGIN " +
    // numbering a new message (0 → seq) only raises the top: no recount on the send path
    "UPDATE room_list_rooms SET top = " +
    TOP("old.room") +
    " WHERE room = old.room AND old.seq != 0 " +
    "AND (old.room != new.room OR new.seq < old.seq); " +
    `${TOP_AT_LEAST("new.room", "new.seq")} END`,
  "CREATE TRIGGER room_list_message_own AFTER UPDATE OF seq, room, author ON messages " +
    "WHEN old.seq != new.seq OR old.room != new.room OR old.author != new.author BEGIN " +
    `${OWN_SHARE("old", "-")} ${OWN_SHARE("new", "+")} END`,
  "CREATE TRIGGER room_list_message_dead AFTER UPDATE OF seq, room, author, deletedAt ON messages " +
    "WHEN (old.deletedAt != '' OR new.deletedAt != '') AND (old.seq != new.seq OR old.room != new.room " +
    "OR old.author != new.author OR old.deletedAt = '' OR new.deletedAt = '') BEGIN " +
    `${DEAD_SHARE("old", "-")} ${DEAD_SHARE("new", "+")} END`,
  "CREATE TRIGGER room_list_message_delete AFTER DELETE ON messages WHEN old.seq != 0 BEGIN " +
    `${OWN_SHARE("old", "-")} ${DEAD_SHARE("old", "-")} ${TOP_RECOUNT("old.room")} END`,
  // a hard-deleted seq (messages_seq_gap) is dead for every member, its author included
  "CREATE TRIGGER room_list_gap_insert AFTER INSERT ON messages_seq_gaps BEGIN " +
    "UPDATE room_list_members SET dead = dead + 1 WHERE room = new.room AND readSeq < new.seq; " +
    `${TOP_AT_LEAST("new.room", "new.seq")} END`,
  "CREATE TRIGGER room_list_gap_delete AFTER DELETE ON messages_seq_gaps BEGIN " +
    "UPDATE room_list_members SET dead = dead - 1 WHERE room = old.room AND readSeq < old.seq; " +
    `${TOP_RECOUNT("old.room")} END`,
  // a room's messages, members and gaps go before the room itself (cascades, rooms_seq_gaps_drop)
  "CREATE TRIGGER room_list_room_delete AFTER DELETE ON rooms BEGIN " +
    "DELETE FROM room_list_rooms WHERE room = old.id; END",

  "CREATE TRIGGER room_list_mention_insert AFTER INSERT ON mentions BEGIN " +
    `${MENTION_SHARE("new", "+")} END`,
  "CREATE TRIGGER room_list_mention_delete AFTER DELETE ON mentions BEGIN " +
    `${MENTION_SHARE("old", "-")} END`,
  "CREATE TRIGGER room_list_mention_update AFTER UPDATE OF user, room, created ON mentions " +
    "WHEN old.user != new.user OR old.room != new.room OR old.created != new.created BEGIN " +
    `${MENTION_SHARE("old", "-")} ${MENTION_SHARE("new", "+")} END`,

  "CREATE TRIGGER room_list_reaction_insert AFTER INSERT ON reactions BEGIN " +
    `${REACTION_SHARE("new", "+")} END`,
  "CREATE TRIGGER room_list_reaction_delete AFTER DELETE ON reactions BEGIN " +
    `${REACTION_SHARE("old", "-")} END`,
  "CREATE TRIGGER room_list_reaction_update AFTER UPDATE OF user, messageAuthor, room, created ON reactions " +
    "WHEN old.user != new.user OR old.messageAuthor != new.messageAuthor OR old.room != new.room " +
    "OR old.created != new.created BEGIN " +
    `${REACTION_SHARE("old", "-")} ${REACTION_SHARE("new", "+")} END`,
];

const DOWN = [
  ...TRIGGERS.map((sql) => `DROP TRIGGER IF EXISTS ${/CREATE TRIGGER (\w+)/.exec(sql)[1]}`),
  "DROP TABLE IF EXISTS room_list_rooms",
  "DROP TABLE IF EXISTS room_list_members",
];

function exec(app, statements) {
  for (const sql of statements) app.db().newQuery(sql).execute();
}

migrate(
  (app) => exec(app, [...TABLES, ...BACKFILL, ...TRIGGERS]),
  (app) => exec(app, DOWN),
);
