// The common send: a member's plain-text message with no reply, poll, file, forward, join or
// summons, checked and written by one statement (and, when it mentions members, one more for
// the mentions and one for their notifications). Most sends are this one, and on it the
// interpreter's own cost is what separates a send from a bare PocketBase's: every check read
// before the write (the room, the membership, the DM's other side) was a query and a JS object
// of its own. Here the access check is the INSERT's WHERE (rules/access.ts memberMayWriteSql,
// the SQL twin of writeDenial), and the JS side only decides whether a send is this simple.
//
// This path only ever accepts. A send it does not take, or one its INSERT refuses (nothing is
// written then), goes to the general path (jsvm/messages.ts sendMessage), which has every check
// with its reason and every other feature.
import { memberMayWriteSql } from "../rules/access.ts";
import { contentProblem } from "../rules/messages.ts";
import { insertMentionsSql, resolveMentions } from "./message-write.ts";
import { KEPT_PER_USER, pruneSql } from "./notifications.ts";
import { nowDate } from "./clock.ts";
import { plainTextSent } from "./achievements/events.ts";
import { sendCountStatement, speedPending } from "./achievements/track.ts";
import { storageWrite } from "./health.ts";
import { collectionHeard } from "./realtime/authorize.ts";
import { DEFERRED, publishNotification } from "./realtime/publish.ts";
import { ensureWalAutocheckpoint } from "./wal.ts";
import { inWriterTransaction } from "./writer-statements.ts";

export const MESSAGE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The room's next sequence number, as messages_seq_assign numbers it
 * (pb_migrations/1764800400_seq_after_gaps.js): the room's top + 1, past any gap a delete left.
 */
function nextSeqSql(room: string): string {
  return (
    `MAX((SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = ${room}), ` +
    `(SELECT COALESCE(MAX(seq), 0) FROM messages_seq_gaps WHERE room = ${room})) + 1`
  );
}

/** The preview of the room list; numbered inserts do not move it by trigger. */
const ROOM_PREVIEW = "UPDATE rooms SET lastMessage = ?1, lastMessageAt = ?2 WHERE id = ?3";

// Inserted already numbered: inserted with seq 0, messages_seq_assign would UPDATE the row after
// it, moving its index entries and firing the update triggers; numbered, it is counted in room
// lists by room_list_message_insert, and ROOM_PREVIEW sets the preview, which
// messages_room_preview moves only for rows inserted with seq 0. Parameters: ?1 id, ?2 room,
// ?3 author, ?4 content, ?5 created, ?6 the clock's now. In a DM it writes nothing for the
// DM's first message (an achievement event of its own) or while a member has hidden the DM
// (the general path un-hides it with record saves and their events).
const INSERT_CHECKED =
  "INSERT INTO messages (id, room, author, content, type, created, updated, seq) " +
  `SELECT ?1, r.id, ?3, ?4, 'text', ?5, ?5, ${nextSeqSql("?2")} ` +
  "FROM rooms r JOIN room_members m ON m.room = r.id AND m.user = ?3 JOIN users u ON u.id = ?3 " +
  `WHERE r.id = ?2 AND ${memberMayWriteSql("?3", "?6")} ` +
  "AND (r.type != 'dm' OR (EXISTS (SELECT 1 FROM messages WHERE room = ?2) " +
  "AND NOT EXISTS (SELECT 1 FROM room_members WHERE room = ?2 AND hidden != 0)))";

const INSERT_MENTIONS = insertMentionsSql("?1", "?2", "?3", "?4");
// As notify() saves them: one per mentioned member, no data. ?1: a JSON array of
// [notification id, recipient] pairs.
const INSERT_NOTIFICATIONS =
  "INSERT INTO notifications (id, recipient, type, actor, room, message, data, readAt, " +
  "legacyId, created, updated) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), " +
  "'mention', ?2, ?3, ?4, NULL, '', '', ?5, ?5 FROM json_each(?1)";
const PRUNE_NOTIFICATIONS = pruneSql("?1", "?2");

function randomId(): string {
  return $security.randomStringWithAlphabet(15, MESSAGE_ID_ALPHABET);
}

/** What a common send is made of: the fields of the body, nothing else. */
interface Plain {
  room: string;
  content: string;
}

/**
 * The body of a common send, or null: `room` and non-empty `content`, optionally
 * `type: "text"`, and no other field (mentions are found in the text).
 */
function plainOf(body: Record<string, unknown>, files: number): Plain | null {
  if (files > 0) return null;
  const room = body["room"];
  const content = body["content"];
  const type = body["type"];
  if (typeof room !== "string" || room === "" || typeof content !== "string") return null;
  if (type !== undefined && type !== "text") return null;
  if (Object.keys(body).length !== (type === undefined ? 2 : 3)) return null;
  if (contentProblem(content, true) !== null) return null;
  return { room, content };
}

/** What a common send wrote: the values its answer and its realtime event are made of. */
export interface CommonSent {
  id: string;
  room: string;
  author: string;
  content: string;
  created: DateTime;
}

