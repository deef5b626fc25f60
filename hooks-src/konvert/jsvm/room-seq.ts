// Per-room message sequence numbers (see pb_migrations/1764050300_message_seq.js): what makes
// unread counts one index probe per room instead of a count over every unread message.
import { sqlNumber } from "./sql-scalar.ts";

/** The seq of the room's newest message, 0 for an empty room. */
export function latestSeq(app: CoreApp, roomId: string): number {
  return sqlNumber(app, "SELECT COALESCE(MAX(seq), 0) AS v FROM messages WHERE room = {:room}", {
    room: roomId,
  });
}

/**
 * Numbers a new message of `roomId`. Must run inside the transaction that saves it: PocketBase
 * has one writer, so no other message of the room can take the same number in between.
 */
export function assignSeq(tx: CoreApp, message: core.Record, roomId: string): void {
  message.set("seq", latestSeq(tx, roomId) + 1);
}

/** The member has read everything the room holds now. */
export function markAllRead(tx: CoreApp, membership: core.Record, roomId: string): void {
  membership.set("readSeq", latestSeq(tx, roomId));
}
