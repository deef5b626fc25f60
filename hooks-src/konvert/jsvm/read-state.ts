// Read watermarks. Counters are never stored: moving a watermark is the whole of "mark as read".
import { assertNotConfined, callerOf, findRoom, requireMembership } from "./access.ts";
import { bodyOf, flag, pathParam } from "./http.ts";

/** POST /api/konvert/rooms/{id}/read {clearMentions?, clearReactions?} */
export function markAsRead(e: core.RequestEvent): void {
  const me = callerOf(e);
  const body = bodyOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  assertNotConfined(me, room);
  const membership = requireMembership(e.app, room, me);
  const now = new DateTime();
  membership.set("lastReadAt", now);
  if (flag(body, "clearMentions")) membership.set("mentionsReadAt", now);
  if (flag(body, "clearReactions")) membership.set("reactionsReadAt", now);
  e.app.save(membership);
  e.noContent(204);
}
