// Reading a room's messages: newest first, a page before a cursor message. Deleted messages stay
// as tombstones (their content and files were cleared when they were deleted).
import { historyLimit } from "../rules/messages.ts";
import { callerOf, findRoom, requireReadable } from "./access.ts";
import { fail } from "../actions/errors.ts";
import { pathParam } from "./http.ts";
import { logModeration } from "./moderation-log.ts";
import { historyRead } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";

/**
 * GET /api/konvert/rooms/{id}/messages?before=<messageId>&limit=50 — members read; an admin may
 * read any room read-only with `as=admin`, and every such read is logged.
 */
export function list(e: core.RequestEvent): void {
  const me = callerOf(e);
  const query = e.request!.url!.query();
  const room = findRoom(e.app, pathParam(e, "id"));
  const membership = requireReadable(e.app, me, room, { godMode: query.get("as") === "admin" });
  if (membership === null) {
    logModeration(e.app, { actor: me.id, room: room.id, action: "room_read" });
  }
  const limit = historyLimit(query.get("limit"));
  const params: Record<string, unknown> = { room: room.id };
  let filter = "room = {:room}";
  const before = query.get("before");
  if (before !== "") {
    const cursor = cursorOf(e.app, room.id, before);
    filter += " && (created < {:created} || (created = {:created} && id < {:id}))";
    params["created"] = cursor.getString("created");
    params["id"] = cursor.id;
  }
  const page = e.app.findRecordsByFilter("messages", filter, "-created,-id", limit + 1, 0, params);
  const items = page.slice(0, limit) as core.Record[];
  track(e.app, me.id, historyRead(items));
  $apis.enrichRecords(e, items);
  e.json(200, { items, hasMore: page.length > limit });
}

function cursorOf(app: CoreApp, roomId: string, id: string): core.Record {
  try {
    const cursor = app.findRecordById("messages", id);
    if (cursor.getString("room") === roomId) return cursor;
  } catch {
    // reported below
  }
  return fail("message.cursor.invalid");
}
