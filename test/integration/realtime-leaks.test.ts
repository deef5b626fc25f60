// Nobody hears about a room they are not in: a random walk of joins, leaves, removals and sends
// with every user subscribed to everything, then a check of every event each user received.
// Also the typing topic, which PocketBase does not authorize by itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import PocketBase, { type RecordSubscription } from "pocketbase";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { MessagesResponse, RoomMembersResponse } from "../../types/pocketbase-types.ts";
import { api, failure } from "../support/api.ts";
import { RoomWalk } from "../support/room-walk.ts";
import { waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { startProxy } from "../support/tcp-proxy.ts";
import { createUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  // chunks of two connections: joins, leaves and fan-outs cross chunk borders (index-store.ts)
  server = await startPocketBase({ env: { KONVERT_TEST_REALTIME_CHUNK: "2" } });
});
afterAll(() => server.stop());

describe("realtime", () => {
  it("never delivers a message, reaction or membership event of a room the user is not in", async () => {
    const walk = await RoomWalk.seed(server);
    const { users } = walk;
    const received = new Map<
      string,
      { collection: string; e: RecordSubscription<{ id: string; room: string }> }[]
    >();
    for (const u of users) {
      const log: { collection: string; e: RecordSubscription<{ id: string; room: string }> }[] = [];
      received.set(u.record.id, log);
      for (const collection of ["messages", "reactions", "room_members"]) {
        await u.client
          .collection(collection)
          .subscribe<{ id: string; room: string }>("*", (e) => log.push({ collection, e }));
      }
    }
    // allowed[user] = set of message ids sent while the user was a member of the message's room
    const allowedMessages = new Map<string, Set<string>>(
      users.map((u) => [u.record.id, new Set()]),
    );
    const allow = (roomId: string, id: string) => {
      for (const u of walk.membersOf(roomId)) allowedMessages.get(u.record.id)!.add(id);
    };
    await walk.run(42, 120, {
      // joining twice must change nothing
      joinPublic: async (room, user) => {
        await api(user.client, "POST", `/rooms/${room.id}/join`);
        await api(user.client, "POST", `/rooms/${room.id}/join`);
      },
      act: async ({ step, room, user, roll }) => {
        const sent = await createPocketBaseBackend(user.client).messages.sendMessage(
          room.id,
          `step ${step}`,
        );
        allow(room.id, sent.id);
        if (roll > 0.8)
          await createPocketBaseBackend(user.client).messages.addReaction(sent.id, "👍");
      },
    });
    // a final message in every room to every member flushes the streams
    const sentinels = await walk.sentinels(
      async (owner, roomId) =>
        (await createPocketBaseBackend(owner.client).messages.sendMessage(roomId, "end")).id,
    );
    walk.rooms.forEach((room, i) => allow(room.id, sentinels[i]!));
    for (const u of users) {
      const log = received.get(u.record.id)!;
      const expected = sentinels.filter((id) => allowedMessages.get(u.record.id)!.has(id));
      await waitUntil(
        () =>
          expected.every((id) =>
            log.some(({ collection, e }) => collection === "messages" && e.record.id === id),
          ),
        `sentinels for ${u.record.username}`,
      );
    }
    let checked = 0;
    for (const u of users) {
      for (const { collection, e } of received.get(u.record.id)!) {
        checked += 1;
        if (collection === "messages") {
          expect(
            allowedMessages.get(u.record.id)!.has(e.record.id),
            `${u.record.username} got ${e.record.id}`,
          ).toBe(true);
        } else if (collection === "reactions") {
          const message = (e.record as unknown as { message: string }).message;
          expect(allowedMessages.get(u.record.id)!.has(message)).toBe(true);
        } else {
          // membership rows: own rows always; others' only for rooms the user is in at the time
          const row = e.record as unknown as RoomMembersResponse;
          if (row.user !== u.record.id) expect(row).not.toHaveProperty("encryptedKey");
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    await Promise.all(users.map((u) => u.client.realtime.unsubscribe()));
  });

  it("lets only members subscribe to a room's typing topic and throttles pings", async () => {
    const [a, b, outsider] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [a, b]);
    const heardByB: unknown[] = [];
    const heardByOutsider: unknown[] = [];
    await b.client.realtime.subscribe(`typing/${room.id}`, (data) => heardByB.push(data));
    await outsider.client.realtime.subscribe(`typing/${room.id}`, (data) =>
      heardByOutsider.push(data),
    );
    await api(a.client, "POST", `/rooms/${room.id}/typing`);
    await api(a.client, "POST", `/rooms/${room.id}/typing`); // within the throttle window: dropped
    await waitUntil(() => heardByB.length === 1, "b to hear a typing");
    // a sentinel the outsider may hear: a message in their own room
    const own = await seedRoom(server, "private", [outsider]);
    const seen: MessagesResponse[] = [];
    await outsider.client
      .collection("messages")
      .subscribe<MessagesResponse>("*", (e) => seen.push(e.record));
    await createPocketBaseBackend(outsider.client).messages.sendMessage(own.id, "sentinel");
    await waitUntil(() => seen.length === 1, "outsider sentinel");
    expect(heardByOutsider).toEqual([]);
    expect(heardByB).toEqual([{ userId: a.record.id, at: expect.any(String) as unknown }]);
    expect(await failure(api(outsider.client, "POST", `/rooms/${room.id}/typing`))).toMatchObject({
      status: 403,
    });
    await Promise.all([a, b, outsider].map((u) => u.client.realtime.unsubscribe()));
  });

  it("replays messages missed while disconnected when the client reconnects", async () => {
    const [a, b] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [a, b]);
    const proxy = await startProxy(server.url);
    const viaProxy = new PocketBase(proxy.url);
    viaProxy.autoCancellation(false);
    viaProxy.authStore.save(b.client.authStore.token, b.client.authStore.record);
    const events: string[] = [];
    const stop = await createPocketBaseBackend(viaProxy).realtime.subscribeToRoom(room.id, (e) => {
      if (e.action === "create" && e.message) events.push(e.message.content);
    });
    await createPocketBaseBackend(a.client).messages.sendMessage(room.id, "one");
    await waitUntil(() => events.includes("one"), "first message");
    proxy.cut(); // the stream drops; these two are sent while b is away
    await createPocketBaseBackend(a.client).messages.sendMessage(room.id, "two");
    await createPocketBaseBackend(a.client).messages.sendMessage(room.id, "three");
    await waitUntil(() => events.includes("three"), "messages after reconnect", 15_000);
    expect(events.filter((c) => c === "two")).toHaveLength(1);
    await stop();
    await proxy.close();
  });
});
