// Per-room message sequence numbers (see pb_migrations/1764050300_message_seq.js): what makes
// unread counts one index probe per room instead of a count over every unread message. New
// messages are numbered by a trigger as they are inserted (1764700100_message_seq_internal.js).
import { sqlNumber } from "./sql-scalar.ts";

/**
 * The room's top seq: its newest message's, or a hard-deleted one's above it (the sequence goes
 * on after those, pb_migrations/1764800400_seq_after_gaps.js); 0 for an empty room.
 */
export function latestSeq(app: CoreApp, roomId: string): number {
  return sqlNumber(
    app,
    "SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = {:room}), " +
      "(SELECT COALESCE(MAX(seq), 0) FROM messages_seq_gaps WHERE room = {:room})) AS v",
    { room: roomId },
  );
}

/** The member has read everything the room holds now. */
export function markAllRead(tx: CoreApp, membership: core.Record, roomId: string): void {
  membership.set("readSeq", latestSeq(tx, roomId));
}
