// Read watermarks. Counters are never stored: moving a watermark is the whole of "mark as read".
import { callerOf, findRoom, requireReader } from "./access.ts";
import { bodyOf, flag, pathParam } from "./http.ts";
import { groupRead } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";
import { markAllRead } from "./room-seq.ts";

/** POST /api/konvert/rooms/{id}/read {clearMentions?, clearReactions?} */
export function markAsRead(e: core.RequestEvent): void {
  const me = callerOf(e);
  const body = bodyOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  const membership = requireReader(e.app, me, room);
  const now = new DateTime();
  const previous = membership.getString("lastReadAt");
  membership.set("lastReadAt", now);
  if (flag(body, "clearMentions")) membership.set("mentionsReadAt", now);
  if (flag(body, "clearReactions")) membership.set("reactionsReadAt", now);
  e.app.runInTransaction((tx) => {
    markAllRead(tx, membership, room.id);
    tx.save(membership);
    track(tx, me.id, groupRead(tx, room, me.id, previous, membership.getString("lastReadAt")));
  });
  e.noContent(204);
}
