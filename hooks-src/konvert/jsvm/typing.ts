// Typing indicators: `POST /rooms/{id}/typing` pings the room's open connections (ROOM_TOPIC)
// and older clients on the custom topic `typing/<roomId>`. Who may hear them is decided when a
// connection subscribes (realtime/authorize.ts), so a ping only reads the room's index.
import { callerOf, requireWritable } from "./access.ts";
import { nowIso } from "./clock.ts";
import { pathParam } from "./http.ts";
import { publishTyping } from "./realtime/publish.ts";

/** One ping per user and room per this many milliseconds; more are accepted and dropped. */
const THROTTLE_MS = 2_000;

/** POST /api/konvert/rooms/{id}/typing */
export function ping(e: core.RequestEvent): void {
  const me = callerOf(e);
  // announcing a message is writing in the room: nobody hears the typing of someone who cannot
  // send there (muted, confined by a ban, a closed DM)
  const { room } = requireWritable(e.app, me, pathParam(e, "id"));
  const key = `typing:${room.id}:${me.id}`;
  const now = Date.now();
  const last = e.app.store().get(key) as number | undefined;
  if (last !== undefined && now - last < THROTTLE_MS) {
    e.noContent(204);
    return;
  }
  e.app.store().set(key, now);
  e.noContent(204);
  publishTyping(e.app, room.id, me.id, nowIso());
}
