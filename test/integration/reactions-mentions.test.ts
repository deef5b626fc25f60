// Reactions, mentions and the notifications they produce.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend, type RoomSummary } from "../../client/index.ts";
import type { NotificationsResponse } from "../../types/pocketbase-types.ts";
import { api, failure } from "../support/api.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const backend = (u: TestUser) => createPocketBaseBackend(u.client);
const notificationsOf = async (u: TestUser) =>
  (await api<{ items: NotificationsResponse[] }>(u.client, "GET", "/notifications?perPage=100"))
    .items;
const reactionsOf = (messageId: string) =>
  server.admin
    .collection("reactions")
    .getFullList({ filter: `message = "${messageId}"`, sort: "created" });

describe("reactions", () => {
  it("are idempotent, validated as one emoji, and tell the author once", async () => {
    const [author, fan] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [author, fan]);
    const message = await backend(author).messages.sendMessage(room.id, "react to me");
    for (const emoji of ["👍", "👍🏽", "👨‍👩‍👧", "🇷🇺", "1️⃣", "❤️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]) {
      await backend(fan).messages.addReaction(message.id, emoji);
    }
    await backend(fan).messages.addReaction(message.id, "👍");
    expect((await reactionsOf(message.id)).map((r) => r["emoji"])).toEqual([
      "👍",
      "👍🏽",
      "👨‍👩‍👧",
      "🇷🇺",
      "1️⃣",
      "❤️",
      "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    ]);
    for (const bad of ["a", "😀😀", "<b>", "", "👍 ", "x".repeat(40), "🇷"]) {
      expect(
        await failure(api(fan.client, "POST", `/messages/${message.id}/reactions`, { emoji: bad })),
        bad,
      ).toEqual({ status: 400, message: "Reactions must be a single emoji." });
    }
    const notes = (await notificationsOf(author)).filter((n) => n.type === "reaction");
    expect(notes).toHaveLength(7);
    expect((await api<RoomSummary>(author.client, "GET", `/rooms/${room.id}`)).reactionCount).toBe(
      7,
    );

    await backend(fan).messages.removeReaction(message.id, "👍");
    await backend(fan).messages.removeReaction(message.id, "👍");
    expect((await reactionsOf(message.id)).map((r) => r["emoji"])).not.toContain("👍");
    expect((await notificationsOf(author)).filter((n) => n.type === "reaction")).toHaveLength(6);
  });

  it("are for members of the message's room only, and not on deleted messages", async () => {
    const [author, outsider] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [author]);
    const message = await backend(author).messages.sendMessage(room.id, "hi");
    expect(await failure(backend(outsider).messages.addReaction(message.id, "👍"))).toMatchObject({
      status: 403,
    });
    await backend(author).messages.deleteMessage(message.id);
    expect(await failure(backend(author).messages.addReaction(message.id, "👍"))).toMatchObject({
      status: 404,
    });
  });

  it("end in exactly the right set after 10 users x 20 concurrent toggles", async () => {
    const author = await createUser(server);
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser(server)));
    const room = await seedRoom(server, "private", [author, ...users]);
    const message = await backend(author).messages.sendMessage(room.id, "toggle me");
    // each user: 20 operations alternating add/remove of 👍, ending on add for even users
    await Promise.all(
      users.flatMap((u, i) =>
        Array.from({ length: 20 }, (_, k) => {
          const add = i % 2 === 0 ? k === 19 || k % 2 === 0 : k % 2 === 0 && k !== 18;
          return add
            ? backend(u).messages.addReaction(message.id, "👍")
            : backend(u).messages.removeReaction(message.id, "👍");
        }),
      ),
    );
    // order among one user's concurrent requests is not defined; settle with one final call each
    await Promise.all(
      users.map((u, i) =>
        i % 2 === 0
          ? backend(u).messages.addReaction(message.id, "👍")
          : backend(u).messages.removeReaction(message.id, "👍"),
      ),
    );
    const holders = (await reactionsOf(message.id)).map((r) => r["user"]).sort();
    expect(holders).toEqual(
      users
        .filter((_, i) => i % 2 === 0)
        .map((u) => u.record.id)
        .sort(),
    );
    const counted = (await api<RoomSummary>(author.client, "GET", `/rooms/${room.id}`))
      .reactionCount;
    expect(counted).toBe(5);
  });

  it("do not notify an author who blocked the reactor", async () => {
    const [author, pest] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [author, pest]);
    await server.admin
      .collection("blocks")
      .create({ blocker: author.record.id, blocked: pest.record.id });
    const message = await backend(author).messages.sendMessage(room.id, "hi");
    await backend(pest).messages.addReaction(message.id, "👎");
    expect((await notificationsOf(author)).filter((n) => n.type === "reaction")).toEqual([]);
  });
});

