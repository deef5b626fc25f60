// The access predicates for every actor the backend knows, over loaded facts: anonymous,
// non-member, member, room admin, moderator, admin (god mode read-only), banned (confined to the
// jail), muted (globally, in the room), blocked (DMs), left, deleted.
import { describe, expect, it } from "vitest";
import {
  ANONYMOUS,
  canModerateRoom,
  canReadRoom,
  canSeePresence,
  canSeeRoom,
  canSeeUser,
  canWriteInRoom,
  DENIED,
  moderateRoomDenial,
  writeDenial,
  type Actor,
  type MembershipAccess,
  type RoomAccess,
} from "../../hooks-src/konvert/rules/access.ts";

const user = (more: Partial<Actor> = {}): Actor => ({
  id: "u1",
  role: "user",
  banned: false,
  mutedUntil: "",
  deleted: false,
  ...more,
});
const room = (more: Partial<RoomAccess> = {}): RoomAccess => ({
  type: "private",
  system: "",
  deleted: false,
  ...more,
});
const member: MembershipAccess = { role: "member", muted: false };
const roomAdmin: MembershipAccess = { role: "admin", muted: false };
const owner: MembershipAccess = { role: "owner", muted: false };
const publicRoom = room({ type: "public" });
const jail = room({ type: "public", system: "jail" });
const dm = room({ type: "dm" });
const DEL = { kind: "delete" } as const;
const openDm = { otherActive: true, blocked: false };

describe("anonymous", () => {
  it("sees, reads, writes and moderates nothing", () => {
    expect(canSeeRoom(ANONYMOUS, publicRoom, null)).toBe(false);
    expect(canReadRoom(ANONYMOUS, publicRoom, member)).toBe(false);
    expect(writeDenial(ANONYMOUS, publicRoom, member, null)).toEqual(DENIED.signIn);
    expect(canModerateRoom(ANONYMOUS, publicRoom, owner, DEL)).toBe(false);
    expect(
      canSeeUser(
        ANONYMOUS,
        { id: "u2", deleted: false },
        { blocked: false, friendOrRoommate: true },
      ),
    ).toBe(false);
  });
});

describe("non-member (and a member who left: no membership either)", () => {
  const me = user();
  it("sees public rooms only, reads none", () => {
    expect(canSeeRoom(me, publicRoom, null)).toBe(true);
    expect(canSeeRoom(me, room(), null)).toBe(false);
    expect(canSeeRoom(me, jail, null)).toBe(false);
    expect(canReadRoom(me, publicRoom, null)).toBe(false);
    expect(canReadRoom(me, room(), null)).toBe(false);
  });
  it("writes only where a send joins (a public room), never in private rooms or the jail", () => {
    expect(writeDenial(me, room(), null, null)).toEqual(DENIED.notMember);
    expect(writeDenial(me, publicRoom, null, null)).toEqual(DENIED.notMember);
    expect(writeDenial(me, publicRoom, null, null, { joinPublic: true })).toBeNull();
    expect(writeDenial(me, jail, null, null, { joinPublic: true })).toEqual(DENIED.notMember);
    expect(writeDenial(me, room(), null, null, { staffOutside: true })).toEqual(DENIED.notMember);
  });
});

describe("member", () => {
  const me = user();
  it("sees, reads and writes in their live rooms", () => {
    expect(canSeeRoom(me, room(), member)).toBe(true);
    expect(canReadRoom(me, room(), member)).toBe(true);
    expect(canWriteInRoom(me, room(), member, null)).toBe(true);
    expect(canModerateRoom(me, room(), member, DEL)).toBe(false);
  });
  it("a deleted room is gone for everyone", () => {
    const gone = room({ deleted: true });
    expect(canSeeRoom(me, gone, member)).toBe(false);
    expect(canReadRoom(me, gone, member)).toBe(false);
    expect(writeDenial(me, gone, member, null)).toEqual(DENIED.roomMissing);
    expect(writeDenial(me, null, null, null)).toEqual(DENIED.roomMissing);
  });
  it("system rooms are not listed to members who are not banned", () => {
    expect(canSeeRoom(me, jail, member)).toBe(false);
  });
});

describe("room admin and owner", () => {
  it("the owner moderates their room; a room admin does not delete it", () => {
    expect(canModerateRoom(user(), room(), owner, DEL)).toBe(true);
    expect(canModerateRoom(user(), room(), roomAdmin, DEL)).toBe(false);
    expect(canWriteInRoom(user(), room(), roomAdmin, null)).toBe(true);
  });
});

