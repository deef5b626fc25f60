// Deleting rooms and pinning messages.
import { pinProblem } from "../rules/rooms.ts";
import {
  assertNotConfined,
  callerOf,
  findMembership,
  findRoom,
  memberRoleOf,
  requireModerator,
  requireWritable,
  roleOf,
} from "./access.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { bodyOf, pathParam, requiredString } from "./http.ts";
import { logModeration } from "./moderation-log.ts";
import { pinned } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";

/** The delete-room action: a soft delete; the room leaves every list, read and search. */
export function deleteRoomAction(app: CoreApp, me: core.Record, roomId: string): void {
  app.runInTransaction((tx) => {
    const room = findRoom(tx, roomId);
    const membership = requireModerator(tx, me, room, { kind: "delete" });
    room.set("deletedAt", new DateTime());
    tx.save(room);
    // Members can no longer see the room, so its update event does not reach them; touching
    // their own membership rows does, and tells their clients to drop the room.
    for (const membership of tx.findRecordsByFilter("room_members", "room = {:room}", "", 0, 0, {
      room: room.id,
    })) {
      tx.save(membership!);
    }
    if (memberRoleOf(membership) !== "owner") {
      logModeration(tx, { actor: me.id, room: room.id, action: "delete_room" });
    }
  });
}

/** DELETE /api/konvert/rooms/{id} */
export function deleteRoom(e: core.RequestEvent): void {
  deleteRoomAction(e.app, callerOf(e), pathParam(e, "id"));
  e.noContent(204);
}

/** The pin action: the message becomes the room's current pin. Returns the room. */
export function pinMessage(
  app: CoreApp,
  me: core.Record,
  input: { roomId: string; messageId: string },
): core.Record {
  const messageId = input.messageId;
  let room: core.Record | undefined;
  app.runInTransaction((tx) => {
    room = prepare(tx, input.roomId, me);
    const message = messageOf(tx, room, messageId);
    // Re-pinning moves the pin to the top of the history: drop the old row, add a new one.
    for (const old of tx.findRecordsByFilter(
      "pins",
      "room = {:room} && message = {:message}",
      "",
      0,
      0,
      {
        room: room.id,
        message: message.id,
      },
    )) {
      tx.delete(old!);
    }
    const pinRecord = new Record(tx.findCachedCollectionByNameOrId("pins"));
    pinRecord.load({ room: room.id, message: message.id, pinnedBy: me.id });
    tx.save(pinRecord);
    room.set("pinnedMessage", message.id);
    tx.save(room);
    track(tx, me.id, pinned(tx, me.id));
  });
  return room!;
}

/** POST /api/konvert/rooms/{id}/pin {messageId} */
export function pin(e: core.RequestEvent): void {
  const me = callerOf(e);
  const messageId = requiredString(bodyOf(e), "messageId");
  e.json(200, pinMessage(e.app, me, { roomId: pathParam(e, "id"), messageId }));
}

/**
 * The unpin action: without a message id the current pin is removed; the newest remaining pin
 * becomes current. Returns the room.
 */
export function unpinMessage(
  app: CoreApp,
  me: core.Record,
  input: { roomId: string; messageId?: unknown },
): core.Record {
  const requested = input.messageId;
  let room: core.Record | undefined;
  app.runInTransaction((tx) => {
    const current = prepare(tx, input.roomId, me);
    room = current;
    const messageId =
      typeof requested === "string" && requested !== ""
        ? requested
        : current.getString("pinnedMessage");
    if (messageId === "") fail("room.unpin.nothing_pinned");
    const pins = tx.findRecordsByFilter(
      "pins",
      "room = {:room} && message = {:message}",
      "",
      0,
      0,
      {
        room: current.id,
        message: messageId,
      },
    );
    if (pins.length === 0) fail("room.unpin.not_pinned");
    for (const p of pins) tx.delete(p!);
    const newest = tx.findRecordsByFilter("pins", "room = {:room}", "-created,-id", 1, 0, {
      room: current.id,
    });
    current.set("pinnedMessage", newest[0]?.getString("message") ?? "");
    tx.save(current);
  });
  return room!;
}

/** POST /api/konvert/rooms/{id}/unpin {messageId?} */
export function unpin(e: core.RequestEvent): void {
  const me = callerOf(e);
  const input = { roomId: pathParam(e, "id"), messageId: bodyOf(e)["messageId"] };
  e.json(200, unpinMessage(e.app, me, input));
}

function prepare(tx: CoreApp, roomId: string, me: core.Record): core.Record {
  const room = findRoom(tx, roomId);
  assertNotConfined(me, room);
  refuseIf(pinProblem(roleOf(me), memberRoleOf(findMembership(tx, room.id, me.id))));
  // pinning is writing in the room (mutes, DM blocks); staff pin in rooms they are not in
  requireWritable(tx, me, room.id, { staffOutside: true });
  return room;
}

function messageOf(tx: CoreApp, room: core.Record, messageId: string): core.Record {
  let message: core.Record | null = null;
  try {
    message = tx.findRecordById("messages", messageId);
  } catch {
    // reported below
  }
  if (!message || message.getString("room") !== room.id || message.getString("deletedAt") !== "") {
    return fail("room.pin.not_in_room");
  }
  return message;
}
