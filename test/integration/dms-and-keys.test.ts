// Direct conversations, favorites and E2EE key exchange.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend, type DirectMessageSummary } from "../../client/index.ts";
import type { RoomMembersResponse, RoomsResponse } from "../../types/pocketbase-types.ts";
import { api, failure, hoursFromNow } from "../support/api.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  [alice, bob] = await Promise.all([createUser(server), createUser(server)]);
});
afterAll(() => server.stop());

const dms = (user: TestUser) => createPocketBaseBackend(user.client).directMessages;

describe("direct messages", () => {
  it("give one room per pair even when both sides open it 20 times at once", async () => {
    const [x, y] = await Promise.all([createUser(server), createUser(server)]);
    const opened = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 ? dms(x).createDirectMessage(y.record.id) : dms(y).createDirectMessage(x.record.id),
      ),
    );
    expect(new Set(opened.map((d) => d.id)).size).toBe(1);
    const rooms = await server.admin
      .collection("rooms")
      .getFullList<RoomsResponse>({ filter: "type = 'dm'" });
    const pair = rooms.filter(
      (r) => r.dmKey.includes(x.record.id) && r.dmKey.includes(y.record.id),
    );
    expect(pair).toHaveLength(1);
    const memberships = await server.admin
      .collection("room_members")
      .getFullList<RoomMembersResponse>({ filter: `room = "${pair[0]!.id}"` });
    expect(memberships.map((m) => m.user).sort()).toEqual([x.record.id, y.record.id].sort());
    expect(opened[0]?.peer).toMatchObject({ username: expect.any(String) as unknown });
    expect(opened[0]).not.toHaveProperty("peer.email");
  });

  it("can be hidden by one side and come back when opened again", async () => {
    const dm = await dms(alice).createDirectMessage(bob.record.id);
    const listed = async (u: TestUser) => (await dms(u).getDirectMessages()).map((d) => d.id);
    expect(await listed(alice)).toContain(dm.id);
    await createPocketBaseBackend(alice.client).rooms.hideDirectMessage(dm.id);
    expect(await listed(alice)).not.toContain(dm.id);
    expect(await listed(bob)).toContain(dm.id);
    await dms(alice).createDirectMessage(bob.record.id);
    expect(await listed(alice)).toContain(dm.id);
  });

  it("are refused between blocked users, with yourself, with missing users and while banned", async () => {
    const [x, y] = await Promise.all([createUser(server), createUser(server)]);
    await server.admin.collection("blocks").create({ blocker: y.record.id, blocked: x.record.id });
    for (const [from, to] of [
      [x, y],
      [y, x],
    ] as const) {
      expect(await failure(api(from.client, "POST", "/dms", { userId: to.record.id }))).toEqual({
        status: 403,
        message: "You cannot start a conversation with this user.",
      });
    }
    expect(await failure(api(x.client, "POST", "/dms", { userId: x.record.id }))).toMatchObject({
      status: 400,
    });
    expect(await failure(api(x.client, "POST", "/dms", { userId: "missing00000000" }))).toEqual({
      status: 404,
      message: "User not found.",
    });
    expect(await failure(api(x.client, "POST", "/dms", {}))).toEqual({
      status: 400,
      message: "Missing userId.",
    });
    const banned = await createUser(server, { bannedUntil: hoursFromNow(1) });
    expect(
      await failure(api(banned.client, "POST", "/dms", { userId: x.record.id })),
    ).toMatchObject({
      status: 403,
    });
  });

  it("hide a DM from the blocker's list only", async () => {
    const [x, y] = await Promise.all([createUser(server), createUser(server)]);
    const dm = await dms(x).createDirectMessage(y.record.id);
    await server.admin.collection("blocks").create({ blocker: x.record.id, blocked: y.record.id });
    const ids = (list: DirectMessageSummary[]) => list.map((d) => d.id);
    expect(ids(await dms(x).getDirectMessages())).not.toContain(dm.id);
    expect(ids(await dms(y).getDirectMessages())).toContain(dm.id);
  });

  it("are never listed as rooms, and cannot be joined or invited into", async () => {
    const dm = await dms(alice).createDirectMessage(bob.record.id);
    const rooms = await createPocketBaseBackend(alice.client).rooms.getRooms();
    expect(rooms.map((r) => r.id)).not.toContain(dm.id);
    const carol = await createUser(server);
    expect(await failure(api(carol.client, "POST", `/rooms/${dm.id}/join`))).toMatchObject({
      status: 400,
    });
    expect(
      await failure(
        api(alice.client, "POST", `/rooms/${dm.id}/invite`, { userId: carol.record.id }),
      ),
    ).toMatchObject({ status: 400 });
    expect(await failure(carol.client.collection("rooms").getOne(dm.id))).toMatchObject({
      status: 404,
    });
  });
});

