// Who can get into which room and out again: create with members, join, invite, leave, remove,
// delete — each tried by the wrong actor too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { RoomMembersResponse, RoomsResponse } from "../../types/pocketbase-types.ts";
import { api, failure, hoursFromNow } from "../support/api.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let admin: TestUser;
let moderator: TestUser;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  [admin, moderator, owner, member, outsider] = await Promise.all([
    createUser(server, { role: "admin" }),
    createUser(server, { role: "moderator" }),
    createUser(server),
    createUser(server),
    createUser(server),
  ]);
});
afterAll(() => server.stop());

const members = async (roomId: string) =>
  (
    await server.admin
      .collection("room_members")
      .getFullList<RoomMembersResponse>({ filter: `room = "${roomId}"`, sort: "created,@rowid" })
  ).map((m) => [m.user, m.role]);

describe("createRoom", () => {
  it("adds the owner and the invited members in one request", async () => {
    const rooms = createPocketBaseBackend(owner.client).rooms;
    const room = await rooms.createRoom("Team", "private", [member.record.id, owner.record.id]);
    expect(await members(room.id)).toEqual([
      [owner.record.id, "owner"],
      [member.record.id, "member"],
    ]);
  });

  it("refuses unknown users and users in a block relation, creating nothing", async () => {
    const before = (await server.admin.collection("rooms").getList(1, 1)).totalItems;
    const blocker = await createUser(server);
    await server.admin
      .collection("blocks")
      .create({ blocker: blocker.record.id, blocked: owner.record.id });
    const rooms = owner.client.collection("rooms");
    expect(
      await failure(rooms.create({ name: "x", type: "private", memberIds: ["nope00000000000"] })),
    ).toEqual({ status: 404, message: "User not found." });
    expect(
      await failure(rooms.create({ name: "x", type: "private", memberIds: [blocker.record.id] })),
    ).toMatchObject({ status: 400, message: "You cannot invite this user." });
    expect(
      await failure(rooms.create({ name: "x", type: "private", memberIds: "abc" })),
    ).toMatchObject({
      status: 400,
    });
    expect((await server.admin.collection("rooms").getList(1, 1)).totalItems).toBe(before);
  });

  it("refuses banned users", async () => {
    const banned = await createUser(server, { bannedUntil: hoursFromNow(2) });
    expect(
      await failure(banned.client.collection("rooms").create({ name: "x", type: "private" })),
    ).toMatchObject({ status: 403 });
  });
});

describe("join", () => {
  it("lets anyone join a public room, idempotently, and nobody join a private one", async () => {
    const pub = await seedRoom(server, "public", [admin]);
    await api(outsider.client, "POST", `/rooms/${pub.id}/join`);
    await api(outsider.client, "POST", `/rooms/${pub.id}/join`);
    expect(await members(pub.id)).toEqual([
      [admin.record.id, "owner"],
      [outsider.record.id, "member"],
    ]);

    const priv = await seedRoom(server, "private", [owner]);
    expect(await failure(api(outsider.client, "POST", `/rooms/${priv.id}/join`))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/invitation/) as unknown,
    });
    expect(await failure(api(outsider.client, "POST", `/rooms/nosuchroom0000/join`))).toEqual({
      status: 404,
      message: "Room not found.",
    });
    expect(
      await failure(api(anonymousClient(server), "POST", `/rooms/${pub.id}/join`)),
    ).toMatchObject({
      status: 401,
    });
  });

  it("converges 50 parallel joins on one membership", async () => {
    const pub = await seedRoom(server, "public", [admin]);
    await Promise.all(
      Array.from({ length: 50 }, () => api(member.client, "POST", `/rooms/${pub.id}/join`)),
    );
    expect(await members(pub.id)).toEqual([
      [admin.record.id, "owner"],
      [member.record.id, "member"],
    ]);
  });

  it("refuses deleted rooms, the jail and banned users", async () => {
    const pub = await seedRoom(server, "public", [admin]);
    await server.admin.collection("rooms").update(pub.id, { deletedAt: hoursFromNow(0) });
    expect(await failure(api(member.client, "POST", `/rooms/${pub.id}/join`))).toMatchObject({
      status: 404,
    });
    expect(await failure(api(member.client, "POST", `/rooms/jailroom0000000/join`))).toMatchObject({
      status: 400,
    });
    const banned = await createUser(server, { bannedUntil: hoursFromNow(1) });
    const open = await seedRoom(server, "public", [admin]);
    expect(await failure(api(banned.client, "POST", `/rooms/${open.id}/join`))).toMatchObject({
      status: 403,
      message: "While banned you can only use the jail room.",
    });
  });
});

