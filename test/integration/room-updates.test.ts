// The room list stays right while things happen: live updates through subscribeToRoomUpdates,
// and counters that stay exact while many people send and others delete at the same time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend, type RoomSummary } from "../../client/index.ts";
import type { MessagesResponse } from "../../types/pocketbase-types.ts";
import { api } from "../support/api.ts";
import { waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

describe("room list updates", () => {
  it("reach a member with fresh counters, and report the room removed when they leave", async () => {
    const [me, friend] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [friend, me]);
    const updates: [string, string, number][] = [];
    const stop = await createPocketBaseBackend(me.client).realtime.subscribeToRoomUpdates(
      (r, action) => {
        updates.push([action, r.id, "unreadCount" in r ? r.unreadCount : -1]);
      },
    );
    await createPocketBaseBackend(friend.client).messages.sendMessage(room.id, "ping");
    await waitUntil(
      () => updates.some(([a, id, n]) => a === "upsert" && id === room.id && n === 1),
      "an upsert",
    );
    await api(me.client, "POST", `/rooms/${room.id}/leave`);
    await waitUntil(() => updates.some(([a, id]) => a === "remove" && id === room.id), "a remove");
    await stop();
  });
});

describe("counters under concurrency", () => {
  it("stay exact while 10 users send and their messages are deleted concurrently", async () => {
    const reader = await createUser(server);
    const writers = await Promise.all(Array.from({ length: 10 }, () => createUser(server)));
    const room = await seedRoom(server, "private", [reader, ...writers]);
    const sent: MessagesResponse[] = [];
    await Promise.all(
      writers.map(async (w, i) => {
        const messages = createPocketBaseBackend(w.client).messages;
        for (let k = 0; k < 10; k++) {
          const m = await messages.sendMessage(room.id, `w${i} m${k}`);
          sent.push(m);
          if (k % 3 === 0) await messages.deleteMessage(m.id); // writers delete every third
        }
      }),
    );
    const live = sent.length - writers.length * 4; // k = 0, 3, 6, 9 deleted
    const summary = await api<RoomSummary>(reader.client, "GET", `/rooms/${room.id}`);
    expect(summary.unreadCount).toBe(live);
    const stored = await server.admin
      .collection("messages")
      .getList(1, 1, { filter: `room = "${room.id}" && deletedAt = ''` });
    expect(stored.totalItems).toBe(live);
  });
});
