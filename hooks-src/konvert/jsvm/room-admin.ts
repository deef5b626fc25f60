// Deleting rooms and pinning messages.
import { deleteProblem, pinProblem } from "../rules/rooms.ts";
import {
  assertNotConfined,
  callerOf,
  factsOf,
  findMembership,
  findRoom,
  memberRoleOf,
  requireWritable,
  roleOf,
} from "./access.ts";
import { badRequest, deny } from "./errors.ts";
import { bodyOf, pathParam, requiredString } from "./http.ts";
import { logModeration } from "./moderation-log.ts";
import { pinned } from "./achievements/events.ts";
import { track } from "./achievements/track.ts";

/** DELETE /api/konvert/rooms/{id} — soft delete: the room leaves every list, read and search. */
export function deleteRoom(e: core.RequestEvent): void {
  const me = callerOf(e);
  e.app.runInTransaction((tx) => {
    const room = findRoom(tx, pathParam(e, "id"));
    const membership = findMembership(tx, room.id, me.id);
    deny(deleteProblem(factsOf(room), roleOf(me), memberRoleOf(membership)));
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
  e.noContent(204);
}

/** POST /api/konvert/rooms/{id}/pin {messageId} — the message becomes the current pin. */
export function pin(e: core.RequestEvent): void {
  const me = callerOf(e);
  const messageId = requiredString(bodyOf(e), "messageId");
  let room: core.Record | undefined;
  e.app.runInTransaction((tx) => {
    room = prepare(tx, e, me);
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
  e.json(200, room);
}

/**
 * POST /api/konvert/rooms/{id}/unpin {messageId?} — without a message id the current pin is
 * removed; the newest remaining pin becomes current.
 */
export function unpin(e: core.RequestEvent): void {
  const me = callerOf(e);
  const requested = bodyOf(e)["messageId"];
  let room: core.Record | undefined;
  e.app.runInTransaction((tx) => {
    const current = prepare(tx, e, me);
    room = current;
    const messageId =
      typeof requested === "string" && requested !== ""
        ? requested
        : current.getString("pinnedMessage");
    if (messageId === "") badRequest("messageId", "Nothing is pinned in this room.");
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
    if (pins.length === 0) badRequest("messageId", "This message is not pinned.");
    for (const p of pins) tx.delete(p!);
    const newest = tx.findRecordsByFilter("pins", "room = {:room}", "-created,-id", 1, 0, {
      room: current.id,
    });
    current.set("pinnedMessage", newest[0]?.getString("message") ?? "");
    tx.save(current);
  });
  e.json(200, room);
}

function prepare(tx: CoreApp, e: core.RequestEvent, me: core.Record): core.Record {
  const room = findRoom(tx, pathParam(e, "id"));
  assertNotConfined(me, room);
  deny(pinProblem(roleOf(me), memberRoleOf(findMembership(tx, room.id, me.id))));
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
    return badRequest("messageId", "The message is not in this room.");
  }
  return message;
}
