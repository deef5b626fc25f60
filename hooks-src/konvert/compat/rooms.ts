// R24–R30, R32, R35, R43: rooms over the legacy API. Every action runs the backend's own route
// handler (so the rules are the same ones) and answers with the room in the legacy shape.
import { isStaff } from "../rules/rooms.ts";
import { isDmId } from "../rules/compat-shapes.ts";
import { findMembership, findRoom, isBanned, roleOf } from "../jsvm/access.ts";
import * as dms from "../jsvm/dms.ts";
import * as favorites from "../jsvm/favorites.ts";
import * as membership from "../jsvm/membership.ts";
import * as readState from "../jsvm/read-state.ts";
import * as roomAdmin from "../jsvm/room-admin.ts";
import { onRoomCreateRequest } from "../jsvm/rooms.ts";
import { handle, invoke, legacy, legacyBody, legacyCaller, queryParam } from "./http.ts";
import { legacyRoomById, legacyRooms } from "./room-shape.ts";
import { roomListScope } from "../rules/scopes.ts";
import { dmRoomOf } from "./dms.ts";

/** Admins' read-only view of every shared room ("Глаз Бога"); the original allowed iBro only. */
function godModeOf(e: core.RequestEvent, me: core.Record): boolean {
  return queryParam(e, "godMode") === "true" && roleOf(me) === "admin";
}

/**
 * GET /rooms -> {rooms}. Polled every 2–3 s per user: one room-list statement plus three batched
 * lookups, no per-room queries.
 */
export function list(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const banned = isBanned(me);
    if (!banned && godModeOf(e, me)) {
      e.json(200, { rooms: legacyRooms(e.app, me.id, roomListScope.godMode(), true) });
      return;
    }
    e.json(200, { rooms: legacyRooms(e.app, me.id, roomListScope.mineAndPublic(me.id, banned)) });
  });
}

/** POST /rooms {name, type} -> the room (bare). */
export function create(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    if (typeof body["name"] !== "string" || body["name"].trim() === "" || !body["type"]) {
      legacy(400, "Название и тип комнаты обязательны");
    }
    const room = new Record(e.app.findCachedCollectionByNameOrId("rooms"));
    room.load({ name: body["name"], type: body["type"] });
    invoke(e, onRoomCreateRequest as (e: core.RequestEvent) => void, {
      caller: me,
      body: { name: body["name"], type: body["type"] },
      record: room,
    });
    e.json(200, legacyRoomById(e.app, me.id, room.id));
  });
}

/** POST /rooms/{roomId}/join -> the room. Admins in god mode look without joining. */
export function join(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    const room = findRoom(e.app, roomId);
    if (!godModeOf(e, me) && !findMembership(e.app, room.id, me.id)) {
      invoke(e, membership.join, { caller: me, params: { id: room.id } });
    }
    e.json(200, legacyRoomById(e.app, me.id, room.id));
  });
}

/** POST /rooms/{roomId}/leave -> the room. */
export function leave(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    invoke(e, membership.leave, { caller: me, params: { id: roomId } });
    e.json(200, legacyRoomById(e.app, me.id, roomId));
  });
}

/** POST /rooms/{roomId}/invite {userId} -> the room; inviting a member again is a no-op. */
export function invite(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    const userId = legacyBody(e)["userId"];
    if (typeof userId !== "string" || userId === "") legacy(400, "Пользователь не найден");
    const room = findRoom(e.app, roomId);
    if (room.getString("type") === "favorites") {
      legacy(400, 'Нельзя добавить пользователей в комнату "Избранное"');
    }
    if (!findMembership(e.app, room.id, me.id)) {
      legacy(400, "Вы не являетесь участником этой комнаты");
    }
    if (!findMembership(e.app, room.id, userId)) {
      invoke(e, membership.invite, { caller: me, params: { id: room.id }, body: { userId } });
    }
    e.json(200, legacyRoomById(e.app, me.id, room.id));
  });
}

/** POST /rooms/{roomId}/pin {messageId} -> the room. */
export function pin(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    const messageId = legacyBody(e)["messageId"];
    if (typeof messageId !== "string" || messageId === "") {
      legacy(400, "Сообщение не найдено или удалено");
    }
    invoke(e, roomAdmin.pin, { caller: me, params: { id: roomId }, body: { messageId } });
    e.json(200, legacyRoomById(e.app, me.id, roomId));
  });
}

/**
 * DELETE /rooms/{roomId}/pin[/{messageId}] -> the room. Without an id the current pin goes (the
 * original did nothing, B11); unpinning what is not pinned changes nothing, as before.
 */
export function unpin(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    const messageId = e.request!.pathValue("messageId");
    const room = findRoom(e.app, roomId);
    const pinned = messageId !== "" || room.getString("pinnedMessage") !== "";
    if (!pinned && !isStaff(roleOf(me))) legacy(400, "Недостаточно прав для открепления");
    try {
      invoke(e, roomAdmin.unpin, { caller: me, params: { id: roomId }, body: { messageId } });
    } catch (err) {
      if (!/not pinned|Nothing is pinned/.test(String((err as { message?: unknown }).message))) {
        throw err;
      }
    }
    e.json(200, legacyRoomById(e.app, me.id, roomId));
  });
}

/** POST /rooms/{roomId}/mark-read {clearMentions?, clearReactions?} -> {success:true} */
export function markRead(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    const room = isDmId(roomId) ? dmRoomOf(e.app, roomId) : findRoom(e.app, roomId);
    // Not a member (god mode, anyone else): nothing to mark, as in the original.
    if (findMembership(e.app, room.id, me.id)) {
      invoke(e, readState.markAsRead, {
        caller: me,
        params: { id: room.id },
        body: legacyBody(e),
      });
    }
    e.json(200, { success: true });
  });
}

/** DELETE /rooms/{roomId} -> {success, deletedMessages, deletedNotifications}. */
export function remove(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    if (isDmId(roomId)) {
      // The DM list deletes conversations through this route (B10): hide it for the caller.
      invoke(e, dms.hide, { caller: me, params: { id: dmRoomOf(e.app, roomId).id } });
    } else {
      invoke(e, roomAdmin.deleteRoom, { caller: me, params: { id: roomId } });
    }
    e.json(200, { success: true, deletedMessages: 0, deletedNotifications: 0 });
  });
}

/** POST /rooms/favorites -> the caller's favorites room (bare), created on first use. */
export function openFavorites(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const summary = invoke(e, favorites.open, { caller: me }) as { id: string };
    e.json(200, legacyRoomById(e.app, me.id, summary.id));
  });
}
