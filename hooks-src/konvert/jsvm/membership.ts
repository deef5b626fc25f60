// Joining, leaving, inviting and removing members. Every change to who is in a room runs in one
// transaction; the unique (room, user) index makes concurrent joins converge on one row.
import {
  inviteProblem,
  joinProblem,
  leaveProblem,
  nextOwner,
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
  requireMembership,
  requireModerator,
} from "./access.ts";
import { fail, refuseIf } from "../actions/errors.ts";
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

/** The join action: public rooms only; idempotent. Returns the caller's membership. */
export function joinRoom(app: CoreApp, me: core.Record, roomId: string): core.Record {
  const room = findRoom(app, roomId);
  assertNotConfined(me, room);
  refuseIf(joinProblem(factsOf(room)));
  return addMember(app, room.id, me.id, "member");
}

/** POST /api/konvert/rooms/{id}/join */
export function join(e: core.RequestEvent): void {
  const membership = joinRoom(e.app, callerOf(e), pathParam(e, "id"));
  membership.unhide(...MEMBERSHIP_OWNER_FIELDS); // the caller's own row
  e.json(200, membership);
}

/** The leave action: an owner leaving hands the room on. */
export function leaveRoom(app: CoreApp, me: core.Record, roomId: string): void {
  app.runInTransaction((tx) => {
    const room = findRoom(tx, roomId);
    refuseIf(leaveProblem(factsOf(room)));
    const membership = requireMembership(tx, room, me);
    dropMember(tx, room, membership);
    if (membership.getString("role") === "owner") handOver(tx, room);
  });
}

/** POST /api/konvert/rooms/{id}/leave */
export function leave(e: core.RequestEvent): void {
  leaveRoom(e.app, callerOf(e), pathParam(e, "id"));
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

/** The invite action: any member adds someone to a shared room. Returns the new membership. */
export function inviteToRoom(
  app: CoreApp,
  me: core.Record,
  input: { roomId: string; userId: string },
): core.Record {
  const targetId = input.userId;
  const room = findRoom(app, input.roomId);
  assertNotConfined(me, room);
  refuseIf(inviteProblem(factsOf(room), me.id, targetId));
  if (!findMembership(app, room.id, me.id)) fail("room.invite.not_member");
  findActiveUser(app, targetId);
  if (isBlockedEitherWay(app, me.id, targetId)) fail("room.invite.blocked");
  if (findMembership(app, room.id, targetId)) fail("room.invite.already_member");
  let added: core.Record | undefined;
  app.runInTransaction((tx) => {
    added = addMember(tx, room.id, targetId, "member");
    track(tx, me.id, { kind: "members_invited", count: 1 });
  });
  return added!;
}

/** POST /api/konvert/rooms/{id}/invite {userId} */
export function invite(e: core.RequestEvent): void {
  const me = callerOf(e);
  const userId = requiredString(bodyOf(e), "userId");
  e.json(200, inviteToRoom(e.app, me, { roomId: pathParam(e, "id"), userId }));
}

/** The remove action: owner, room admins (plain members only) and staff remove someone else. */
export function removeFromRoom(
  app: CoreApp,
  me: core.Record,
  input: { roomId: string; userId: string },
): void {
  app.runInTransaction((tx) => {
    const room = findRoom(tx, input.roomId);
    const target = findMembership(tx, room.id, input.userId);
    if (!target) return fail("room.remove.not_member");
    if (input.userId === me.id) fail("room.remove.self");
    requireModerator(tx, me, room, {
      kind: "remove",
      target: target.getString("role") as MemberRole,
    });
    dropMember(tx, room, target);
  });
}

/** POST /api/konvert/rooms/{id}/remove {userId} */
export function remove(e: core.RequestEvent): void {
  const me = callerOf(e);
  const userId = requiredString(bodyOf(e), "userId");
  removeFromRoom(e.app, me, { roomId: pathParam(e, "id"), userId });
  e.noContent(204);
}