describe("invite", () => {
  it("lets a member add someone, once", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    await api(member.client, "POST", `/rooms/${room.id}/invite`, { userId: outsider.record.id });
    expect(
      await failure(
        api(owner.client, "POST", `/rooms/${room.id}/invite`, { userId: outsider.record.id }),
      ),
    ).toEqual({ status: 409, message: "This user is already a member." });
  });

  it("refuses non-members, self-invites, missing users and special rooms", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const invite = (as: TestUser, roomId: string, userId: unknown) =>
      failure(api(as.client, "POST", `/rooms/${roomId}/invite`, { userId }));
    expect(await invite(outsider, room.id, member.record.id)).toMatchObject({ status: 403 });
    expect(await invite(owner, room.id, owner.record.id)).toEqual({
      status: 400,
      message: "You cannot invite yourself.",
    });
    expect(await invite(owner, room.id, "nobody000000000")).toEqual({
      status: 404,
      message: "User not found.",
    });
    expect(await invite(owner, room.id, 42)).toEqual({
      status: 400,
      message: "Missing userId.",
    });
    const favorites = await api<{ id: string }>(owner.client, "POST", "/favorites");
    expect(await invite(owner, favorites.id, member.record.id)).toMatchObject({ status: 400 });
  });

  it("refuses users who blocked the inviter, and users the inviter blocked", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const blocker = await createUser(server);
    const blocked = await createUser(server);
    await server.admin
      .collection("blocks")
      .create({ blocker: blocker.record.id, blocked: owner.record.id });
    await server.admin
      .collection("blocks")
      .create({ blocker: owner.record.id, blocked: blocked.record.id });
    for (const target of [blocker, blocked]) {
      expect(
        await failure(
          api(owner.client, "POST", `/rooms/${room.id}/invite`, { userId: target.record.id }),
        ),
      ).toEqual({ status: 403, message: "You cannot invite this user." });
    }
  });

  it("refuses deleted users", async () => {
    // deleted after signing up: a deleted account cannot sign in (the users auth rule)
    const gone = await createUser(server);
    await server.admin.collection("users").update(gone.record.id, { deletedAt: hoursFromNow(-1) });
    const room = await seedRoom(server, "private", [owner]);
    expect(
      await failure(
        api(owner.client, "POST", `/rooms/${room.id}/invite`, { userId: gone.record.id }),
      ),
    ).toEqual({ status: 404, message: "User not found." });
  });
});

describe("leave and remove", () => {
  it("hands ownership to the longest-standing room admin and rotates the room key", async () => {
    const [a, b, c] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [a, b]);
    await seedMembership(server, room.id, c, "admin");
    await api(a.client, "POST", `/rooms/${room.id}/leave`);
    expect(await members(room.id)).toEqual([
      [b.record.id, "member"],
      [c.record.id, "owner"],
    ]);
    const after = await server.admin.collection("rooms").getOne<RoomsResponse>(room.id);
    expect(after.keyVersion).toBe(1);
    expect(await failure(api(a.client, "POST", `/rooms/${room.id}/leave`))).toEqual({
      status: 403,
      message: "You are not a member of this room.",
    });
  });

  it("lets owners, room admins (for members) and staff remove people, nobody else", async () => {
    const [o, ra, m1, m2] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [o, m1, m2]);
    await seedMembership(server, room.id, ra, "admin");
    const remove = (as: TestUser, target: TestUser) =>
      api(as.client, "POST", `/rooms/${room.id}/remove`, { userId: target.record.id });
    expect(await failure(remove(m1, m2))).toMatchObject({ status: 403 });
    expect(await failure(remove(outsider, m2))).toMatchObject({ status: 403 });
    expect(await failure(remove(ra, o))).toEqual({
      status: 403,
      message: "The room owner cannot be removed.",
    });
    await remove(ra, m1);
    await remove(moderator, m2);
    await remove(o, ra);
    expect(await members(room.id)).toEqual([[o.record.id, "owner"]]);
  });

  it("stops every event of the room reaching a removed member", async () => {
    const [o, m] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [o, m]);
    const seen = await recordEvents<RoomsResponse>(m.client, "rooms", "*");
    const ownerSees = await recordEvents<RoomsResponse>(o.client, "rooms", "*");
    await api(o.client, "POST", `/rooms/${room.id}/remove`, { userId: m.record.id });
    await server.admin.collection("rooms").update(room.id, { name: "after removal" });
    await waitUntil(
      () => ownerSees.events.some((e) => e.record.name === "after removal"),
      "owner's event",
    );
    // keyVersion moved when m left; that update raced the removal, so only events after it count
    expect(seen.events.filter((e) => e.record.name === "after removal")).toEqual([]);
    expect(await failure(m.client.collection("rooms").getOne(room.id))).toMatchObject({
      status: 404,
    });
    await Promise.all([seen.unsubscribe(), ownerSees.unsubscribe()]);
  });

  it("refuses to leave favorites, DMs and the jail", async () => {
    const favorites = await api<{ id: string }>(member.client, "POST", "/favorites");
    expect(await failure(api(member.client, "POST", `/rooms/${favorites.id}/leave`))).toEqual({
      status: 400,
      message: "Favorites cannot be left.",
    });
  });
});

