// E2EE key exchange: public keys on users, room keys wrapped per member on memberships.
import { publicKeyProblem, wrappedKeysProblem } from "../rules/e2ee.ts";
import { callerOf, findMembership, findRoom, requireModerator, requireReader } from "./access.ts";
import { fail, refuseIf } from "../actions/errors.ts";
import { bodyOf, pathParam } from "./http.ts";

/** The set-public-key action. */
export function setPublicKey(app: CoreApp, me: core.Record, publicKey: unknown): void {
  refuseIf(publicKeyProblem(publicKey));
  me.set("publicKey", publicKey);
  app.save(me);
}

/** PUT /api/konvert/me/public-key {publicKey} */
export function updatePublicKey(e: core.RequestEvent): void {
  setPublicKey(e.app, callerOf(e), bodyOf(e)["publicKey"]);
  e.noContent(204);
}

export interface RoomKey {
  encryptedKey: string | null;
  keyVersion: number;
  roomKeyVersion: number;
}

/** The caller's own wrapped key of a room (null when none yet). */
export function myRoomKey(app: CoreApp, me: core.Record, roomId: string): RoomKey {
  const room = findRoom(app, roomId);
  const membership = requireReader(app, me, room);
  const key = membership.getString("encryptedKey");
  return {
    encryptedKey: key === "" ? null : key,
    keyVersion: membership.getInt("keyVersion"),
    roomKeyVersion: room.getInt("keyVersion"),
  };
}

/** GET /api/konvert/rooms/{id}/key */
export function roomKey(e: core.RequestEvent): void {
  e.json(200, myRoomKey(e.app, callerOf(e), pathParam(e, "id")));
}

/**
 * GET /api/konvert/rooms/{id}/public-keys — members' public keys, for wrapping a room key.
 */
export function memberPublicKeys(e: core.RequestEvent): void {
  const me = callerOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  requireReader(e.app, me, room);
  const members = e.app.findRecordsByFilter("room_members", "room = {:room}", "created", 0, 0, {
    room: room.id,
  });
  const users = e.app.findRecordsByIds(
    "users",
    members.map((m) => m!.getString("user")),
  );
  e.json(
    200,
    users.map((u) => ({ userId: u!.id, publicKey: u!.getString("publicKey") || null })),
  );
}

/** The distribute-room-keys action: wrapped keys per member; the owner and staff only. */
export function distributeRoomKeys(
  app: CoreApp,
  me: core.Record,
  input: { roomId: string; encryptedKeys: unknown },
): void {
  const keys = input.encryptedKeys;
  refuseIf(wrappedKeysProblem(keys));
  app.runInTransaction((tx) => {
    const room = findRoom(tx, input.roomId);
    requireModerator(tx, me, room, { kind: "keys" });
    const version = room.getInt("keyVersion");
    for (const [userId, key] of Object.entries(keys as Record<string, string>)) {
      const membership = findMembership(tx, room.id, userId);
      if (!membership) fail("e2ee.keys.not_member", `${userId} is not a member of this room.`);
      membership.set("encryptedKey", key);
      membership.set("keyVersion", version);
      tx.save(membership);
    }
  });
}

/** PUT /api/konvert/rooms/{id}/keys {encryptedKeys: {userId: wrappedKey}} */
export function saveRoomKeys(e: core.RequestEvent): void {
  const input = { roomId: pathParam(e, "id"), encryptedKeys: bodyOf(e)["encryptedKeys"] };
  distributeRoomKeys(e.app, callerOf(e), input);
  e.noContent(204);
}
