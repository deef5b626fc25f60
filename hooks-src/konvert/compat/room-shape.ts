// Rooms and DMs as the legacy API returns them: the room-list query (one indexed SQL statement
// with derived counters) plus one query each for members, pin history and last-message senders,
// whatever the number of rooms.
import { legacyDm, legacyRoom, type RoomFacts } from "../rules/compat-shapes.ts";
import { roomSummaries, type RoomSummary } from "../jsvm/room-list.ts";
import { roomListScope, type RoomListScope } from "../rules/scopes.ts";
import { rowsFor } from "./sql.ts";

function pairs(app: CoreApp, sql: string, ids: string[]): { a: string; b: string }[] {
  return rowsFor(app, { a: "", b: "" }, sql, ids);
}

/** `room -> ids` from rows whose `b` is a comma-joined list (ids never contain commas). */
function grouped(rows: { a: string; b: string }[]): Map<string, string[]> {
  return new Map(rows.map((row) => [row.a, row.b === "" ? [] : row.b.split(",")]));
}

/** The facts the legacy shapes need, for a batch of room summaries. */
function factsFor(app: CoreApp, summaries: RoomSummary[]): RoomFacts[] {
  const roomIds = summaries.map((s) => s.id);
  const members = grouped(
    pairs(
      app,
      // One row per room (group_concat): a public room's hundreds of members cost one string.
      "SELECT room AS a, group_concat(user) AS b FROM (SELECT room, user FROM room_members WHERE room IN (:ids) ORDER BY room, created) GROUP BY room",
      roomIds,
    ),
  );
  const pins = grouped(
    pairs(
      app,
      "SELECT room AS a, group_concat(message) AS b FROM (SELECT room, message FROM pins WHERE room IN (:ids) ORDER BY room, created, id) GROUP BY room",
      roomIds,
    ),
  );
  const authorIds = [
    ...new Set(summaries.map((s) => s.lastMessage?.author ?? "").filter((id) => id !== "")),
  ];
  const names = new Map(
    pairs(
      app,
      "SELECT id AS a, CASE WHEN displayName != '' THEN displayName ELSE username END AS b FROM users WHERE id IN (:ids)",
      authorIds,
    ).map((row) => [row.a, row.b]),
  );
  return summaries.map((s) => ({
    id: s.id,
    name: s.name,
    type: s.type,
    system: s.system,
    createdBy: s.createdBy,
    created: s.created,
    members: members.get(s.id) ?? [],
    pinnedMessage: s.pinnedMessage,
    pins: pins.get(s.id) ?? [],
    isMember: s.isMember,
    lastReadAt: s.lastReadAt,
    unreadCount: s.unreadCount,
    mentionCount: s.mentionCount,
    reactionCount: s.reactionCount,
    lastMessage:
      s.lastMessage && !s.lastMessage.deleted
        ? {
            preview: s.lastMessage.preview,
            type: s.lastMessage.type,
            created: s.lastMessage.created,
            senderId: s.lastMessage.author,
            senderName: names.get(s.lastMessage.author) ?? "",
          }
        : null,
  }));
}

export function legacyRooms(
  app: CoreApp,
  me: string,
  scope: RoomListScope,
  godMode = false,
): Record<string, unknown>[] {
  return factsFor(app, roomSummaries(app, me, scope)).map((r) => legacyRoom(r, me, godMode));
}

/** One room in the legacy shape, whatever the caller's membership (after an action on it). */
export function legacyRoomById(app: CoreApp, me: string, roomId: string): Record<string, unknown> {
  const [room] = legacyRooms(app, me, roomListScope.byId(roomId));
  return room ?? {};
}

export function legacyDms(
  app: CoreApp,
  me: string,
  scope: RoomListScope,
): Record<string, unknown>[] {
  const summaries = roomSummaries(app, me, scope);
  const keys = new Map(
    pairs(
      app,
      "SELECT id AS a, dmKey AS b FROM rooms WHERE id IN (:ids)",
      summaries.map((s) => s.id),
    ).map((row) => [row.a, row.b]),
  );
  return factsFor(app, summaries).map((r) => legacyDm(r, keys.get(r.id) ?? r.id, me));
}