describe("delete", () => {
  it("is for the owner, moderators and admins; the room then vanishes for everyone", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    expect(await failure(api(member.client, "DELETE", `/rooms/${room.id}`))).toMatchObject({
      status: 403,
    });
    expect(await failure(api(outsider.client, "DELETE", `/rooms/${room.id}`))).toMatchObject({
      status: 403,
    });
    const memberSees = await recordEvents<RoomMembersResponse>(member.client, "room_members", "*");
    await api(owner.client, "DELETE", `/rooms/${room.id}`);
    await waitUntil(
      () => memberSees.events.some((e) => e.record.room === room.id),
      "membership event",
    );
    await memberSees.unsubscribe();
    expect(await failure(member.client.collection("rooms").getOne(room.id))).toMatchObject({
      status: 404,
    });
    const listed = await api<{ id: string }[]>(member.client, "GET", "/rooms?include=public");
    expect(listed.map((r) => r.id)).not.toContain(room.id);
    expect(await failure(api(owner.client, "DELETE", `/rooms/${room.id}`))).toMatchObject({
      status: 404,
    });
  });

  it("records staff deletions in the moderation log", async () => {
    const room = await seedRoom(server, "private", [owner]);
    await api(moderator.client, "DELETE", `/rooms/${room.id}`);
    const log = await server.admin
      .collection("moderation_log")
      .getFullList({ filter: `room = "${room.id}"` });
    expect(log.map((l) => [l["actor"], l["action"]])).toEqual([
      [moderator.record.id, "delete_room"],
    ]);
  });

  it("is out of a banned owner's or staff member's reach: a ban confines them to the jail", async () => {
    const [bannedOwner, bannedMod, m] = await Promise.all([
      createUser(server, { bannedUntil: hoursFromNow(2) }),
      createUser(server, { role: "moderator", bannedUntil: hoursFromNow(2) }),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [bannedOwner, m]);
    const banned = { status: 403, message: "While banned you can only use the jail room." };
    for (const as of [bannedOwner, bannedMod]) {
      expect(await failure(api(as.client, "DELETE", `/rooms/${room.id}`))).toEqual(banned);
      expect(
        await failure(api(as.client, "POST", `/rooms/${room.id}/remove`, { userId: m.record.id })),
      ).toEqual(banned);
    }
    expect(await members(room.id)).toEqual([
      [bannedOwner.record.id, "owner"],
      [m.record.id, "member"],
    ]);
    expect(await api(owner.client, "GET", `/rooms/${room.id}`).catch(() => null)).toBeNull();
    const stored = await server.admin.collection("rooms").getOne<RoomsResponse>(room.id);
    expect(stored.deletedAt).toBe("");
  });

  it("cannot delete the jail or a DM", async () => {
    expect(await failure(api(admin.client, "DELETE", `/rooms/jailroom0000000`))).toMatchObject({
      status: 403,
    });
  });
});
