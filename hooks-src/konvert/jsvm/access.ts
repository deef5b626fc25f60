// Loading the caller, rooms and memberships, with the checks every room action shares.
import { asRole, type Role } from "../rules/roles.ts";
import type { MemberRole, RoomFacts, RoomType } from "../rules/rooms.ts";
import { isActiveUntil } from "./clock.ts";
import { fail } from "../actions/errors.ts";

export function callerOf(e: core.RequestEvent): core.Record {
  if (!e.auth || e.auth.collection().name !== "users") {
    return fail("auth.required");
  }
  return e.auth;
}

export function roleOf(user: core.Record): Role {
  return asRole(user.getString("role"));
}

export function isBanned(user: core.Record): boolean {
  return isActiveUntil(user, "bannedUntil");
}

/** A room that exists and is not deleted, or a 404. */
export function findRoom(app: CoreApp, roomId: string): core.Record {
  let room: core.Record;
  try {
    room = app.findRecordById("rooms", roomId);
  } catch {
    return fail("room.not_found");
  }
  if (room.getString("deletedAt") !== "") fail("room.not_found");
  return room;
}

export function factsOf(room: core.Record): RoomFacts {
  return { type: room.getString("type") as RoomType, system: room.getString("system") };
}

export function findMembership(app: CoreApp, roomId: string, userId: string): core.Record | null {
  try {
    return app.findFirstRecordByFilter("room_members", "room = {:room} && user = {:user}", {
      room: roomId,
      user: userId,
    });
  } catch {
    return null;
  }
}

export function memberRoleOf(membership: core.Record | null): MemberRole | null {
  return membership ? (membership.getString("role") as MemberRole) : null;
}

/** While banned, a user acts only in the jail room. */
export function assertNotConfined(user: core.Record, room: core.Record): void {
  assertNotConfinedTo(user, room.getString("system"));
}

/** The same check for a room known by its `system` value. */
export function assertNotConfinedTo(user: core.Record, system: string): void {
  if (isBanned(user) && system !== "jail") {
    fail("user.banned");
  }
}

/** The caller's membership of the room, or a 403. */
export function requireMembership(app: CoreApp, room: core.Record, user: core.Record): core.Record {
  const membership = findMembership(app, room.id, user.id);
  if (!membership) fail("room.not_member");
  return membership;
}

/** A user that exists and has not deleted their account, or a 404. */
export function findActiveUser(app: CoreApp, userId: string): core.Record {
  let user: core.Record;
  try {
    user = app.findRecordById("users", userId);
  } catch {
    return fail("user.not_found");
  }
  if (user.getString("deletedAt") !== "") fail("user.not_found");
  return user;
}

/** True when either user has blocked the other. */
export function isBlockedEitherWay(app: CoreApp, a: string, b: string): boolean {
  return (
    app.countRecords(
      "blocks",
      $dbx.or($dbx.hashExp({ blocker: a, blocked: b }), $dbx.hashExp({ blocker: b, blocked: a })),
    ) > 0
  );
}