describe("mentions", () => {
  it("resolve @names among room members, case-insensitively, without swallowing words", async () => {
    const [author, bob, carol, stranger] = await Promise.all([
      createUser(server, { username: "author_m" }),
      createUser(server, { username: "Bob_M" }),
      createUser(server, { username: "carol-m" }),
      createUser(server, { username: "stranger_m" }),
    ]);
    const room = await seedRoom(server, "private", [author, bob, carol]);
    const message = await backend(author).messages.sendMessage(
      room.id,
      "@bob_m hello world, @CAROL-M. and @stranger_m and @author_m and @bob_m again",
    );
    const mentions = await server.admin
      .collection("mentions")
      .getFullList({ filter: `message = "${message.id}"` });
    expect(mentions.map((m) => m["user"]).sort()).toEqual([bob.record.id, carol.record.id].sort());
    expect((await api<RoomSummary>(bob.client, "GET", `/rooms/${room.id}`)).mentionCount).toBe(1);
    expect((await notificationsOf(bob)).map((n) => [n.type, n.message])).toEqual([
      ["mention", message.id],
    ]);
    expect(await notificationsOf(stranger)).toEqual([]);
  });

  it("are recomputed on edit without counting twice", async () => {
    const [author, bob, carol] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [author, bob, carol]);
    const message = await backend(author).messages.sendMessage(
      room.id,
      `hi @${bob.record.username}`,
    );
    await backend(author).messages.editMessage(
      message.id,
      `hi @${bob.record.username} and @${carol.record.username}`,
    );
    await backend(author).messages.editMessage(message.id, `hi @${carol.record.username}`);
    const count = async (u: TestUser) =>
      (await api<RoomSummary>(u.client, "GET", `/rooms/${room.id}`)).mentionCount;
    expect([await count(bob), await count(carol)]).toEqual([0, 1]);
    expect((await notificationsOf(carol)).filter((n) => n.type === "mention")).toHaveLength(1);
    expect((await notificationsOf(bob)).filter((n) => n.type === "mention")).toHaveLength(0);
  });

  it("skip users who blocked the author and take explicit ids beside encrypted content", async () => {
    const [author, blocker, reader, outsider] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [author, blocker, reader]);
    await server.admin
      .collection("blocks")
      .create({ blocker: blocker.record.id, blocked: author.record.id });
    const envelope = JSON.stringify({
      version: "v1",
      ciphertext: `@${reader.record.username}`,
      iv: "x",
    });
    const message = await author.client.collection("messages").create({
      room: room.id,
      content: envelope,
      mentions: [reader.record.id, blocker.record.id, outsider.record.id],
    });
    const mentions = await server.admin
      .collection("mentions")
      .getFullList({ filter: `message = "${message.id}"` });
    expect(mentions.map((m) => m["user"])).toEqual([reader.record.id]);
  });

  it("summon admins and moderators with @admin and @moder", async () => {
    const [author, mod] = await Promise.all([
      createUser(server),
      createUser(server, { role: "moderator" }),
    ]);
    const room = await seedRoom(server, "private", [author]);
    await backend(author).messages.sendMessage(room.id, "@moder help, spam here");
    expect((await notificationsOf(mod)).map((n) => [n.type, n.room])).toEqual([
      ["moderator_call", room.id],
    ]);
  });
});

describe("notifications", () => {
  it("keep the newest 100, list unread first, and can be read and deleted by the recipient only", async () => {
    const [author, fan, other] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [author, fan]);
    await seedMembership(server, room.id, other);
    const message = await backend(author).messages.sendMessage(room.id, "popular");
    const emojis = Array.from(
      { length: 105 },
      (_, i) => String.fromCodePoint(0x1f600 + (i % 80)) + (i >= 80 ? "\u{1F3FB}" : ""),
    );
    const valid = emojis.filter((_, i) => i < 80); // skin tones only apply to people; keep 80 distinct faces
    for (const emoji of valid) await backend(fan).messages.addReaction(message.id, emoji);
    for (const emoji of valid.slice(0, 25))
      await backend(other).messages.addReaction(message.id, emoji);
    const all = await notificationsOf(author);
    expect(all).toHaveLength(100);
    await api(author.client, "POST", "/notifications/read-all");
    const [first] = all;
    expect(await failure(api(fan.client, "DELETE", `/notifications/${first!.id}`))).toMatchObject({
      status: 404,
    });
    await api(author.client, "DELETE", `/notifications/${first!.id}`);
    const after = await api<{
      items: NotificationsResponse[];
      unreadItems: number;
      totalItems: number;
    }>(author.client, "GET", "/notifications");
    expect([after.totalItems, after.unreadItems]).toEqual([99, 0]);
  });
});
