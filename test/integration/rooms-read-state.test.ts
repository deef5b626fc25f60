// Room list, derived counters, read watermarks and pins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend, type RoomSummary } from "../../client/index.ts";
import type { RoomsResponse } from "../../types/pocketbase-types.ts";
import { api, failure, hoursFromNow } from "../support/api.ts";
import { seedMembership, seedMessage, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let me: TestUser;
let friend: TestUser;
let vip: TestUser;
let moderator: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  [me, friend, vip, moderator] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server, { role: "vip" }),
    createUser(server, { role: "moderator" }),
  ]);
});
afterAll(() => server.stop());

const summary = async (user: TestUser, roomId: string) =>
  api<RoomSummary>(user.client, "GET", `/rooms/${roomId}`);
const counts = async (user: TestUser, roomId: string) => {
  const s = await summary(user, roomId);
  return [s.unreadCount, s.mentionCount, s.reactionCount];
};

describe("counters", () => {
  it("stay exact when a superuser hard-deletes the newest message, and after it", async () => {
    const room = await seedRoom(server, "private", [friend, me]);
    const sent = [];
    for (const text of ["one", "two", "three"]) {
      sent.push(await createPocketBaseBackend(friend.client).messages.sendMessage(room.id, text));
    }
    expect(await counts(me, room.id)).toEqual([3, 0, 0]);
    await server.admin.collection("messages").delete(sent[2]!.id);
    expect(await counts(me, room.id)).toEqual([2, 0, 0]);
    // the next message gets a new number, not the deleted one's
    await createPocketBaseBackend(friend.client).messages.sendMessage(room.id, "four");
    expect(await counts(me, room.id)).toEqual([3, 0, 0]);
    await createPocketBaseBackend(me.client).rooms.markAsRead(room.id);
    expect(await counts(me, room.id)).toEqual([0, 0, 0]);
  });

  it("are derived from watermarks and stay exact through deletes and concurrent writes", async () => {
    const room = await seedRoom(server, "private", [me, friend]);
    const mine = await seedMessage(server, room.id, me, "mine");
    const theirs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => seedMessage(server, room.id, friend, `m${i}`)),
    );
    await server.admin
      .collection("mentions")
      .create({ message: theirs[0]!.id, room: room.id, user: me.record.id });
    await server.admin
      .collection("mentions")
      .create({ message: theirs[1]!.id, room: room.id, user: friend.record.id });
    for (const emoji of ["👍", "🎉"]) {
      await server.admin.collection("reactions").create({
        message: mine.id,
        user: friend.record.id,
        emoji,
        room: room.id,
        messageAuthor: me.record.id,
      });
    }
    // my own reaction on my own message is not news to me
    await server.admin.collection("reactions").create({
      message: mine.id,
      user: me.record.id,
      emoji: "👍",
      room: room.id,
      messageAuthor: me.record.id,
    });
    expect(await counts(me, room.id)).toEqual([10, 1, 2]);

    await Promise.all(
      theirs
        .slice(5)
        .map((m) =>
          server.admin.collection("messages").update(m.id, { deletedAt: hoursFromNow(0) }),
        ),
    );
    expect(await counts(me, room.id)).toEqual([5, 1, 2]);
    expect(await counts(friend, room.id)).toEqual([1, 1, 0]);

    // a superuser's hard delete (the dashboard) leaves a gap in the room's sequence
    // seq is internal (hidden from users); superusers see it
    const gap = Number((await server.admin.collection("messages").getOne(theirs[4]!.id))["seq"]);
    await server.admin.collection("messages").delete(theirs[4]!.id);
    expect(await counts(me, room.id)).toEqual([4, 1, 2]);
    expect(await counts(friend, room.id)).toEqual([1, 1, 0]);
    // concurrent writers still got distinct, gapless numbers
    const seqs = (
      await server.admin.collection("messages").getFullList({ filter: `room = "${room.id}"` })
    )
      .map((m) => Number(m["seq"]))
      .sort((a, b) => a - b);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].filter((n) => n !== gap));

    await createPocketBaseBackend(me.client).rooms.markAsRead(room.id);
    expect(await counts(me, room.id)).toEqual([0, 1, 2]);
    await createPocketBaseBackend(me.client).rooms.markAsRead(room.id, true, false);
    expect(await counts(me, room.id)).toEqual([0, 0, 2]);
    await createPocketBaseBackend(me.client).rooms.markAsRead(room.id, false, true);
    expect(await counts(me, room.id)).toEqual([0, 0, 0]);

    await seedMessage(server, room.id, friend, "later");
    expect(await counts(me, room.id)).toEqual([1, 0, 0]);
  });

  it("start at zero for a new member: history from before joining is not unread", async () => {
    const room = await seedRoom(server, "public", [friend]);
    await seedMessage(server, room.id, friend, "old news");
    await api(me.client, "POST", `/rooms/${room.id}/join`);
    expect(await counts(me, room.id)).toEqual([0, 0, 0]);
  });

  it("cannot be moved by non-members", async () => {
    const room = await seedRoom(server, "private", [friend]);
    expect(await failure(api(me.client, "POST", `/rooms/${room.id}/read`, {}))).toMatchObject({
      status: 403,
    });
  });
});

