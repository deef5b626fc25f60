// Joining, leaving, inviting and removing members. Every change to who is in a room runs in one
// transaction; the unique (room, user) index makes concurrent joins converge on one row.
import {
  inviteProblem,
  joinProblem,
  leaveProblem,
  nextOwner,
  removeProblem,
  type MemberRole,
} from "../rules/rooms.ts";
import {
  assertNotConfined,
  callerOf,
  factsOf,
  findActiveUser,
  findMembership,
  findRoom,
  isBlockedEitherWay,
  memberRoleOf,
  requireMembership,
  roleOf,
} from "./access.ts";
import { badRequest, conflict, deny, forbidden, refuse } from "./errors.ts";
import { bodyOf, pathParam, requiredString } from "./http.ts";
import { MEMBERSHIP_OWNER_FIELDS } from "./member-privacy.ts";
import { track } from "./achievements/track.ts";
import { markAllRead } from "./room-seq.ts";

/**
 * Adds a membership whose watermarks start now, so history from before joining is not unread.
 * Returns the existing row instead when a concurrent request added it first.
 */
export function addMember(
  app: CoreApp,
  roomId: string,
  userId: string,
  role: MemberRole,
): core.Record {
  const now = new DateTime();
  const membership = new Record(app.findCachedCollectionByNameOrId("room_members"));
  membership.load({ room: roomId, user: userId, role, keyVersion: 0 });
  membership.set("lastReadAt", now);
  membership.set("mentionsReadAt", now);
  membership.set("reactionsReadAt", now);
  markAllRead(app, membership, roomId);
  try {
    app.save(membership);
    return membership;
  } catch (err) {
    const existing = findMembership(app, roomId, userId);
    if (existing) return existing;
    throw err;
  }
}

/** Removes a membership; the room's key moves on so the remaining members rotate it. */
function dropMember(app: CoreApp, room: core.Record, membership: core.Record): void {
  app.delete(membership);
  room.set("keyVersion", room.getInt("keyVersion") + 1);
  app.save(room);
}

/** POST /api/konvert/rooms/{id}/join — public rooms only; idempotent. */
export function join(e: core.RequestEvent): void {
  const me = callerOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  assertNotConfined(me, room);
  refuse("room", joinProblem(factsOf(room)));
  const membership = addMember(e.app, room.id, me.id, "member");
  membership.unhide(...MEMBERSHIP_OWNER_FIELDS); // the caller's own row
  e.json(200, membership);
}

/** POST /api/konvert/rooms/{id}/leave — an owner leaving hands the room on. */
export function leave(e: core.RequestEvent): void {
  const me = callerOf(e);
  e.app.runInTransaction((tx) => {
    const room = findRoom(tx, pathParam(e, "id"));
    refuse("room", leaveProblem(factsOf(room)));
    const membership = requireMembership(tx, room, me);
    dropMember(tx, room, membership);
    if (membership.getString("role") === "owner") handOver(tx, room);
  });
  e.noContent(204);
}

function handOver(app: CoreApp, room: core.Record): void {
  const remaining = app.findRecordsByFilter("room_members", "room = {:room}", "created", 0, 0, {
    room: room.id,
  });
  const heir = nextOwner(
    remaining.map((m) => ({
      userId: m!.getString("user"),
      role: m!.getString("role") as MemberRole,
      joined: m!.getString("created"),
    })),
  );
  const record = heir && remaining.find((m) => m!.getString("user") === heir.userId);
  if (record) {
    record.set("role", "owner");
    app.save(record);
  }
}

/** POST /api/konvert/rooms/{id}/invite {userId} — any member adds someone to a shared room. */
export function invite(e: core.RequestEvent): void {
  const me = callerOf(e);
  const targetId = requiredString(bodyOf(e), "userId");
  const room = findRoom(e.app, pathParam(e, "id"));
  assertNotConfined(me, room);
  refuse("userId", inviteProblem(factsOf(room), me.id, targetId));
  requireMembership(e.app, room, me);
  findActiveUser(e.app, targetId);
  if (isBlockedEitherWay(e.app, me.id, targetId)) forbidden("You cannot invite this user.");
  if (findMembership(e.app, room.id, targetId)) conflict("This user is already a member.");
  let added: core.Record | undefined;
  e.app.runInTransaction((tx) => {
    added = addMember(tx, room.id, targetId, "member");
    track(tx, me.id, { kind: "members_invited", count: 1 });
  });
  e.json(200, added);
}

/** POST /api/konvert/rooms/{id}/remove {userId} — owner, room admins (members only) and staff. */
export function remove(e: core.RequestEvent): void {
  const me = callerOf(e);
  const targetId = requiredString(bodyOf(e), "userId");
  e.app.runInTransaction((tx) => {
    const room = findRoom(tx, pathParam(e, "id"));
    const target = findMembership(tx, room.id, targetId);
    if (!target) return badRequest("userId", "This user is not a member of the room.");
    if (targetId === me.id) badRequest("userId", "Use leave to remove yourself.");
    const mine = findMembership(tx, room.id, me.id);
    deny(removeProblem(roleOf(me), memberRoleOf(mine), target.getString("role") as MemberRole));
    dropMember(tx, room, target);
  });
  e.noContent(204);
}
