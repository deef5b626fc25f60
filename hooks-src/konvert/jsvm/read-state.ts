// Read watermarks. Counters are never stored: moving a watermark is the whole of "mark as read".
import { callerOf, findRoom, requireReader } from "./access.ts";
import { bodyOf, flag, pathParam } from "./http.ts";
import { groupRead } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";
import { markAllRead } from "./room-seq.ts";

/** The mark-read action: the caller's watermarks move to now. */
export function markRoomRead(
  app: CoreApp,
  me: core.Record,
  input: { roomId: string; clearMentions?: boolean; clearReactions?: boolean },
): void {
  const room = findRoom(app, input.roomId);
  const membership = requireReader(app, me, room);
  const now = new DateTime();
  const previous = membership.getString("lastReadAt");
  membership.set("lastReadAt", now);
  if (input.clearMentions === true) membership.set("mentionsReadAt", now);
  if (input.clearReactions === true) membership.set("reactionsReadAt", now);
  app.runInTransaction((tx) => {
    markAllRead(tx, membership, room.id);
    tx.save(membership);
    track(tx, me.id, groupRead(tx, room, me.id, previous, membership.getString("lastReadAt")));
  });
}

/** POST /api/konvert/rooms/{id}/read {clearMentions?, clearReactions?} */
export function markAsRead(e: core.RequestEvent): void {
  const body = bodyOf(e);
  markRoomRead(e.app, callerOf(e), {
    roomId: pathParam(e, "id"),
    clearMentions: flag(body, "clearMentions"),
    clearReactions: flag(body, "clearReactions"),
  });
  e.noContent(204);
}
