// Most sends take the common send (jsvm/common-send.ts: checks in the INSERT, mentions and their
// notifications in SQL); anything unusual takes the general path. A body with `mentions: []`
// means the same message but is not a common send, so each scenario is sent both ways and must
// leave the same state behind: the message, its mentions, the notifications, the room list's
// counters, the author's stats and the recipients' realtime events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoomSummary } from "../../client/index.ts";
import {
  eventsOf,
  type RealtimeEvent,
  type RealtimeMessage,
} from "../../hooks-src/konvert/rules/realtime.ts";
import { api } from "../support/api.ts";
import { waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

type Row = Record<string, unknown>;

const send = (u: TestUser, body: Row) => u.client.collection("messages").create(body);

/** A record without what differs between any two writes (its id and stamps). */
function shape(row: Row, also: string[] = []): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (!["id", "created", "updated", "collectionId", ...also].includes(key)) out[key] = value;
  }
  return out;
}

async function rowsOf(collection: string, filter: string): Promise<Row[]> {
  return server.admin.collection(collection).getFullList({ filter, sort: "created,id" });
}

async function stats(u: TestUser): Promise<Row> {
  return server.admin.collection("user_stats").getFirstListItem(`user = "${u.record.id}"`);
}

async function summary(u: TestUser, roomId: string): Promise<RoomSummary> {
  return api<RoomSummary>(u.client, "GET", `/rooms/${roomId}`);
}

async function listen(u: TestUser): Promise<RealtimeEvent[]> {
  const log: RealtimeEvent[] = [];
  await u.client.realtime.subscribe("feed", (m: RealtimeMessage) => log.push(...eventsOf(m)));
  return log;
}

