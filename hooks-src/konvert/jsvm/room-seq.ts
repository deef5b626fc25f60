// Per-room message sequence numbers (see pb_migrations/1764050300_message_seq.js): what makes
// unread counts one index probe per room instead of a count over every unread message. New
// messages are numbered by a trigger as they are inserted (1764700100_message_seq_internal.js).
import { sqlNumber } from "./sql-scalar.ts";

/** The seq of the room's newest message, 0 for an empty room. */
export function latestSeq(app: CoreApp, roomId: string): number {
  return sqlNumber(app, "SELECT COALESCE(MAX(seq), 0) AS v FROM messages WHERE room = {:room}", {
    room: roomId,
  });
}

/** The member has read everything the room holds now. */
export function markAllRead(tx: CoreApp, membership: core.Record, roomId: string): void {
  membership.set("readSeq", latestSeq(tx, roomId));
}
