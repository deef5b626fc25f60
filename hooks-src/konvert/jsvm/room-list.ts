// The caller's rooms with their last message and the three counters, in one SQL query.
// Counters are derived from the member's watermarks, so they are exact after deletes, edits,
// membership changes and concurrent sends. Their terms are kept by SQLite triggers in
// `room_list_members` / `room_list_rooms` (pb_migrations/1764900000_room_list_counts.js): the
// list reads two stored rows per room (the member's and the room's) and the last message by key,
// whatever the number of messages or the unread backlog.
import { callerOf, findRoom, isBanned } from "./access.ts";
import { fail } from "../actions/errors.ts";
import { pathParam } from "./http.ts";
import { sqlRowsPrepared, sqlTextPrepared } from "./sql-scalar.ts";
import type { MemberRole, RoomType } from "../rules/rooms.ts";
import type { RoomSummary } from "../rules/room-summary.ts";
import { bindWith, roomListScope, type RoomListScope } from "../rules/scopes.ts";

export type { RoomSummary };

/** The row shape (DynamicModel needs a typed zero value for every column). */
const ROW = {
  id: "",
  name: "",
  type: "",
  system: "",
  createdBy: "",
  pinnedMessage: "",
  keyVersion: 0,
  created: "",
  updated: "",
  memberRole: "",
  lastReadAt: "",
  hidden: false,
  memberCount: 0,
  otherUser: "",
  lastMessageId: "",
  lastMessageType: "",
  lastMessageAuthor: "",
  lastMessagePreview: "",
  lastMessageAt: "",
  lastMessageDeleted: false,
  unreadCount: 0,
  mentionCount: 0,
  reactionCount: 0,
};
type Row = typeof ROW;

/**
 * A ciphertext envelope cut to 100 characters can be opened by no client (spec B17): short
 * envelopes are previewed whole for the client to decrypt, longer ones not at all.
 */
const ENVELOPE_PREVIEW_MAX = 1000;

// `mem` is the caller's membership; rooms without one (public rooms not joined) get no counts.
const SELECT = `
SELECT r.id, r.name, r.type, r.system, r.createdBy, r.pinnedMessage, r.keyVersion, r.created, r.updated,
  COALESCE(mem.role, '') AS memberRole,
  COALESCE(mem.lastReadAt, '') AS lastReadAt,
  COALESCE(mem.hidden, 0) AS hidden,
  COALESCE(rc.members, 0) AS memberCount,
  CASE WHEN r.type = 'dm' THEN COALESCE(
    (SELECT o.user FROM room_members o WHERE o.room = r.id AND o.user != {:me} LIMIT 1), '')
  ELSE '' END AS otherUser,
  COALESCE(lm.id, '') AS lastMessageId,
  COALESCE(lm.type, '') AS lastMessageType,
  COALESCE(lm.author, '') AS lastMessageAuthor,
  CASE WHEN lm.id IS NULL OR lm.deletedAt != '' THEN ''
    WHEN CASE WHEN substr(lm.content, 1, 1) = '{' AND json_valid(lm.content)
      THEN json_type(lm.content, '$.ciphertext') IS NOT NULL ELSE 0 END
    THEN CASE WHEN length(lm.content) <= ${ENVELOPE_PREVIEW_MAX} THEN lm.content ELSE '' END
    ELSE substr(lm.content, 1, 100) END AS lastMessagePreview,
  COALESCE(lm.created, '') AS lastMessageAt,
  COALESCE(lm.deletedAt != '', 0) AS lastMessageDeleted,
  CASE WHEN mem.id IS NULL OR c.user IS NULL THEN 0 ELSE MAX(0,
    COALESCE(rc.top, 0) - c.readSeq - c.own - c.dead) END AS unreadCount,
  CASE WHEN mem.id IS NULL THEN 0 ELSE COALESCE(c.mentions, 0) END AS mentionCount,
  CASE WHEN mem.id IS NULL THEN 0 ELSE COALESCE(c.reactions, 0) END AS reactionCount
FROM rooms r
LEFT JOIN room_members mem ON mem.room = r.id AND mem.user = {:me}
LEFT JOIN room_list_members c ON c.user = {:me} AND c.room = r.id
LEFT JOIN room_list_rooms rc ON rc.room = r.id
LEFT JOIN messages lm ON lm.id = r.lastMessage
WHERE r.deletedAt = ''`;

const ORDER = ` ORDER BY COALESCE(NULLIF(lm.created, ''), r.created) DESC, r.id`;

