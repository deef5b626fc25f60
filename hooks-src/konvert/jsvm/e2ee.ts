// E2EE key exchange: public keys on users, room keys wrapped per member on memberships.
import { keyManagerProblem } from "../rules/rooms.ts";
import { publicKeyProblem, wrappedKeysProblem } from "../rules/e2ee.ts";
import {
  assertNotConfined,
  callerOf,
  findMembership,
  findRoom,
  memberRoleOf,
  requireReader,
  roleOf,
} from "./access.ts";
import { badRequest, deny, refuse } from "./errors.ts";
import { bodyOf, pathParam } from "./http.ts";

/** PUT /api/konvert/me/public-key {publicKey} */
export function updatePublicKey(e: core.RequestEvent): void {
  const me = callerOf(e);
  const publicKey = bodyOf(e)["publicKey"];
  refuse("publicKey", publicKeyProblem(publicKey));
  me.set("publicKey", publicKey);
  e.app.save(me);
  e.noContent(204);
}

/** GET /api/konvert/rooms/{id}/key — the caller's own wrapped key (null when none yet). */
export function roomKey(e: core.RequestEvent): void {
  const me = callerOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  const membership = requireReader(e.app, me, room);
  const key = membership.getString("encryptedKey");
  e.json(200, {
    encryptedKey: key === "" ? null : key,
    keyVersion: membership.getInt("keyVersion"),
    roomKeyVersion: room.getInt("keyVersion"),
  });
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

/** PUT /api/konvert/rooms/{id}/keys {encryptedKeys: {userId: wrappedKey}} — owner and staff. */
export function saveRoomKeys(e: core.RequestEvent): void {
  const me = callerOf(e);
  const keys = bodyOf(e)["encryptedKeys"];
  refuse("encryptedKeys", wrappedKeysProblem(keys));
  e.app.runInTransaction((tx) => {
    const room = findRoom(tx, pathParam(e, "id"));
    assertNotConfined(me, room);
    deny(keyManagerProblem(roleOf(me), memberRoleOf(findMembership(tx, room.id, me.id))));
    const version = room.getInt("keyVersion");
    for (const [userId, key] of Object.entries(keys as Record<string, string>)) {
      const membership = findMembership(tx, room.id, userId);
      if (!membership) badRequest("encryptedKeys", `${userId} is not a member of this room.`);
      membership.set("encryptedKey", key);
      membership.set("keyVersion", version);
      tx.save(membership);
    }
  });
  e.noContent(204);
}