describe("favorites", () => {
  it("exist once per user, even when opened concurrently, and stay private", async () => {
    const user = await createUser(server);
    const opened = await Promise.all(
      Array.from({ length: 10 }, () => createPocketBaseBackend(user.client).rooms.getFavorites()),
    );
    expect(new Set(opened.map((f) => f.id)).size).toBe(1);
    expect(opened[0]).toMatchObject({ type: "favorites", memberRole: "owner", memberCount: 1 });
    expect(await failure(bob.client.collection("rooms").getOne(opened[0]!.id))).toMatchObject({
      status: 404,
    });
    expect(await failure(api(bob.client, "POST", `/rooms/${opened[0]!.id}/join`))).toMatchObject({
      status: 400,
    });
  });
});

describe("E2EE keys", () => {
  it("let the owner store wrapped keys that only their member can read", async () => {
    const [owner, member, other] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [owner, member, other]);
    const e2ee = (u: TestUser) => createPocketBaseBackend(u.client).e2ee;
    await e2ee(member).updatePublicKey("bWVtYmVyLXB1YmxpYy1rZXk=");
    const keys = await api<{ userId: string; publicKey: string | null }[]>(
      owner.client,
      "GET",
      `/rooms/${room.id}/public-keys`,
    );
    expect(keys.find((k) => k.userId === member.record.id)?.publicKey).toBe(
      "bWVtYmVyLXB1YmxpYy1rZXk=",
    );

    await e2ee(owner).saveRoomKeys(room.id, {
      [member.record.id]: "d3JhcHBlZC1mb3ItbWVtYmVy",
      [other.record.id]: "b3RoZXI=",
    });
    expect(await e2ee(member).getRoomKey(room.id)).toEqual({
      encryptedKey: "d3JhcHBlZC1mb3ItbWVtYmVy",
      keyVersion: 0,
      roomKeyVersion: 0,
    });
    // the membership rows of others are visible, their keys and read positions are not
    const rows = await member.client
      .collection("room_members")
      .getFullList<RoomMembersResponse>({ filter: `room = "${room.id}"` });
    expect(rows).toHaveLength(3);
    for (const row of rows.filter((r) => r.user !== member.record.id)) {
      expect(row).not.toHaveProperty("encryptedKey");
      expect(row).not.toHaveProperty("lastReadAt");
    }
    expect(rows.find((r) => r.user === member.record.id)?.encryptedKey).toBe(
      "d3JhcHBlZC1mb3ItbWVtYmVy",
    );

    expect(
      await failure(e2ee(member).saveRoomKeys(room.id, { [other.record.id]: "eA==" })),
    ).toMatchObject({
      status: 403,
    });
    expect(await failure(e2ee(bob).getRoomKey(room.id))).toMatchObject({ status: 403 });
    expect(
      await failure(e2ee(owner).saveRoomKeys(room.id, { [bob.record.id]: "eA==" })),
    ).toMatchObject({
      status: 400,
    });
    expect(await failure(e2ee(owner).saveRoomKeys(room.id, {}))).toMatchObject({ status: 400 });
    expect(await failure(e2ee(owner).updatePublicKey("<script>"))).toMatchObject({ status: 400 });

    // a member leaving drops their key and moves the room key version on
    await api(other.client, "POST", `/rooms/${room.id}/leave`);
    expect(await e2ee(member).getRoomKey(room.id)).toMatchObject({
      keyVersion: 0,
      roomKeyVersion: 1,
    });
  });

  it("let moderators distribute keys without being members", async () => {
    const moderator = await createUser(server, { role: "moderator" });
    const [owner, member] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [owner]);
    await seedMembership(server, room.id, member);
    await createPocketBaseBackend(moderator.client).e2ee.saveRoomKeys(room.id, {
      [member.record.id]: "a2V5",
    });
    expect(
      (await createPocketBaseBackend(member.client).e2ee.getRoomKey(room.id)).encryptedKey,
    ).toBe("a2V5");
  });
});
