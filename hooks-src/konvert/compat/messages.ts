// R36–R41: messages over the legacy API, adapters over the same actions as the typed routes
// (send, edit, delete, react: jsvm/messages.ts, jsvm/reactions.ts). Lists are polled every 3 s:
// four indexed queries, whatever the page size.
import { legacyLimit, legacyMessage, legacyMessageType } from "../rules/compat-shapes.ts";
import { legacyPollText, parseLegacyPoll } from "../rules/compat-polls.ts";
import { assertNotConfined, findMembership, findRoom, roleOf } from "../jsvm/access.ts";
import * as messages from "../jsvm/messages.ts";
import * as reactions from "../jsvm/reactions.ts";
import { addMember } from "../jsvm/membership.ts";
import { logModeration } from "../jsvm/moderation-log.ts";
import { handle, legacy, legacyBody, legacyCaller, publicBaseUrl, queryParam } from "./http.ts";
import { fail } from "../actions/errors.ts";
import { pollFor } from "./polls.ts";
import { storedContent } from "./session-content.ts";
import { rowsFor } from "./sql.ts";
import { bindWith, messageScope, type MessageScope } from "../rules/scopes.ts";
import { sqlRows } from "../jsvm/sql-scalar.ts";
import { chargeSend } from "../jsvm/rate-limit.ts";

/** One row per message with its sender's current names (deleted senders keep only the id). */
const MESSAGE_ROW = {
  id: "",
  room: "",
  author: "",
  content: "",
  type: "",
  replyTo: "",
  created: "",
  editedAt: "",
  deletedAt: "",
  username: "",
  displayName: "",
  avatar: "",
};
type MessageRow = typeof MESSAGE_ROW;

const MESSAGE_SELECT = `SELECT m.id, m.room, m.author, m.content, m.type, m.replyTo, m.created,
  m.editedAt, m.deletedAt, COALESCE(u.username, '') AS username,
  CASE WHEN u.deletedAt = '' THEN u.displayName ELSE '' END AS displayName,
  CASE WHEN u.deletedAt = '' THEN u.avatar ELSE '' END AS avatar
FROM messages m LEFT JOIN users u ON u.id = m.author`;

/** Messages in the given order with reactions and mentions: three indexed queries in all. */
function legacyMessages(
  e: core.RequestEvent,
  rows: MessageRow[],
  roomIdShown?: string,
): Record<string, unknown>[] {
  const ids = rows.map((m) => m.id);
  const reactionRows = rowsFor(
    e.app,
    { message: "", emoji: "", user: "" },
    "SELECT message, emoji, user FROM reactions WHERE message IN (:ids) ORDER BY created, id",
    ids,
  );
  const mentionRows = rowsFor(
    e.app,
    { message: "", user: "" },
    "SELECT message, user FROM mentions WHERE message IN (:ids)",
    ids,
  );
  const base = publicBaseUrl(e);
  return rows.map((m) =>
    legacyMessage({
      id: m.id,
      roomId: roomIdShown ?? m.room,
      authorId: m.author,
      authorUsername: m.username,
      authorDisplayName: m.displayName,
      authorAvatar: m.avatar === "" ? "" : `${base}/api/files/users/${m.author}/${m.avatar}`,
      content: m.content,
      type: m.type,
      replyTo: m.replyTo,
      created: m.created,
      editedAt: m.editedAt,
      deletedAt: m.deletedAt,
      reactions: reactionRows.filter((r) => r.message === m.id),
      mentions: mentionRows.filter((r) => r.message === m.id).map((r) => r.user),
    }),
  );
}

/** The rows of a message scope; `newest`: the newest that many, newest first. */
function messageRows(app: CoreApp, scope: MessageScope, newest?: number): MessageRow[] {
  const which = scope.where("m");
  if (newest === undefined) {
    return sqlRows(app, MESSAGE_ROW, `${MESSAGE_SELECT} WHERE ${which.sql}`, which.params);
  }
  return sqlRows(
    app,
    MESSAGE_ROW,
    `${MESSAGE_SELECT} WHERE ${which.sql} ORDER BY m.created DESC, m.id DESC LIMIT {:limit}`,
    bindWith(which, { limit: newest }),
  );
}

/** One message in the legacy shape (after a write to it). */
export function oneMessage(
  e: core.RequestEvent,
  id: string,
  roomIdShown?: string,
): Record<string, unknown> {
  return legacyMessages(e, messageRows(e.app, messageScope.byId(id)), roomIdShown)[0]!;
}

/** The last `limit` live messages of a room, oldest first, in the legacy shape. */
export function lastMessages(
  e: core.RequestEvent,
  roomId: string,
  limit: number,
  roomIdShown?: string,
): Record<string, unknown>[] {
  const rows = messageRows(e.app, messageScope.inRoom(roomId).live(), limit);
  return legacyMessages(e, rows.reverse(), roomIdShown); // oldest first
}