describe("the common send and the general path", () => {
  it("leave the same state for a message mentioning a member, a blocker and an outsider", async () => {
    const [author, bob, carol, dave] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [author, bob, carol]);
    await server.admin
      .collection("blocks")
      .create({ blocker: carol.record.id, blocked: author.record.id });
    // a first message: the first-message achievement is the general path's either way
    await send(author, { room: room.id, content: "hello", type: "text" });
    const bobHears = await listen(bob);
    const content = `hi @${bob.record.username} @${carol.record.username} @${dave.record.username}`;

    const results = [];
    for (const body of [
      { room: room.id, content, type: "text" },
      { room: room.id, content, type: "text", mentions: [] },
    ]) {
      const before = { stats: await stats(author), bob: await summary(bob, room.id) };
      const message = await send(author, body);
      await waitUntil(
        () => bobHears.some((e) => e.type === "notification" && e.record["message"] === message.id),
        "bob's notification",
      );
      results.push({
        message,
        stored: await server.admin.collection("messages").getOne(message.id),
        mentions: await rowsOf("mentions", `message = "${message.id}"`),
        notifications: await rowsOf("notifications", `message = "${message.id}"`),
        heard: bobHears.flatMap((e) =>
          e.type === "notification" && e.record["message"] === message.id ? [e.record] : [],
        ),
        stats: await stats(author),
        before,
        bob: await summary(bob, room.id),
      });
    }
    const [common, general] = results;
    if (!common || !general) throw new Error("both sends ran");

    expect(shape(common.message, ["seq"])).toEqual(shape(general.message, ["seq"]));
    expect(shape(common.stored, ["seq"])).toEqual(shape(general.stored, ["seq"]));
    expect(general.stored["seq"]).toBe(Number(common.stored["seq"]) + 1);
    for (const r of [common, general]) {
      expect(r.mentions.map((m) => m["user"])).toEqual([bob.record.id]);
      expect(r.notifications.map((n) => n["recipient"])).toEqual([bob.record.id]);
      expect(r.heard).toHaveLength(1);
      expect(Number(r.stats["messagesSent"])).toBe(Number(r.before.stats["messagesSent"]) + 1);
      expect(r.bob.mentionCount).toBe(r.before.bob.mentionCount + 1);
      expect(r.bob.unreadCount).toBe(r.before.bob.unreadCount + 1);
      expect(r.bob.lastMessage?.id).toBe(r.message.id);
    }
    const [a, b] = [common.notifications[0], general.notifications[0]];
    expect(shape(a ?? {}, ["message"])).toEqual(shape(b ?? {}, ["message"]));
    const heard = (r: typeof common) => shape(r.heard[0] ?? {}, ["message"]);
    expect(heard(common)).toEqual(heard(general));
    expect(shape(common.mentions[0] ?? {}, ["message"])).toEqual(
      shape(general.mentions[0] ?? {}, ["message"]),
    );
    await bob.client.realtime.unsubscribe();
  });

  it("answer the send route with the same bytes, and tell the room the same", async () => {
    const [author, bob] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [author, bob]);
    const post = async (body: Row, query = ""): Promise<string> => {
      const response = await fetch(`${server.url}/api/konvert/messages${query}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: author.client.authStore.token,
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return response.text();
    };
    // a first message: the first-message achievement is the general path's either way
    await post({ room: room.id, content: "hello", type: "text" });
    const heard: RealtimeEvent[] = [];
    await bob.client.realtime.subscribe(`room/${room.id}`, (m: RealtimeMessage) =>
      heard.push(...eventsOf(m)),
    );
    const content = `ünïcode "quoted" \\ back\nslash @${bob.record.username} 🎉`;
    const common = await post({ room: room.id, content, type: "text" });
    const general = await post({ room: room.id, content, type: "text", mentions: [] });
    // the same bytes once each answer's own id and stamps are written over
    const neutral = (text: string) => {
      const row = JSON.parse(text) as Row;
      let out = text;
      for (const key of ["id", "created", "updated"]) out = out.replace(String(row[key]), key);
      return out;
    };
    expect(neutral(common)).toBe(neutral(general));
    // Go's encoder writes <, > and & as \u003c…, JSON.stringify as they are: the same JSON
    const html = { room: room.id, content: "<b>a & b</b>", type: "text" };
    const [a, b] = [await post(html), await post({ ...html, mentions: [] })];
    expect(JSON.parse(neutral(a))).toEqual(JSON.parse(neutral(b)));
    expect(Object.keys(JSON.parse(common) as Row)).not.toContain("seq");
    const ids = [common, general].map((text) => String((JSON.parse(text) as Row)["id"]));
    await waitUntil(
      () => ids.every((id) => heard.some((e) => e.type === "message" && e.record["id"] === id)),
      "both messages heard",
    );
    const recordOf = (id: string) =>
      heard.flatMap((e) => (e.type === "message" && e.record["id"] === id ? [e.record] : []))[0];
    expect(shape(recordOf(ids[0]!) ?? {})).toEqual(shape(recordOf(ids[1]!) ?? {}));
    expect(recordOf(ids[0]!)).toEqual(JSON.parse(common));
    // asked to shape the answer (?expand=), the route leaves it to PocketBase
    const expanded = JSON.parse(await post({ room: room.id, content: "x" }, "?expand=author")) as {
      expand?: { author?: { id: string } };
    };
    expect(expanded.expand?.author?.id).toBe(author.record.id);
    await bob.client.realtime.unsubscribe();
  });

  it("answer with a field added to the collection once it is there", async () => {
    const [author, bob] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [author, bob]);
    const send = (body: Row) =>
      author.client.send<Row>("/api/konvert/messages", { method: "POST", body });
    await send({ room: room.id, content: "hello", type: "text" });
    expect(await send({ room: room.id, content: "before" })).not.toHaveProperty("mood");
    const messages = await server.admin.collections.getOne("messages");
    await server.admin.collections.update("messages", {
      fields: [...messages.fields, { name: "mood", type: "text" }],
    });
    try {
      const common = await send({ room: room.id, content: "after" });
      const general = await send({ room: room.id, content: "after", mentions: [] });
      expect(common["mood"]).toBe("");
      expect(Object.keys(common)).toEqual(Object.keys(general));
    } finally {
      await server.admin.collections.update("messages", { fields: messages.fields });
    }
  });
});