/**
 * Writes `body` as a common send; null when it is not one or the INSERT refused it (then
 * nothing was written). Publishing the message is the caller's (it answers the sender first).
 */
export function commonWrite(
  app: CoreApp,
  me: core.Record,
  body: Record<string, unknown>,
  files: number,
): CommonSent | null {
  const plain = plainOf(body, files);
  // a transaction of the caller's, or anyone on PocketBase's own topics of the collection
  // (they hear of record saves only): the general path
  if (plain === null || app.isTransactional() || collectionHeard(app, "messages")) return null;
  // Mentions are resolved before the write, as the general path does. Their notifications are
  // written in SQL, so nobody may be on PocketBase's own topics of the collection either.
  const mentions = resolveMentions(app, plain.room, me.id, plain.content, []);
  if (mentions.summons.length > 0) return null;
  const mentioned = mentions.users;
  if (mentioned.length > 0 && collectionHeard(app, "notifications")) return null;
  // Achievements: the room's type matters to a send only as a DM's first message, which the
  // INSERT leaves to the general path.
  const event = plainTextSent(me, plain.room, mentioned.length);
  const count = sendCountStatement(app, me.id, event, speedPending(app, me.id));
  if (count === undefined) return null;
  ensureWalAutocheckpoint(app);
  const id = randomId();
  const notices = mentioned.map((user) => [randomId(), user] as const);
  const now = new DateTime();
  const statements = [INSERT_CHECKED, ROOM_PREVIEW, ...(count === null ? [] : [count.sql])];
  if (notices.length > 0)
    statements.push(INSERT_MENTIONS, INSERT_NOTIFICATIONS, PRUNE_NOTIFICATIONS);
  const written = storageWrite(app, "a send", () =>
    inWriterTransaction(app, statements, (exec) => {
      const created = now.string();
      const args = [id, plain.room, me.id, plain.content, created, nowDate()];
      if (exec(INSERT_CHECKED, ...args).rowsAffected() !== 1) return false;
      exec(ROOM_PREVIEW, id, created, plain.room);
      if (count !== null && exec(count.sql, ...count.args()).rowsAffected() !== 1) return false;
      if (notices.length > 0) {
        exec(INSERT_MENTIONS, id, plain.room, JSON.stringify(mentioned), created);
        exec(INSERT_NOTIFICATIONS, JSON.stringify(notices), me.id, plain.room, id, created);
        for (const user of mentioned) exec(PRUNE_NOTIFICATIONS, user, KEPT_PER_USER);
      }
      return true;
    }),
  );
  if (!written) return null;
  // after the commit, as PocketBase publishes a saved record's events
  for (const [noticeId, recipient] of notices) {
    publishNotification(app, recipient, "create", () =>
      app.findRecordById("notifications", noticeId),
    );
  }
  return { id, room: plain.room, author: me.id, content: plain.content, created: now };
}

/**
 * Sends `input` as a common send and returns the saved message, or null when it is not one or
 * the INSERT refused it (then nothing was written). The message's realtime event is the
 * caller's (it answers the sender first), as with the general path's `publishLater`, which
 * `input` must ask for when it goes on to the general path.
 */
export function commonSend(
  app: CoreApp,
  me: core.Record,
  input: { body: Record<string, unknown>; record: core.Record; files: number },
): core.Record | null {
  const sent = commonWrite(app, me, input.body, input.files);
  if (sent === null) return null;
  const message = input.record;
  message.set("id", sent.id);
  message.set("author", sent.author);
  message.set("type", "text");
  message.set(DEFERRED, true);
  message.setRaw("created", sent.created);
  message.setRaw("updated", sent.created);
  message.markAsNotNew();
  return message;
}

/**
 * The public JSON of a new messages record (no hidden field), as an object with every field at
 * its default in the order PocketBase writes them, for this VM; kept until the collection
 * changes (its `updated` stamp).
 */
let messageShape: { stamp: string; fields: Record<string, unknown> } | undefined;

/**
 * What the records API answers for a common send's message (enrichRecord for a user, with no
 * `?expand` or `?fields`), built from the values written instead of a record: loading one,
 * enriching it and marshalling it from Go costs more than the rest of the answer.
 * test/integration/common-send.test.ts holds it to the general path's answer, byte for byte.
 */
export function commonSentJson(app: CoreApp, sent: CommonSent): string {
  const collection = app.findCachedCollectionByNameOrId("messages");
  const stamp = collection.updated.string();
  if (messageShape?.stamp !== stamp) {
    const blank = JSON.parse(JSON.stringify(new Record(collection))) as Record<string, unknown>;
    messageShape = { stamp, fields: blank };
  }
  const created = sent.created.string();
  return JSON.stringify({
    ...messageShape.fields,
    author: sent.author,
    content: sent.content,
    created,
    id: sent.id,
    room: sent.room,
    type: "text",
    updated: created,
  });
}
