// R36–R41: messages over the legacy API. Sending runs the records-API create hook itself (the
// same checks, mentions, polls and notifications); edits, deletes and reactions run the
// backend's routes. Lists are polled every 3 s: four indexed queries, whatever the page size.
import { legacyLimit, legacyMessage, legacyMessageType } from "../rules/compat-shapes.ts";
import { parseLegacyPoll } from "../rules/compat-polls.ts";
import { assertNotConfined, findMembership, findRoom, roleOf } from "../jsvm/access.ts";
import * as messages from "../jsvm/messages.ts";
import * as reactions from "../jsvm/reactions.ts";
import { addMember } from "../jsvm/membership.ts";
import { logModeration } from "../jsvm/moderation-log.ts";
import { handle, invoke, legacy, legacyBody, legacyCaller, queryParam } from "./http.ts";
import { pollFor } from "./polls.ts";
import { rowsFor } from "./sql.ts";
import { fileUrl } from "./user-shape.ts";

/** Messages (oldest first) with reactions, mentions and their senders' current names. */
export function legacyMessages(
  e: core.RequestEvent,
  records: core.Record[],
  roomIdShown?: string,
): Record<string, unknown>[] {
  const ids = records.map((m) => m.id);
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
  const authors = new Map<string, core.Record>();
  const authorIds = [...new Set(records.map((m) => m.getString("author")).filter((a) => a))];
  for (const user of e.app.findRecordsByIds("users", authorIds)) authors.set(user!.id, user!);
  return records.map((m) => {
    const author = authors.get(m.getString("author"));
    const live = author && author.getString("deletedAt") === "";
    return legacyMessage({
      id: m.id,
      roomId: roomIdShown ?? m.getString("room"),
      authorId: m.getString("author"),
      authorUsername: author ? author.getString("username") : "",
      authorDisplayName: live ? author.getString("displayName") : "",
      authorAvatar: live ? fileUrl(e, author, author.getString("avatar")) : "",
      content: m.getString("content"),
      type: m.getString("type"),
      replyTo: m.getString("replyTo"),
      created: m.getString("created"),
      editedAt: m.getString("editedAt"),
      deletedAt: m.getString("deletedAt"),
      reactions: reactionRows.filter((r) => r.message === m.id),
      mentions: mentionRows.filter((r) => r.message === m.id).map((r) => r.user),
    });
  });
}

function oneMessage(
  e: core.RequestEvent,
  id: string,
  roomIdShown?: string,
): Record<string, unknown> {
  return legacyMessages(e, [e.app.findRecordById("messages", id)], roomIdShown)[0]!;
}

/** The last `limit` live messages of a room, oldest first. */
export function lastMessages(app: CoreApp, roomId: string, limit: number): core.Record[] {
  const page = app.findRecordsByFilter(
    "messages",
    "room = {:room} && deletedAt = ''",
    "-created,-id",
    limit,
    0,
    { room: roomId },
  );
  return (page as core.Record[]).reverse();
}

/** GET /messages/{roomId}?limit=100&godMode= -> {messages} */
export function list(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e, { missing: "Требуется авторизация", invalid: "Неверный токен" });
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
    e.json(200, { messages: legacyMessages(e, lastMessages(e.app, room.id, limit)) });
  });
}

/**
 * Sends through the messages create hook; returns the new message id. `roomId` is a room id
 * (DMs resolve their `<a>:<b>` id first).
 */
export function sendTo(
  e: core.RequestEvent,
  me: core.Record,
  roomId: string,
  body: Record<string, unknown>,
): string {
  const type = legacyMessageType(body["type"]);
  const request: Record<string, unknown> = { room: roomId, content: body["content"], type };
  if (typeof body["replyTo"] === "string" && body["replyTo"] !== "") {
    request["replyTo"] = body["replyTo"];
  }
  if (type === "poll") {
    const poll = parseLegacyPoll(body["content"]);
    if ("problem" in poll) legacy(400, poll.problem);
    request["poll"] = poll;
  }
  const record = new Record(e.app.findCollectionByNameOrId("messages"));
  record.load({ room: roomId, content: body["content"], type, replyTo: request["replyTo"] ?? "" });
  invoke(e, messages.onMessageCreateRequest as (e: core.RequestEvent) => void, {
    caller: me,
    body: request,
    record,
  });
  return record.id;
}

/** POST /messages {roomId, content, type?, replyTo?} -> the message (bare). */
export function send(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    const roomId = body["roomId"];
    if (typeof roomId !== "string" || roomId === "") legacy(400, "Комната не найдена");
    if (typeof body["content"] !== "string" || body["content"].trim() === "") {
      legacy(400, "Контент сообщения не может быть пустым");
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
    if (typeof content !== "string" || content.trim() === "") {
      legacy(400, "Контент сообщения не может быть пустым");
    }
    invoke(e, messages.edit, { caller: me, params: { id }, body: { content } });
    e.json(200, oneMessage(e, id));
  });
}

/** DELETE /messages/{messageId} -> {success:true} */
export function remove(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    invoke(e, messages.remove, { caller: me, params: { id: e.request!.pathValue("messageId") } });
    e.json(200, { success: true });
  });
}

function emojiOf(e: core.RequestEvent): string {
  const fromBody = legacyBody(e)["emoji"];
  const emoji = typeof fromBody === "string" && fromBody !== "" ? fromBody : queryParam(e, "emoji");
  if (emoji === "") legacy(400, "Эмодзи не указано");
  return emoji;
}

/** POST /messages/{messageId}/react {emoji} -> the message; adding twice changes nothing. */
export function react(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("messageId");
    invoke(e, reactions.add, { caller: me, params: { id }, body: { emoji: emojiOf(e) } });
    e.json(200, oneMessage(e, id));
  });
}

/** DELETE /messages/{messageId}/react?emoji= (or body) -> the message. */
export function unreact(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const id = e.request!.pathValue("messageId");
    invoke(e, reactions.remove, { caller: me, params: { id }, body: { emoji: emojiOf(e) } });
    e.json(200, oneMessage(e, id));
  });
}
