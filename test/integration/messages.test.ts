// Sending, reading, editing, deleting and forwarding messages, by the right and the wrong people.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend, type RoomSummary } from "../../client/index.ts";
import type { MessagesResponse } from "../../types/pocketbase-types.ts";
import { api, failure, hoursFromNow } from "../support/api.ts";
import { seedMembership, seedMessage, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let moderator: TestUser;
let adminUser: TestUser;

beforeAll(async () => {
  server = await startPocketBase();
  [owner, member, outsider, moderator, adminUser] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server),
    createUser(server, { role: "moderator" }),
    createUser(server, { role: "admin" }),
  ]);
});
afterAll(() => server.stop());

const messagesOf = (u: TestUser) => createPocketBaseBackend(u.client).messages;
const sendRaw = (u: TestUser, body: Record<string, unknown>) =>
  u.client.collection("messages").create<MessagesResponse>(body);

describe("send", () => {
  it("stores the caller as author and moves the room preview", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    const sent = await messagesOf(member).sendMessage(room.id, "Привет, мир 🎉");
    expect(sent).toMatchObject({
      author: member.record.id,
      room: room.id,
      type: "text",
      content: "Привет, мир 🎉",
    });
    expect(sent).not.toHaveProperty("seq"); // internal, numbered by the server
    const numbered = await server.admin.collection("messages").getOne(sent.id);
    expect(numbered["seq"]).toBe(1);
    const summary = await api<RoomSummary>(owner.client, "GET", `/rooms/${room.id}`);
    expect(summary).toMatchObject({
      unreadCount: 1,
      lastMessage: { id: sent.id, preview: "Привет, мир 🎉" },
    });
  });

  it("refuses bad input with a readable 400 and writes nothing", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ room: room.id, content: "x", author: owner.record.id }, /'author'/],
      // forged fields: the create rule refuses them before the hook (1764800000_create_rules_guard)
      [{ room: room.id, content: "x", author: member.record.id }, /Failed to create record/],
      [{ room: room.id, content: "x", deletedAt: "2020-01-01" }, /Failed to create record/],
      [{ room: room.id, content: "   " }, /cannot be empty/],
      [{ room: room.id, content: "x".repeat(10_001) }, /at most 10000/],
      [{ room: room.id, content: "x", type: "system" }, /Failed to create record/],
      [{ room: room.id, content: "x", type: "sticker" }, /type must be one of/],
      [{ room: room.id, content: 5 }, /content must be text/i],
      [{ room: room.id, content: true }, /content must be text/i],
      [{ room: room.id, content: null }, /content must be text/i],
      [{ room: room.id, content: "x", mentions: ["not an id"] }, /list of at most 50/],
      [{ room: room.id, content: "x", mentions: null }, /list of at most 50/],
      [{ room: room.id, content: "x", type: "poll" }, /needs a poll/],
      [{ content: "x" }, /Missing room/],
      [{ room: room.id, content: "x", mentions: "everyone" }, /list of at most 50/],
    ];
    for (const [body, message] of cases) {
      const error = await failure(sendRaw(owner, body)).catch(() => {
        throw new Error(`accepted: ${JSON.stringify(body).slice(0, 80)}`);
      });
      expect(error.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(error.message).toMatch(message);
    }
    expect(await failure(sendRaw(owner, { room: "missingroom0000", content: "x" }))).toEqual({
      status: 404,
      message: "Room not found.",
    });
    const count = await server.admin
      .collection("messages")
      .getList(1, 1, { filter: `room = "${room.id}"` });
    expect(count.totalItems).toBe(0);
  });

  it("through Konvert's send route answers as the records API does, and refuses the same", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    const viaRoute = (u: TestUser | null, body: Record<string, unknown>) =>
      (u ?? { client: anonymousClient(server) }).client.send<MessagesResponse>(
        "/api/konvert/messages",
        { method: "POST", body },
      );
    const body = { room: room.id, content: "the same message", type: "text" };
    const shape = (m: MessagesResponse) => {
      const { id, created, updated, seq, ...rest } = m;
      return [typeof id, typeof created, typeof updated, typeof seq, rest];
    };
    expect(shape(await viaRoute(owner, body))).toEqual(shape(await sendRaw(owner, body)));
    // the body as sent: a number, boolean or null where text belongs is refused, naming it
    for (const content of [5, true, null]) {
      const refused = await failure(viaRoute(owner, { room: room.id, content }));
      expect(refused.status).toBe(400);
      expect(refused.message).toMatch(/content must be text/i);
    }
    expect((await failure(viaRoute(owner, { ...body, author: member.record.id }))).message).toMatch(
      /'author'/,
    );
    expect((await failure(viaRoute(null, body))).status).toBe(401);
    expect(await failure(viaRoute(outsider, body))).toEqual(await failure(sendRaw(outsider, body)));
    const count = await server.admin
      .collection("messages")
      .getList(1, 1, { filter: `room = "${room.id}"` });
    expect(count.totalItems).toBe(2);
  });

  it("accepts encrypted envelopes up to the ciphertext limit", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const envelope = JSON.stringify({
      version: "v1",
      ciphertext: "A".repeat(13_000),
      iv: "AAAAAAAAAAAAAAAA",
    });
    await expect(messagesOf(owner).sendMessage(room.id, envelope)).resolves.toMatchObject({
      content: envelope,
    });
  });

  it("lets members write, auto-joins public rooms, refuses everyone else", async () => {
    const priv = await seedRoom(server, "private", [owner]);
    expect(await failure(sendRaw(outsider, { room: priv.id, content: "hi" }))).toEqual({
      status: 403,
      message: "You are not a member of this room.",
    });
    const pub = await seedRoom(server, "public", [owner]);
    await sendRaw(outsider, { room: pub.id, content: "hi" });
    const rooms = await api<RoomSummary[]>(outsider.client, "GET", "/rooms");
    expect(rooms.map((r) => r.id)).toContain(pub.id);
    expect(
      await failure(outsider.client.collection("messages").create({ room: priv.id, content: "x" })),
    ).toMatchObject({ status: 403 });
  });

  it("go through the same rules in a batch request", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const batch = owner.client.createBatch();
    batch.collection("messages").create({ room: room.id, content: "in a batch", author: "x" });
    await expect(batch.send()).rejects.toMatchObject({ status: 400 }); // a forged author
    const ok = owner.client.createBatch();
    ok.collection("messages").create({ room: room.id, content: "in a batch" });
    const [result] = await ok.send();
    expect(result).toMatchObject({ status: 200, body: { author: owner.record.id, room: room.id } });
    expect((result!.body as Record<string, unknown>)["seq"]).toBeUndefined(); // hidden
    const refused = outsider.client.createBatch();
    refused.collection("messages").create({ room: room.id, content: "not mine" });
    await expect(refused.send()).rejects.toMatchObject({ status: 400 });
    const stored = await server.admin
      .collection("messages")
      .getFullList({ filter: `room = "${room.id}"` });
    expect(stored.map((m) => m["content"])).toEqual(["in a batch"]);
  });

  it("refuses muted users until the mute ends, and banned users outside the jail", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const muted = await createUser(server, { mutedUntil: hoursFromNow(1) });
    await seedMembership(server, room.id, muted);
    expect(await failure(sendRaw(muted, { room: room.id, content: "hi" }))).toMatchObject({
      status: 403,
      message: expect.stringMatching(/^You are muted until/) as unknown,
    });
    await server.admin
      .collection("users")
      .update(muted.record.id, { mutedUntil: hoursFromNow(-1) });
    await expect(sendRaw(muted, { room: room.id, content: "hi" })).resolves.toBeTruthy();

    const banned = await createUser(server, { bannedUntil: hoursFromNow(1) });
    await seedMembership(server, room.id, banned);
    await seedMembership(server, "jailroom0000000", banned);
    expect(await failure(sendRaw(banned, { room: room.id, content: "hi" }))).toMatchObject({
      status: 403,
    });
    await expect(
      sendRaw(banned, { room: "jailroom0000000", content: "let me out" }),
    ).resolves.toBeTruthy();
  });

  it("accepts replies only to live messages of the same room", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const other = await seedRoom(server, "private", [owner]);
    const parent = await seedMessage(server, room.id, owner);
    const foreign = await seedMessage(server, other.id, owner);
    await expect(
      messagesOf(owner).sendMessage(room.id, "re", "text", parent.id),
    ).resolves.toMatchObject({
      replyTo: parent.id,
    });
    expect(
      await failure(sendRaw(owner, { room: room.id, content: "re", replyTo: foreign.id })),
    ).toEqual({
      status: 400,
      message: "You can only reply to a message of the same room.",
    });
  });

  it("refuses DMs between blocked users and brings hidden DMs back", async () => {
    const [x, y] = await Promise.all([createUser(server), createUser(server)]);
    const dm = await createPocketBaseBackend(x.client).directMessages.createDirectMessage(
      y.record.id,
    );
    await createPocketBaseBackend(y.client).rooms.hideDirectMessage(dm.id);
    await createPocketBaseBackend(x.client).directMessages.sendDMMessage(dm.id, "still there?");
    const listed = await createPocketBaseBackend(y.client).directMessages.getDirectMessages();
    expect(listed.map((d) => [d.id, d.unreadCount])).toEqual([[dm.id, 1]]);
    // hidden again after its first message: a plain send brings it back too
    await createPocketBaseBackend(y.client).rooms.hideDirectMessage(dm.id);
    expect(await createPocketBaseBackend(y.client).directMessages.getDirectMessages()).toEqual([]);
    await sendRaw(x, { room: dm.id, content: "and now?" });
    await sendRaw(x, { room: dm.id, content: "and again" });
    const back = await createPocketBaseBackend(y.client).directMessages.getDirectMessages();
    expect(back.map((d) => [d.id, d.unreadCount])).toEqual([[dm.id, 3]]);

    await server.admin.collection("blocks").create({ blocker: y.record.id, blocked: x.record.id });
    expect(await failure(sendRaw(x, { room: dm.id, content: "hello?" }))).toEqual({
      status: 403,
      message: "You cannot write to this user.",
    });
  });

  it("keeps every one of 200 concurrent sends and counts them exactly", async () => {
    const writers = await Promise.all(Array.from({ length: 10 }, () => createUser(server)));
    const reader = await createUser(server);
    const room = await seedRoom(server, "private", [reader, ...writers]);
    await Promise.all(
      writers.flatMap((w) =>
        Array.from({ length: 20 }, (_, i) => sendRaw(w, { room: room.id, content: `#${i}` })),
      ),
    );
    const stored = await server.admin
      .collection("messages")
      .getList(1, 1, { filter: `room = "${room.id}"` });
    expect(stored.totalItems).toBe(200);
    expect((await api<RoomSummary>(reader.client, "GET", `/rooms/${room.id}`)).unreadCount).toBe(
      200,
    );
  });

  it("stores a plain send as PocketBase's own save stores a send that mentions someone", async () => {
    // a plain send takes the prepared statements (jsvm/common-send.ts), a body naming `mentions`
    // the general path with PocketBase's record insert: the rows must not tell them apart (the
    // first send of the day takes the general path too: it starts the day's stats)
    const room = await seedRoom(server, "private", [owner, member]);
    await sendRaw(member, { room: room.id, content: "first today" });
    const plain = await sendRaw(member, { room: room.id, content: "plain" });
    const mention = await sendRaw(member, {
      room: room.id,
      content: `hi @${owner.record["username"]}`,
      mentions: [],
    });
    const stored = await Promise.all(
      [plain, mention].map((m) => server.admin.collection("messages").getOne(m.id)),
    );
    const [a, b] = stored.map(({ id, content, created, updated, seq, ...rest }) => {
      expect(created).toBe(updated);
      expect(created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      return { rest, seq, id, content };
    });
    expect(a!.rest).toEqual(b!.rest);
    expect([a!.seq, b!.seq]).toEqual([2, 3]);
    expect(plain).toMatchObject({ id: a!.id, created: stored[0]!.created });
    const summary = await api<RoomSummary>(owner.client, "GET", `/rooms/${room.id}`);
    expect(summary).toMatchObject({ unreadCount: 3, lastMessage: { id: mention.id } });
    const last = await sendRaw(member, { room: room.id, content: "plain again" });
    expect(await api<RoomSummary>(owner.client, "GET", `/rooms/${room.id}`)).toMatchObject({
      unreadCount: 4,
      lastMessage: { id: last.id, preview: "plain again" },
    });
  });
});