/** Messages by id, in the order given, in the legacy shape (one query, whatever the count). */
export function messagesByIds(e: core.RequestEvent, ids: string[]): Record<string, unknown>[] {
  const rows = messageRows(e.app, messageScope.byIds(ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return legacyMessages(
    e,
    ids.flatMap((id) => byId.get(id) ?? []),
  );
}

/**
 * The `{roomId}` room for reading its messages, with the reading routes' answers: 404 when
 * missing, 403 outside the jail while banned. Membership is each route's own decision.
 */
export function roomToRead(e: core.RequestEvent, me: core.Record): core.Record {
  let room: core.Record;
  try {
    room = findRoom(e.app, e.request!.pathValue("roomId"));
  } catch {
    return legacy(404, "Комната не найдена");
  }
  try {
    assertNotConfined(me, room);
  } catch {
    legacy(403, "Забаненные пользователи могут находиться только в Азкабане");
  }
  return room;
}

/** GET /messages/{roomId}?limit=100&godMode= -> {messages} */
export function list(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e, { missing: "Требуется авторизация", invalid: "Неверный токен" });
    const room = roomToRead(e, me);
    if (!findMembership(e.app, room.id, me.id)) {
      if (queryParam(e, "godMode") === "true" && roleOf(me) === "admin") {
        logModeration(e.app, { actor: me.id, room: room.id, action: "room_read" });
      } else if (room.getString("type") === "public" && room.getString("system") === "") {
        addMember(e.app, room.id, me.id, "member"); // opening a public room joins it
      } else {
        legacy(403, "Вы не являетесь участником комнаты");
      }
    }
    const limit = legacyLimit(queryParam(e, "limit"));
    e.json(200, { messages: lastMessages(e, room.id, limit) });
  });
}

/**
 * Sends through the messages create hook; returns the new message id. `roomId` is a room id
 * (DMs resolve their `<a>:<b>` id first). Session-sealed content is decoded first when the owner
 * turned that on, so mentions and polls (DM polls are sealed) are read from the text.
 */
export function sendTo(
  e: core.RequestEvent,
  me: core.Record,
  roomId: string,
  body: Record<string, unknown>,
): string {
  chargeSend(e, me.id);
  const type = legacyMessageType(body["type"]);
  const content = storedContent(body["content"]);
  const request: Record<string, unknown> = { room: roomId, content, type };
  if (typeof body["replyTo"] === "string" && body["replyTo"] !== "") {
    request["replyTo"] = body["replyTo"];
  }
  if (type === "poll") {
    const poll = parseLegacyPoll(content);
    if ("problem" in poll) legacy(400, poll.problem);
    request["poll"] = poll;
  }
  const record = new Record(e.app.findCachedCollectionByNameOrId("messages"));
  record.load({ room: roomId, content, type, replyTo: request["replyTo"] ?? "" });
  return messages.sendMessage(e.app, me, { body: request, record, files: 0 }).id;
}

/** POST /messages {roomId, content, type?, replyTo?} -> the message (bare). */
export function send(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    const roomId = body["roomId"];
    if (typeof roomId !== "string" || roomId === "") return fail("room.not_found");
    if (typeof body["content"] !== "string" || body["content"].trim() === "") {
      fail("message.content.empty");
    }
    const id = sendTo(e, me, roomId, body);
    const message = oneMessage(e, id);
    // Polls answer {message, poll}; everything else the bare message.
    e.json(200, message["type"] === "poll" ? { message, poll: pollFor(e, me, id) } : message);
  });
}

/** PUT /messages/{messageId} {content} -> the message. */
export function edit(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("messageId");
    const content = legacyBody(e)["content"];
    if (typeof content !== "string" || content.trim() === "") fail("message.content.empty");
    messages.editMessage(e.app, me, { id, content: storedContent(content) });
    e.json(200, oneMessage(e, id));
  });
}

/** DELETE /messages/{messageId} -> {success:true} */
export function remove(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    messages.deleteMessage(e.app, me, e.request!.pathValue("messageId"));
    e.json(200, { success: true });
  });
}

function emojiOf(e: core.RequestEvent): string {
  const fromBody = legacyBody(e)["emoji"];
  const emoji = typeof fromBody === "string" && fromBody !== "" ? fromBody : queryParam(e, "emoji");
  if (emoji === "") fail("reaction.emoji.invalid");
  return emoji;
}

/** POST /messages/{messageId}/react {emoji} -> the message; adding twice changes nothing. */
export function react(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("messageId");
    reactions.addReaction(e.app, me, { messageId: id, emoji: emojiOf(e) });
    e.json(200, oneMessage(e, id));
  });
}

/** DELETE /messages/{messageId}/react?emoji= (or body) -> the message. */
export function unreact(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("messageId");
    reactions.removeReaction(e.app, me, { messageId: id, emoji: emojiOf(e) });
    e.json(200, oneMessage(e, id));
  });
}

/** POST /polls {roomId, question, options[], anonymous} -> {message, poll} (the composer's way). */
export function createPoll(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    const { roomId, question, options } = body;
    if (
      typeof roomId !== "string" ||
      typeof question !== "string" ||
      !Array.isArray(options) ||
      options.some((o) => typeof o !== "string")
    ) {
      return legacy(400, "Неверный формат опроса");
    }
    const content = legacyPollText(question, options as string[], body["anonymous"] === true);
    const id = sendTo(e, me, roomId, { content, type: "poll" });
    e.json(200, { message: oneMessage(e, id), poll: pollFor(e, me, id) });
  });
}
