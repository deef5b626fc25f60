// The access module's JSVM side: loads the facts rules/access.ts decides on (the caller, rooms,
// memberships, DM sides) and answers its refusals, with the checks every room action shares.
import {
  canReadRoom,
  confinedOut,
  DENIED,
  dmBlockedSql,
  dmOtherActiveSql,
  moderateRoomDenial,
  writeDenial,
  type Actor,
  type Denial,
  type DmAccess,
  type MembershipAccess,
  type RoomAccess,
  type RoomModeration,
  type WriteOptions,
} from "../rules/access.ts";
import { asRole, type Role } from "../rules/roles.ts";
import type { MemberRole, RoomFacts, RoomType } from "../rules/rooms.ts";
import { isActiveUntil, isFuture } from "./clock.ts";
import { fail } from "../actions/errors.ts";
import type { ErrorCode } from "../rules/error-codes.ts";
import { bindWith, userScope } from "../rules/scopes.ts";
import { sqlNumber, sqlTextPrepared } from "./sql-scalar.ts";

export function callerOf(e: core.RequestEvent): core.Record {
  const auth = e.auth; // each read of it is a call into Go
  if (!auth || auth.collection().name !== "users") return fail("auth.required");
  return auth;
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

/** The caller as rules/access.ts sees them, from their record (ban and mute read the clock). */
export function actorOf(user: core.Record | null): Actor {
  if (!user) return { id: "", role: "user", banned: false, mutedUntil: "", deleted: false };
  return {
    id: user.id,
    role: roleOf(user),
    banned: isBanned(user),
    mutedUntil: isActiveUntil(user, "mutedUntil") ? user.getString("mutedUntil") : "",
    deleted: user.getString("deletedAt") !== "",
  };
}

/** Throws the refusal as its action error (its code carries the status). */
export function answerDenial(denial: Denial | null): void {
  if (denial !== null) fail(denial);
}

/** What a write needs to know of its room. */
export interface WriteRoom {
  id: string;
  type: string;
  system: string;
  createdBy: string;
}

export interface Writable {
  room: WriteRoom;
  /** The caller's membership, or null (a public room a send joins; staff outside a room). */
  membership: MembershipAccess | null;
}

/**
 * The live room, the caller's membership and, for a DM, the other side, in one text: the send
 * path's one read before its write. The DM's other side counts while their account exists.
 */
const WRITE_FACTS =
  "SELECT COALESCE((SELECT json_object('type',r.type,'system',r.system,'createdBy',r.createdBy," +
  "'role',COALESCE(m.role,''),'mutedUntil',COALESCE(m.mutedUntil,'')," +
  `'dmOther',CASE WHEN r.type='dm' THEN ${dmOtherActiveSql("{:user}")} ELSE 0 END,` +
  `'dmBlocked',CASE WHEN r.type='dm' THEN ${dmBlockedSql("{:user}")} ELSE 0 END) FROM rooms r ` +
  "LEFT JOIN room_members m ON m.room=r.id AND m.user={:user} " +
  "WHERE r.id={:room} AND r.deletedAt=''),'') AS v";

/**
 * The one write check (rules/access.ts writeDenial) for every way of writing in a room: send,
 * forward, edit, react, pin, poll vote, typing. Returns the room and the caller's membership,
 * or throws the reason's action error (room.not_found, user.banned, user.muted, room.not_member,
 * room.muted, dm.blocked, account.deleted).
 */
export function requireWritable(
  app: CoreApp,
  user: core.Record,
  roomId: string,
  options: WriteOptions = {},
): Writable {
  const found =
    roomId === "" ? "" : sqlTextPrepared(app, WRITE_FACTS, { room: roomId, user: user.id });
  const actor = actorOf(user);
  if (found === "") {
    answerDenial(writeDenial(actor, null, null, null, options));
    return fail("room.not_found");
  }
  const facts = JSON.parse(found) as Omit<WriteRoom, "id"> & {
    role: string;
    mutedUntil: string;
    dmOther: number;
    dmBlocked: number;
  };
  const room: WriteRoom = {
    id: roomId,
    type: facts.type,
    system: facts.system,
    createdBy: facts.createdBy,
  };
  const membership: MembershipAccess | null =
    facts.role === ""
      ? null
      : { role: facts.role as MemberRole, muted: isFuture(facts.mutedUntil) };
  const dm: DmAccess | null =
    room.type === "dm"
      ? { otherActive: facts.dmOther === 1, blocked: facts.dmBlocked === 1 }
      : null;
  answerDenial(
    writeDenial(
      actor,
      { type: room.type as RoomType, system: room.system, deleted: false },
      membership,
      dm,
      options,
    ),
  );
  return { room, membership };
}

/** The membership facts of a loaded membership row (the room mute read on the clock). */
export function membershipAccessOf(membership: core.Record | null): MembershipAccess | null {
  if (!membership) return null;
  return {
    role: membership.getString("role") as MemberRole,
    muted: isFuture(membership.getString("mutedUntil")),
  };
}

/**
 * rules/access.ts canReadRoom for a loaded live room: a member, and while banned only in the
 * jail (`godMode`: an admin's read-only look at a shared room they are not in).
 */
export function canRead(
  app: CoreApp,
  user: core.Record,
  room: core.Record,
  options: { godMode?: boolean } = {},
): boolean {
  return canReadRoom(
    actorOf(user),
    roomAccessOf(room),
    membershipAccessOf(findMembership(app, room.id, user.id)),
    options,
  );
}

function roomAccessOf(room: core.Record): RoomAccess {
  return {
    type: room.getString("type") as RoomType,
    system: room.getString("system"),
    deleted: room.getString("deletedAt") !== "",
  };
}

/**
 * The read check (rules/access.ts canReadRoom) for routes that read a room: the caller's
 * membership, or null for an admin's god-mode read (`godMode`). Refusals: user.banned while a ban
 * confines the caller elsewhere, room.not_member for a non-member, or the `hidden` code (a 404)
 * where even the existence of the thing read is the room's members' business.
 */
export function requireReadable(
  app: CoreApp,
  user: core.Record,
  room: core.Record,
  options: { godMode?: boolean; hidden?: ErrorCode } = {},
): core.Record | null {
  const membership = findMembership(app, room.id, user.id);
  const actor = actorOf(user);
  const facts = roomAccessOf(room);
  if (canReadRoom(actor, facts, membershipAccessOf(membership), options)) return membership;
  if (membership === null && options.hidden !== undefined) fail(options.hidden);
  if (confinedOut(actor, facts)) fail(DENIED.confined);
  return fail(DENIED.notMember);
}

/** requireReadable for routes only members use: their membership. */
export function requireReader(app: CoreApp, user: core.Record, room: core.Record): core.Record {
  return requireReadable(app, user, room)!;
}

/**
 * The moderation check (rules/access.ts moderateRoomDenial) for a loaded live room: deleting it,
 * removing a member, distributing keys. Returns the caller's membership, or throws the refusal.
 */
export function requireModerator(
  app: CoreApp,
  user: core.Record,
  room: core.Record,
  action: RoomModeration,
): core.Record | null {
  const membership = findMembership(app, room.id, user.id);
  answerDenial(
    moderateRoomDenial(actorOf(user), roomAccessOf(room), membershipAccessOf(membership), action),
  );
  return membership;
}

/**
 * rules/access.ts canSeePresence for one pair, in its SQL form (rules/scopes.ts
 * userScope.presenceVisibleTo): the same predicate realtime authorizes presence topics with.
 */
export function canSeePresenceOf(app: CoreApp, viewerId: string, targetId: string): boolean {
  const visible = userScope.presenceVisibleTo(viewerId).where("{:acc_target}");
  return (
    sqlNumber(app, `SELECT (${visible.sql}) AS v`, bindWith(visible, { acc_target: targetId })) > 0
  );
}
