// R24–R30, R32, R35, R43: rooms over the legacy API. Every route calls the same action as its
// typed route (so the rules are the same ones) and answers with the room in the legacy shape.
import { isStaff } from "../rules/rooms.ts";
import { isDmId } from "../rules/compat-shapes.ts";
import { asActionError, fail } from "../actions/errors.ts";
import { findMembership, findRoom, isBanned, roleOf } from "../jsvm/access.ts";
import * as dms from "../jsvm/dms.ts";
import * as favorites from "../jsvm/favorites.ts";
import * as membership from "../jsvm/membership.ts";
import * as readState from "../jsvm/read-state.ts";
import * as roomAdmin from "../jsvm/room-admin.ts";
import { createRoom } from "../jsvm/rooms.ts";
import { handle, legacy, legacyBody, legacyCaller, queryParam } from "./http.ts";
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
      fail("room.name.required");
    }
    const room = new Record(e.app.findCachedCollectionByNameOrId("rooms"));
    createRoom(e.app, me, { record: room, name: body["name"], type: body["type"] }, (tx) =>
      tx.save(room),
    );
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
      membership.joinRoom(e.app, me, room.id);
    }
    e.json(200, legacyRoomById(e.app, me.id, room.id));
  });
}

/** POST /rooms/{roomId}/leave -> the room. */
export function leave(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    membership.leaveRoom(e.app, me, roomId);
    e.json(200, legacyRoomById(e.app, me.id, roomId));
  });
}

/** POST /rooms/{roomId}/invite {userId} -> the room; inviting a member again is a no-op. */
export function invite(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const roomId = e.request!.pathValue("roomId");
    const userId = legacyBody(e)["userId"];
    if (typeof userId !== "string" || userId === "") return fail("user.not_found");
    const room = findRoom(e.app, roomId);
    if (room.getString("type") === "favorites") {
      fail("room.invite.not_shared");
    }
    if (!findMembership(e.app, room.id, me.id)) {
      fail("room.invite.not_member");
    }
    if (!findMembership(e.app, room.id, userId)) {
      membership.inviteToRoom(e.app, me, { roomId: room.id, userId });
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
      fail("room.pin.not_in_room");
    }
    roomAdmin.pinMessage(e.app, me, { roomId, messageId });
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
      roomAdmin.unpinMessage(e.app, me, { roomId, messageId });
    } catch (err) {
      // unpinning what is not pinned changed nothing in the original, and answered the room
      const code = asActionError(err)?.code;
      if (code !== "room.unpin.not_pinned" && code !== "room.unpin.nothing_pinned") throw err;
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
      const body = legacyBody(e);
      readState.markRoomRead(e.app, me, {
        roomId: room.id,
        clearMentions: body["clearMentions"] === true,
        clearReactions: body["clearReactions"] === true,
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
      dms.hideDm(e.app, me, dmRoomOf(e.app, roomId).id);
    } else {
      roomAdmin.deleteRoomAction(e.app, me, roomId);
    }
    e.json(200, { success: true, deletedMessages: 0, deletedNotifications: 0 });
  });
}

/** POST /rooms/favorites -> the caller's favorites room (bare), created on first use. */
export function openFavorites(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    e.json(200, legacyRoomById(e.app, me.id, favorites.openFavorites(e.app, me)));
  });
}
