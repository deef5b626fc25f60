// R60–R65: direct conversations over the legacy API. A DM's legacy id is the sorted pair
// `<a>:<b>` (the room's unique dmKey), so the client can build it and put it in paths raw.
import { findMembership, isBanned } from "../jsvm/access.ts";
import * as dms from "../jsvm/dms.ts";
import * as readState from "../jsvm/read-state.ts";
import { handle, legacy, legacyBody, legacyCaller, queryParam } from "./http.ts";
import { lastMessages, oneMessage, sendTo } from "./messages.ts";
import { legacyDms, legacyRoomById } from "./room-shape.ts";
import { roomListScope, visibleDms } from "../rules/scopes.ts";
import { legacyLimit } from "../rules/compat-shapes.ts";

/** The DM room with this `<a>:<b>` id, or 400 `Чат не найден`. */
export function dmRoomOf(app: CoreApp, dmId: string): core.Record {
  try {
    const room = app.findFirstRecordByFilter("rooms", "dmKey = {:key} && deletedAt = ''", {
      key: dmId,
    });
    return room;
  } catch {
    return legacy(400, "Чат не найден");
  }
}

/** The DM for a participant, or 400 with the legacy texts. */
function myDm(app: CoreApp, me: core.Record, dmId: string): core.Record {
  if (dmId === "") legacy(400, "Некорректные параметры");
  const room = dmRoomOf(app, dmId);
  if (!findMembership(app, room.id, me.id)) legacy(400, "Вы не являетесь участником чата");
  return room;
}

/** POST /dm/create {userId} -> the conversation (bare). */
export function create(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const userId = legacyBody(e)["userId"];
    if (typeof userId !== "string" || userId === "") legacy(400, "Некорректные параметры");
    const roomId = dms.openDm(e.app, me, userId);
    const [dm] = legacyDms(e.app, me.id, roomListScope.byId(roomId));
    e.json(200, dm);
  });
}

/**
 * POST /rooms/dm {userId} -> Room (R31, the original's older DM-as-room). Nothing renders those
 * rooms any more, so it opens the one live DM of the pair (R60's get-or-create) and shows it as a
 * room of type `dm`, with the original's `dm_participants` (sorted, like DM ids) and name.
 */
export function openAsRoom(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const userId = legacyBody(e)["userId"];
    if (typeof userId !== "string" || userId === "") legacy(400, "Пользователь не найден");
    if (userId === me.id) legacy(400, "Нельзя создать DM с самим собой");
    const roomId = dms.openDm(e.app, me, userId);
    const other = e.app.findRecordById("users", userId);
    const room = legacyRoomById(e.app, me.id, roomId);
    e.json(200, {
      ...room,
      name: `DM: ${me.getString("username")} & ${other.getString("username")}`,
      dm_participants: me.id < userId ? [me.id, userId] : [userId, me.id],
    });
  });
}

/** GET /dm/list -> {dms}, newest activity first; never an error for business reasons. */
export function list(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    e.json(200, { dms: isBanned(me) ? [] : legacyDms(e.app, me.id, visibleDms(me.id)) });
  });
}

/** GET /dm/{dmId}/messages?limit=100 -> {messages}; not a participant: an empty list. */
export function messages(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const dmId = e.request!.pathValue("dmId");
    let room: core.Record;
    try {
      room = myDm(e.app, me, dmId);
    } catch {
      e.json(200, { messages: [] });
      return;
    }
    const limit = legacyLimit(queryParam(e, "limit"));
    e.json(200, { messages: lastMessages(e, room.id, limit, dmId) });
  });
}

/** POST /dm/{dmId}/messages {content, type?, replyTo?} -> the message (bare). */
export function send(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const dmId = e.request!.pathValue("dmId");
    const body = legacyBody(e);
    if (typeof body["content"] !== "string" || body["content"].trim() === "") {
      legacy(400, "Некорректные параметры");
    }
    if (isBanned(me)) legacy(400, "Вы заблокированы и не можете отправлять сообщения");
    const room = myDm(e.app, me, dmId);
    const id = sendTo(e, me, room.id, body);
    e.json(200, oneMessage(e, id, dmId));
  });
}

/** POST /dm/{dmId}/read -> {success:true} */
export function read(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const room = myDm(e.app, me, e.request!.pathValue("dmId"));
    readState.markRoomRead(e.app, me, { roomId: room.id });
    e.json(200, { success: true });
  });
}

/** DELETE /dm/{dmId} -> {success, deletedMessages, deletedNotifications}: hides it for the caller. */
export function remove(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const room = myDm(e.app, me, e.request!.pathValue("dmId"));
    dms.hideDm(e.app, me, room.id);
    e.json(200, { success: true, deletedMessages: 0, deletedNotifications: 0 });
  });
}