describe("history", () => {
  it("pages newest first before a cursor, with tombstones, capped at 200", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    const sent: MessagesResponse[] = [];
    for (let i = 0; i < 7; i++) sent.push(await messagesOf(owner).sendMessage(room.id, `m${i}`));
    await messagesOf(owner).deleteMessage(sent[3]!.id);
    const first = await messagesOf(member).history(room.id, 3);
    expect(first.items.map((m) => m.content)).toEqual(["m6", "m5", "m4"]);
    expect(first.hasMore).toBe(true);
    const second = await messagesOf(member).history(room.id, 3, first.items[2]!.id);
    expect(second.items.map((m) => [m.content, m.deletedAt !== ""])).toEqual([
      ["", true],
      ["m2", false],
      ["m1", false],
    ]);
    const big = await messagesOf(member).history(room.id, 100_000);
    expect(big.items).toHaveLength(7);
    expect(await failure(messagesOf(outsider).history(room.id))).toMatchObject({ status: 403 });
    expect(
      await failure(api(member.client, "GET", `/rooms/${room.id}/messages?before=nope`)),
    ).toMatchObject({
      status: 400,
    });
  });

  it("lets an admin read any room read-only, logging each read; nobody else", async () => {
    const room = await seedRoom(server, "private", [owner]);
    await messagesOf(owner).sendMessage(room.id, "private matter");
    const read = (u: TestUser) =>
      api<{ items: MessagesResponse[] }>(u.client, "GET", `/rooms/${room.id}/messages?as=admin`);
    expect((await read(adminUser)).items.map((m) => m.content)).toEqual(["private matter"]);
    expect(await failure(read(moderator))).toMatchObject({ status: 403 });
    expect(await failure(sendRaw(adminUser, { room: room.id, content: "x" }))).toMatchObject({
      status: 403,
    });
    const log = await server.admin
      .collection("moderation_log")
      .getFullList({ filter: `room = "${room.id}"` });
    expect(log.map((l) => [l["actor"], l["action"]])).toEqual([[adminUser.record.id, "room_read"]]);
  });

  it("is readable through the records API and realtime rules by members only", async () => {
    const room = await seedRoom(server, "private", [owner]);
    const message = await messagesOf(owner).sendMessage(room.id, "members only");
    expect(await failure(outsider.client.collection("messages").getOne(message.id))).toMatchObject({
      status: 404,
    });
    expect(
      await outsider.client.collection("messages").getFullList({ filter: `room = "${room.id}"` }),
    ).toEqual([]);
  });
});