describe("moderator", () => {
  const mod = user({ role: "moderator" });
  it("moderates any room but reads only their own", () => {
    expect(canModerateRoom(mod, room(), null, DEL)).toBe(true);
    expect(canReadRoom(mod, room(), null)).toBe(false);
    expect(canReadRoom(mod, room(), null, { godMode: true })).toBe(false);
  });
  it("acts (pins) in rooms they are not in only where staff may", () => {
    expect(writeDenial(mod, room(), null, null, { staffOutside: true })).toBeNull();
    expect(writeDenial(mod, room(), null, null)).toEqual(DENIED.notMember);
  });
});

describe("admin in god mode", () => {
  const admin = user({ role: "admin" });
  it("reads any shared room without joining, and writes nothing there", () => {
    expect(canReadRoom(admin, room(), null)).toBe(false);
    expect(canReadRoom(admin, room(), null, { godMode: true })).toBe(true);
    expect(canReadRoom(admin, publicRoom, null, { godMode: true })).toBe(true);
    expect(canReadRoom(admin, dm, null, { godMode: true })).toBe(false);
    expect(canReadRoom(admin, room({ type: "favorites" }), null, { godMode: true })).toBe(false);
    expect(canReadRoom(admin, jail, null, { godMode: true })).toBe(false);
    expect(writeDenial(admin, room(), null, null)).toEqual(DENIED.notMember);
  });
});

describe("banned", () => {
  const me = user({ banned: true });
  it("is confined to the jail: sees, reads and writes only there", () => {
    expect(canSeeRoom(me, jail, member)).toBe(true);
    expect(canReadRoom(me, jail, member)).toBe(true);
    expect(canWriteInRoom(me, jail, member, null)).toBe(true);
    expect(canSeeRoom(me, publicRoom, null)).toBe(false);
    expect(canSeeRoom(me, room(), member)).toBe(false);
    expect(canReadRoom(me, room(), member)).toBe(false);
    expect(writeDenial(me, room(), member, null)).toEqual(DENIED.confined);
    expect(writeDenial(me, publicRoom, null, null, { joinPublic: true })).toEqual(DENIED.confined);
  });
  it("a banned admin neither reads in god mode nor moderates outside the jail", () => {
    const admin = user({ role: "admin", banned: true });
    expect(canReadRoom(admin, room(), null, { godMode: true })).toBe(false);
    expect(canModerateRoom(admin, room(), null, DEL)).toBe(false);
  });
  it("after the ban, the jail is no longer listed", () => {
    expect(canSeeRoom(user(), jail, member)).toBe(false);
  });
});

describe("muted", () => {
  it("globally: reads, writes nowhere", () => {
    const me = user({ mutedUntil: "2030-01-01 00:00:00.000Z" });
    expect(canReadRoom(me, room(), member)).toBe(true);
    expect(writeDenial(me, room(), member, null)?.message).toBe(
      "You are muted until 2030-01-01 00:00:00.000Z.",
    );
  });
  it("in one room: reads there, writes elsewhere", () => {
    const muted: MembershipAccess = { role: "member", muted: true };
    expect(canReadRoom(user(), room(), muted)).toBe(true);
    expect(writeDenial(user(), room(), muted, null)).toEqual(DENIED.roomMuted);
    expect(canWriteInRoom(user(), room(), member, null)).toBe(true);
  });
  it("still reacts and votes (a mute silences messages), within the other limits", () => {
    const muted: MembershipAccess = { role: "member", muted: true };
    const me = user({ mutedUntil: "2030-01-01 00:00:00.000Z" });
    const reaction = { kind: "reaction" } as const;
    expect(writeDenial(me, room(), muted, null, reaction)).toBeNull();
    expect(writeDenial(me, room(), null, null, reaction)).toEqual(DENIED.notMember);
    expect(writeDenial({ ...me, banned: true }, room(), muted, null, reaction)).toEqual(
      DENIED.confined,
    );
    expect(writeDenial(me, dm, muted, { otherActive: true, blocked: true }, reaction)).toEqual(
      DENIED.dmClosed,
    );
  });
});

describe("blocked (DMs)", () => {
  it("a DM reads but takes no writes while either side blocks, or the other side is gone", () => {
    expect(canReadRoom(user(), dm, member)).toBe(true);
    expect(canWriteInRoom(user(), dm, member, openDm)).toBe(true);
    expect(writeDenial(user(), dm, member, { otherActive: true, blocked: true })).toEqual(
      DENIED.dmClosed,
    );
    expect(writeDenial(user(), dm, member, { otherActive: false, blocked: false })).toEqual(
      DENIED.dmClosed,
    );
    expect(writeDenial(user(), dm, member, null)).toEqual(DENIED.dmClosed);
  });
  it("profiles: hidden either way while blocked; presence only for friends and room-mates", () => {
    const target = { id: "u2", deleted: false };
    expect(canSeeUser(user(), target, { blocked: true, friendOrRoommate: true })).toBe(false);
    expect(canSeeUser(user(), target, { blocked: false, friendOrRoommate: false })).toBe(true);
    expect(canSeePresence(user(), target, { blocked: false, friendOrRoommate: false })).toBe(false);
    expect(canSeePresence(user(), target, { blocked: false, friendOrRoommate: true })).toBe(true);
    expect(canSeePresence(user(), target, { blocked: true, friendOrRoommate: true })).toBe(false);
  });
});

