// The one way a message is deleted: every door (the author or a moderator deleting one message,
// an account being erased with all its messages) leaves the same tombstone behind, so derived
// counters, notifications and open clients agree whichever door it was.
import { collectionHeard } from "./realtime/authorize.ts";
import { publishMessage } from "./realtime/publish.ts";
import { sqlRows } from "./sql-scalar.ts";

const LIVE = { id: "", room: "", files: 0 };

/** Which live messages to tombstone: one by id, or every one of an author. */
export type Selection = { id: string } | { author: string };

/**
 * Turns the selected live messages into tombstones: content and files go, and with them their
 * mentions, reactions, polls (and votes) and pins, and unread notifications about them, so the
 * mention, reaction and unread counters drop at once and a room's pinned message moves to the
 * newest pin left. Runs inside the caller's transaction.
 *
 * A message saved through its record publishes its `update` itself once the transaction
 * commits. The bulk is written with set-based SQL instead (an account may have written a great
 * many messages), and those messages are returned: the caller hands them to publishTombstones()
 * after the commit. Records are used when files must be removed with them, and while someone
 * holds the messages collection's own topics, which only record events reach.
 */
export function tombstone(tx: CoreApp, selection: Selection, now: string): string[] {
  const where = "id" in selection ? "id = {:key}" : "author = {:key}";
  const key = "id" in selection ? selection.id : selection.author;
  const live = sqlRows(
    tx,
    LIVE,
    `SELECT id, room, json_array_length(CASE WHEN json_valid(attachments) THEN attachments ` +
      `ELSE '[]' END) AS files FROM messages WHERE ${where} AND deletedAt = ''`,
    { key },
  );
  if (live.length === 0) return [];
  const ids = JSON.stringify(live.map((m) => m.id));
  const heard = collectionHeard(tx, "messages");
  const viaRecords = live.filter((m) => heard || m.files > 0).map((m) => m.id);
  for (const message of viaRecords.length > 0 ? tx.findRecordsByIds("messages", viaRecords) : []) {
    message!.set("content", "");
    message!.set("attachments", []);
    message!.set("deletedAt", now);
    tx.saveNoValidate(message!);
  }
  const viaSql = live.filter((m) => !(heard || m.files > 0)).map((m) => m.id);
  const exec = (sql: string, list: string) =>
    tx.db().newQuery(sql).bind({ ids: list, now }).execute();
  const IN = "IN (SELECT value FROM json_each({:ids}))";
  if (viaSql.length > 0) {
    // `updated` moves as a record save moves it: clients catch up on what changed after the
    // newest `updated` they saw. The database's triggers (search index) follow as for a save.
    exec(
      `UPDATE messages SET content = '', deletedAt = {:now}, updated = {:now} WHERE id ${IN}`,
      JSON.stringify(viaSql),
    );
  }
  exec(`DELETE FROM poll_votes WHERE poll IN (SELECT id FROM polls WHERE message ${IN})`, ids);
  for (const table of ["mentions", "reactions", "polls"]) {
    exec(`DELETE FROM ${table} WHERE message ${IN}`, ids);
  }
  exec(`DELETE FROM notifications WHERE readAt = '' AND message ${IN}`, ids);
  const pinned = sqlRows(tx, { id: "" }, `SELECT id FROM rooms WHERE pinnedMessage ${IN}`, {
    ids,
  });
  exec(`DELETE FROM pins WHERE message ${IN}`, ids);
  for (const { id } of pinned) {
    // the room's pinned message falls back to the newest pin left (as unpinning does)
    const room = tx.findRecordById("rooms", id);
    const newest = tx.findRecordsByFilter("pins", "room = {:room}", "-created,-id", 1, 0, {
      room: id,
    });
    room.set("pinnedMessage", newest[0]?.getString("message") ?? "");
    tx.save(room);
  }
  return viaSql;
}

/** After the commit: the `update` event of each message tombstone() wrote with SQL. */
export function publishTombstones(app: CoreApp, ids: readonly string[]): void {
  const CHUNK = 200;
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const message of app.findRecordsByIds("messages", ids.slice(i, i + CHUNK))) {
      publishMessage(app, message!, "update");
    }
  }
}