describe("edit", () => {
  it("is for the author only, never blank, and marks the message edited", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    const message = await messagesOf(owner).sendMessage(room.id, "first");
    expect(await failure(messagesOf(member).editMessage(message.id, "hacked"))).toEqual({
      status: 403,
      message: "Only the author can edit a message.",
    });
    expect(await failure(messagesOf(moderator).editMessage(message.id, "fixed"))).toMatchObject({
      status: 403,
    });
    expect(await failure(messagesOf(owner).editMessage(message.id, "  "))).toMatchObject({
      status: 400,
    });
    const edited = await messagesOf(owner).editMessage(message.id, "second");
    expect(edited).toMatchObject({ content: "second" });
    expect(edited.editedAt).not.toBe("");
    expect(await failure(messagesOf(owner).editMessage("missingmsg00000", "x"))).toMatchObject({
      status: 404,
    });
  });
});

describe("delete", () => {
  it("is for the author, the room owner and staff; leaves a tombstone and drops the counts", async () => {
    const room = await seedRoom(server, "private", [owner, member]);
    const other = await createUser(server);
    await seedMembership(server, room.id, other);
    const a = await messagesOf(member).sendMessage(room.id, "a");
    const b = await messagesOf(member).sendMessage(room.id, "b");
    const c = await messagesOf(member).sendMessage(room.id, "c");
    expect(await failure(messagesOf(other).deleteMessage(a.id))).toMatchObject({ status: 403 });
    expect(await failure(messagesOf(outsider).deleteMessage(a.id))).toMatchObject({ status: 403 });
    const unread = async () =>
      (await api<RoomSummary>(other.client, "GET", `/rooms/${room.id}`)).unreadCount;
    expect(await unread()).toBe(3);
    await messagesOf(member).deleteMessage(a.id);
    await messagesOf(owner).deleteMessage(b.id);
    await messagesOf(moderator).deleteMessage(c.id);
    expect(await unread()).toBe(0);
    const tomb = await server.admin.collection("messages").getOne<MessagesResponse>(a.id);
    expect(tomb).toMatchObject({ content: "", attachments: [] });
    expect(tomb.deletedAt).not.toBe("");
    expect(await failure(messagesOf(member).deleteMessage(a.id))).toMatchObject({ status: 404 });
    const log = await server.admin
      .collection("moderation_log")
      .getFullList({ filter: `room = "${room.id}"`, sort: "created" });
    expect(log.map((l) => [l["actor"], l["action"]])).toEqual([
      [owner.record.id, "delete_message"],
      [moderator.record.id, "delete_message"],
    ]);
  });
});

describe("forward", () => {
  it("copies into a room the caller may write to, marked as forwarded", async () => {
    const from = await seedRoom(server, "private", [owner, member]);
    const to = await seedRoom(server, "private", [member]);
    const original = await messagesOf(owner).sendMessage(from.id, "pass it on");
    const copy = await messagesOf(member).forwardMessage(original.id, to.id);
    expect(copy).toMatchObject({
      room: to.id,
      author: member.record.id,
      content: "pass it on",
      forwardedFrom: original.id,
    });
    expect(await failure(messagesOf(outsider).forwardMessage(original.id, to.id))).toMatchObject({
      status: 404,
    });
    const closed = await seedRoom(server, "private", [owner]);
    expect(await failure(messagesOf(member).forwardMessage(original.id, closed.id))).toMatchObject({
      status: 403,
    });
  });
});