describe("deleted account", () => {
  const me = user({ deleted: true });
  it("reads and writes nothing, is seen by nobody but itself", () => {
    expect(canSeeRoom(me, room(), member)).toBe(false);
    expect(canReadRoom(me, room(), member)).toBe(false);
    expect(writeDenial(me, room(), member, null)).toEqual(DENIED.accountDeleted);
    const gone = { id: "u2", deleted: true };
    expect(canSeeUser(user(), gone, { blocked: false, friendOrRoommate: true })).toBe(false);
    expect(canSeePresence(user(), gone, { blocked: false, friendOrRoommate: true })).toBe(false);
    expect(
      canSeeUser(me, { id: me.id, deleted: true }, { blocked: false, friendOrRoommate: false }),
    ).toBe(true);
  });
});

describe("moderating a room", () => {
  const remove = (target: MembershipAccess["role"]) => ({ kind: "remove", target }) as const;
  const keys = { kind: "keys" } as const;
  const mod = user({ role: "moderator" });
  const admin = user({ role: "admin" });
  const codeOf = (d: ReturnType<typeof moderateRoomDenial>) => d?.code ?? null;
  it("delete: the owner and staff, in shared rooms only", () => {
    expect(canModerateRoom(user(), room(), owner, DEL)).toBe(true);
    expect(canModerateRoom(mod, publicRoom, null, DEL)).toBe(true);
    expect(codeOf(moderateRoomDenial(user(), room(), roomAdmin, DEL))).toBe(
      "room.delete.forbidden",
    );
    expect(codeOf(moderateRoomDenial(user(), room(), member, DEL))).toBe("room.delete.forbidden");
    for (const r of [dm, room({ type: "favorites" }), jail]) {
      expect(codeOf(moderateRoomDenial(admin, r, owner, DEL))).toBe("room.delete.system");
    }
  });
  it("remove: staff and the owner anyone but the owner; a room admin plain members only", () => {
    expect(canModerateRoom(mod, room(), null, remove("admin"))).toBe(true);
    expect(canModerateRoom(user(), room(), owner, remove("admin"))).toBe(true);
    expect(canModerateRoom(user(), room(), roomAdmin, remove("member"))).toBe(true);
    expect(codeOf(moderateRoomDenial(user(), room(), roomAdmin, remove("admin")))).toBe(
      "room.remove.forbidden",
    );
    expect(codeOf(moderateRoomDenial(user(), room(), member, remove("member")))).toBe(
      "room.remove.forbidden",
    );
    expect(codeOf(moderateRoomDenial(user(), room(), null, remove("member")))).toBe(
      "room.remove.forbidden",
    );
    expect(codeOf(moderateRoomDenial(admin, room(), owner, remove("owner")))).toBe(
      "room.remove.owner",
    );
  });
  it("keys: the owner and staff, in any room they may act in", () => {
    expect(canModerateRoom(user(), dm, owner, keys)).toBe(true);
    expect(canModerateRoom(mod, room(), null, keys)).toBe(true);
    expect(codeOf(moderateRoomDenial(user(), room(), roomAdmin, keys))).toBe("e2ee.keys.forbidden");
  });
  it("a ban confines moderation to the jail, for owners and staff alike", () => {
    const banned = user({ banned: true });
    expect(codeOf(moderateRoomDenial(banned, room(), owner, DEL))).toBe("user.banned");
    expect(codeOf(moderateRoomDenial(banned, room(), owner, remove("member")))).toBe("user.banned");
    expect(codeOf(moderateRoomDenial({ ...admin, banned: true }, room(), null, keys))).toBe(
      "user.banned",
    );
  });
  it("nobody moderates a deleted room or from an erased account", () => {
    expect(codeOf(moderateRoomDenial(admin, room({ deleted: true }), null, DEL))).toBe(
      "room.not_found",
    );
    expect(codeOf(moderateRoomDenial(user({ deleted: true }), room(), owner, keys))).toBe(
      "account.deleted",
    );
    expect(codeOf(moderateRoomDenial(ANONYMOUS, room(), owner, keys))).toBe("auth.required");
  });
});