/** The whole query for rooms matching `condition` (exported for the benchmark's query plan). */
export function roomListSql(condition: string): string {
  return SELECT + " AND " + condition + ORDER;
}

/** Runs the summary query for the rooms of `scope` (rules/scopes.ts roomListScope). */
export function roomSummaries(app: CoreApp, me: string, scope: RoomListScope): RoomSummary[] {
  const which = scope.on("r");
  const rows = sqlRowsPrepared(app, ROW, roomListSql(which.sql), bindWith(which, { me }));
  return rows.map(toSummary);
}

const bool = (sql: string) => `json(CASE WHEN ${sql} THEN 'true' ELSE 'false' END)`;

/**
 * The same summaries as one JSON text built by SQLite (the RoomSummary shape, in list order):
 * the polled room list skips converting each row to a JS object and back, which cost the
 * JSVM more than the query itself.
 */
const SUMMARY_JSON = `json_object('id', t.id, 'name', t.name, 'type', t.type, 'system', t.system,
  'createdBy', t.createdBy, 'pinnedMessage', t.pinnedMessage, 'keyVersion', t.keyVersion,
  'created', t.created, 'updated', t.updated, 'memberRole', t.memberRole,
  'isMember', ${bool("t.memberRole != ''")}, 'lastReadAt', t.lastReadAt,
  'memberCount', t.memberCount, 'otherUser', t.otherUser,
  'lastMessage', CASE WHEN t.lastMessageId = '' THEN NULL ELSE json_object('id', t.lastMessageId,
    'type', t.lastMessageType, 'author', t.lastMessageAuthor, 'preview', t.lastMessagePreview,
    'created', t.lastMessageAt, 'deleted', ${bool("t.lastMessageDeleted")}) END,
  'unreadCount', t.unreadCount, 'mentionCount', t.mentionCount, 'reactionCount', t.reactionCount)`;

/** roomSummaries as a JSON array text, ready to send. */
export function roomSummariesJson(app: CoreApp, me: string, scope: RoomListScope): string {
  const which = scope.on("r");
  // json_object's result is JSON to json_group_array as it is: no json() to parse it again
  return sqlTextPrepared(
    app,
    `SELECT COALESCE(json_group_array(${SUMMARY_JSON}), '[]') AS v ` +
      `FROM (${roomListSql(which.sql)}) t`,
    bindWith(which, { me }),
  );
}

function sendJson(e: core.RequestEvent, body: string): void {
  e.response.header().set("Content-Type", "application/json");
  e.string(200, body);
}

function toSummary(row: Row): RoomSummary {
  return {
    id: row.id,
    name: row.name,
    type: row.type as RoomType,
    system: row.system,
    createdBy: row.createdBy,
    pinnedMessage: row.pinnedMessage,
    keyVersion: row.keyVersion,
    created: row.created,
    updated: row.updated,
    memberRole: row.memberRole as MemberRole | "",
    isMember: row.memberRole !== "",
    lastReadAt: row.lastReadAt,
    memberCount: row.memberCount,
    otherUser: row.otherUser,
    lastMessage:
      row.lastMessageId === ""
        ? null
        : {
            id: row.lastMessageId,
            type: row.lastMessageType,
            author: row.lastMessageAuthor,
            preview: row.lastMessagePreview,
            created: row.lastMessageAt,
            deleted: row.lastMessageDeleted,
          },
    unreadCount: row.unreadCount,
    mentionCount: row.mentionCount,
    reactionCount: row.reactionCount,
  };
}

/**
 * GET /api/konvert/rooms[?include=public] — the caller's rooms (DMs excluded), newest activity
 * first; with include=public also the public rooms they have not joined. While banned: only jail.
 */
export function list(e: core.RequestEvent): void {
  const me = callerOf(e);
  const withPublic = e.request!.url!.query().get("include") === "public";
  const banned = isBanned(me);
  const which = withPublic
    ? roomListScope.mineAndPublic(me.id, banned)
    : roomListScope.mine(me.id, banned);
  sendJson(e, roomSummariesJson(e.app, me.id, which));
}

/** GET /api/konvert/rooms/{id} — one room as the list shows it (for realtime refreshes). */
export function one(e: core.RequestEvent): void {
  const me = callerOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  const [summary] = roomSummaries(e.app, me.id, roomListScope.one(room.id, me.id, isBanned(me)));
  if (!summary) fail("room.not_found");
  e.json(200, summary);
}