describe("room list", () => {
  it("returns my rooms with previews and public rooms to join, never others' private rooms", async () => {
    const user = await createUser(server);
    const other = await createUser(server);
    const joined = await seedRoom(server, "private", [user, other], "Joined");
    const foreign = await seedRoom(server, "private", [other], "Foreign");
    const pub = await seedRoom(server, "public", [other], "Lobby");
    const message = await seedMessage(server, joined.id, other, "x".repeat(150));
    await server.admin
      .collection("rooms")
      .update(joined.id, { lastMessage: message.id, lastMessageAt: message.created });

    const rooms = await createPocketBaseBackend(user.client).rooms.getRooms();
    const byId = new Map(rooms.map((r) => [r.id, r]));
    expect(byId.has(foreign.id)).toBe(false);
    expect(byId.get(pub.id)).toMatchObject({ isMember: false, memberRole: "", unreadCount: 0 });
    expect(byId.get(joined.id)).toMatchObject({
      isMember: true,
      memberRole: "owner",
      memberCount: 2,
      unreadCount: 1,
      lastMessage: {
        id: message.id,
        author: other.record.id,
        preview: "x".repeat(100),
        deleted: false,
      },
    });
    expect(rooms[0]?.id).toBe(joined.id); // newest activity first
    // the list (JSON built by SQLite) and the single-room view (built in JS) agree exactly
    for (const room of rooms) expect(await summary(user, room.id)).toStrictEqual(room);

    await server.admin.collection("messages").update(message.id, { deletedAt: hoursFromNow(0) });
    expect((await summary(user, joined.id)).lastMessage).toMatchObject({
      preview: "",
      deleted: true,
    });
  });

  it("shows a banned user only the jail, and everything again when the ban ends", async () => {
    const user = await createUser(server);
    const room = await seedRoom(server, "private", [user]);
    await server.admin.collection("users").update(user.record.id, { bannedUntil: hoursFromNow(1) });
    await seedMembership(server, "jailroom0000000", user);
    const listed = async () =>
      (await api<RoomSummary[]>(user.client, "GET", "/rooms")).map((r) => r.id);
    expect(await listed()).toEqual(["jailroom0000000"]);
    expect((await user.client.collection("rooms").getFullList()).map((r) => r.id)).toEqual([
      "jailroom0000000",
    ]);
    expect(await failure(user.client.collection("rooms").getOne(room.id))).toMatchObject({
      status: 404,
    });
    expect(await failure(api(user.client, "POST", `/rooms/${room.id}/read`, {}))).toMatchObject({
      status: 403,
    });

    await server.admin
      .collection("users")
      .update(user.record.id, { bannedUntil: hoursFromNow(-1) });
    expect(await listed()).toEqual([room.id]);
    expect(await user.client.collection("rooms").getOne(room.id)).toMatchObject({ id: room.id });
  });
});

describe("pins", () => {
  it("keep a history: unpinning the current pin brings back the previous one", async () => {
    const room = await seedRoom(server, "private", [me, vip]);
    const [a, b, c] = await Promise.all(
      ["a", "b", "c"].map((t) => seedMessage(server, room.id, me, t)),
    );
    const rooms = createPocketBaseBackend(me.client).rooms; // me owns the room
    const current = async () =>
      (await server.admin.collection("rooms").getOne<RoomsResponse>(room.id)).pinnedMessage;
    await rooms.pinMessage(room.id, a!.id);
    await rooms.pinMessage(room.id, b!.id);
    await createPocketBaseBackend(vip.client).rooms.pinMessage(room.id, c!.id);
    expect(await current()).toBe(c!.id);
    await rooms.unpinMessage(room.id);
    expect(await current()).toBe(b!.id);
    await api(me.client, "POST", `/rooms/${room.id}/unpin`, { messageId: a!.id }); // not current
    expect(await current()).toBe(b!.id);
    await rooms.pinMessage(room.id, a!.id);
    await rooms.unpinMessage(room.id);
    expect(await current()).toBe(b!.id);
    await rooms.unpinMessage(room.id);
    expect(await current()).toBe("");
    expect(await failure(api(me.client, "POST", `/rooms/${room.id}/unpin`, {}))).toEqual({
      status: 400,
      message: "Nothing is pinned in this room.",
    });
  });

  it("are for the owner, VIP members and staff; the message must be in the room", async () => {
    const owner = await createUser(server);
    const room = await seedRoom(server, "private", [owner, me]);
    const other = await seedRoom(server, "private", [owner]);
    const inRoom = await seedMessage(server, room.id, owner);
    const elsewhere = await seedMessage(server, other.id, owner);
    const pin = (as: TestUser, messageId: string) =>
      api(as.client, "POST", `/rooms/${room.id}/pin`, { messageId });
    expect(await failure(pin(me, inRoom.id))).toMatchObject({ status: 403 }); // plain member
    expect(await failure(pin(vip, inRoom.id))).toMatchObject({ status: 403 }); // VIP, not a member
    expect(await failure(pin(owner, elsewhere.id))).toEqual({
      status: 400,
      message: "The message is not in this room.",
    });
    expect(await failure(pin(owner, "nomessage000000"))).toMatchObject({ status: 400 });
    await pin(moderator, inRoom.id); // staff, not a member
    const deleted = await seedMessage(server, room.id, owner);
    await server.admin.collection("messages").update(deleted.id, { deletedAt: hoursFromNow(0) });
    expect(await failure(pin(owner, deleted.id))).toMatchObject({ status: 400 });
  });
});
