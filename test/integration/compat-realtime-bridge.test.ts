// The migration guide's step 7: the unchanged app keeps its legacy sign-in and hands the access
// token it got to the typed client, which then replaces a polling loop with realtime, screen by
// screen. The legacy token is a PocketBase token of the same user, so nothing else is needed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { RoomEvent } from "../../client/interface.ts";
import { legacyCalls, legacySignup } from "../support/legacy-api.ts";
import { waitUntil } from "../support/realtime.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());
const call = legacyCalls(() => server);

/** The typed client on the session the legacy sign-in gave (the guide's snippet). */
async function bridged(token: string) {
  const backend = createPocketBaseBackend(server.url);
  backend.pb.autoCancellation(false);
  backend.pb.authStore.save(token, null);
  await backend.pb.collection("users").authRefresh();
  return backend;
}

describe("legacy session, typed realtime", () => {
  it("replaces the chat's 3 s poll, the room list's 10 s poll and the notifications poll", async () => {
    const ann = await legacySignup(server);
    const ben = await legacySignup(server);
    const created = await call<{ id: string }>(ann, "POST", "/rooms", {
      name: "Bridge",
      type: "private",
    });
    expect(created.status).toBe(200);
    const roomId = created.body.id;
    expect((await call(ann, "POST", `/rooms/${roomId}/invite`, { userId: ben.id })).status).toBe(
      200,
    );

    const backend = await bridged(ben.token);
    expect(backend.pb.authStore.record?.id).toBe(ben.id);
    const events: RoomEvent[] = [];
    const list: string[] = [];
    const notifications: string[] = [];
    const stopRoom = await backend.realtime.subscribeToRoom(roomId, (e) => events.push(e));
    const stopList = await backend.realtime.subscribeToRoomUpdates((room, action) =>
      list.push(`${action}:${room.id}`),
    );
    const stopNotes = await backend.realtime.subscribeToNotifications((action, n) =>
      notifications.push(`${action}:${n.type}`),
    );
    const friends: number[] = [];
    const stopFriends = await backend.realtime.subscribeToFriends(() => friends.push(1));

    // ann still uses the unchanged app's routes
    const sent = await call<{ id: string }>(ann, "POST", "/messages", {
      roomId,
      content: "hello over the bridge",
      type: "text",
    });
    expect(sent.status).toBe(200);
    await waitUntil(
      () =>
        events.some((e) => e.action === "create" && e.message?.content === "hello over the bridge"),
      "the message live in the open room",
    );
    await waitUntil(() => list.includes(`upsert:${roomId}`), "the room list refreshed");
    expect((await call(ann, "POST", `/friend-requests/${ben.id}`)).status).toBe(200);
    await waitUntil(() => notifications.includes("create:friend_request"), "the friend request");
    await waitUntil(() => friends.length > 0, "the friends change");
    await Promise.all([stopRoom(), stopList(), stopNotes(), stopFriends()]);
    backend.pb.realtime.unsubscribe().catch(() => undefined);
  });
});
