// Friends, blocks and friend notifications against the real server: requests both ways,
// auto-accept, concurrency, what a block ends, and who may read or hear about which rows.
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  FriendRequestsResponse,
  FriendshipsResponse,
  NotificationsResponse,
} from "../../types/pocketbase-types.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

interface SendResult {
  status: string;
  request: FriendRequestsResponse;
}
const api = <T>(client: PocketBase, method: string, path: string, body: object = {}) =>
  client.send<T>(`/api/konvert${path}`, { method, body });
const request = (from: TestUser, to: TestUser) =>
  api<SendResult>(from.client, "POST", "/friends/requests", { userId: to.record.id });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ status: 200, message: "" }),
    (e: unknown) => e as { status: number; message: string },
  );

async function friendshipsOf(user: TestUser) {
  return server.admin.collection("friendships").getFullList<FriendshipsResponse>({
    filter: `userA = "${user.record.id}" || userB = "${user.record.id}"`,
  });
}
async function notificationsOf(user: TestUser) {
  return server.admin.collection("notifications").getFullList<NotificationsResponse>({
    filter: `recipient = "${user.record.id}"`,
    sort: "created",
  });
}

describe("friend requests", () => {
  it("request, accept: one friendship, the request notification replaced by an acceptance", async () => {
    const [ann, bob] = [await createUser(server), await createUser(server)];
    const sent = await request(ann, bob);
    expect(sent.status).toBe("pending");
    expect((await notificationsOf(bob)).map((n) => [n.type, n.actor])).toEqual([
      ["friend_request", ann.record.id],
    ]);
    // the sender cannot accept their own request, a third person cannot see it
    const carl = await createUser(server);
    const path = `/friends/requests/${sent.request.id}/accept`;
    expect(await failure(api(ann.client, "POST", path))).toMatchObject({ status: 403 });
    expect(await failure(api(carl.client, "POST", path))).toMatchObject({ status: 404 });
    expect(await carl.client.collection("friend_requests").getFullList()).toEqual([]);

    await api(bob.client, "POST", path);
    expect(await friendshipsOf(ann)).toHaveLength(1);
    expect((await notificationsOf(bob)).map((n) => n.type)).toEqual([]);
    expect((await notificationsOf(ann)).map((n) => [n.type, n.actor])).toEqual([
      ["friend_accepted", bob.record.id],
    ]);
    expect(await failure(api(bob.client, "POST", path))).toMatchObject({
      status: 400,
      message: "This request was already handled.",
    });
    // both see the friendship through the API rules; the outsider does not
    expect(await ann.client.collection("friendships").getFullList()).toHaveLength(1);
    expect(await bob.client.collection("friendships").getFullList()).toHaveLength(1);
    expect(await carl.client.collection("friendships").getFullList()).toEqual([]);

    // removing ends it for both sides
    await api(bob.client, "DELETE", `/friends/${ann.record.id}`);
    expect(await friendshipsOf(ann)).toEqual([]);
    expect(await failure(api(ann.client, "DELETE", `/friends/${bob.record.id}`))).toMatchObject({
      status: 400,
    });
  });

  it("refuses self, unknown users, duplicates and requests between friends", async () => {
    const [ann, bob] = [await createUser(server), await createUser(server)];
    expect(await failure(request(ann, ann))).toMatchObject({ status: 400 });
    expect(
      await failure(api(ann.client, "POST", "/friends/requests", { userId: "nosuchuser12345" })),
    ).toMatchObject({ status: 404 });
    expect(await failure(api(ann.client, "POST", "/friends/requests", {}))).toMatchObject({
      status: 400,
    });
    expect(
      await failure(
        api(anonymousClient(server), "POST", "/friends/requests", { userId: bob.record.id }),
      ),
    ).toMatchObject({ status: 401 });
    await request(ann, bob);
    expect(await failure(request(ann, bob))).toMatchObject({
      status: 400,
      message: "You have already sent a friend request to this user.",
    });
    expect((await request(bob, ann)).status).toBe("accepted"); // asking back accepts
    expect(await failure(request(ann, bob))).toMatchObject({ message: "You are already friends." });
  });

  it("reject and cancel close the request and remove its notification", async () => {
    const [ann, bob] = [await createUser(server), await createUser(server)];
    const first = await request(ann, bob);
    const rejectPath = `/friends/requests/${first.request.id}/reject`;
    expect(await failure(api(ann.client, "POST", rejectPath))).toMatchObject({ status: 403 });
    await api(bob.client, "POST", rejectPath);
    expect(await notificationsOf(bob)).toEqual([]);
    const second = await request(ann, bob);
    await api(ann.client, "POST", `/friends/requests/${second.request.id}/cancel`);
    expect(await notificationsOf(bob)).toEqual([]);
    expect(await friendshipsOf(ann)).toEqual([]);
  });

  it("two people asking each other at the same moment end as friends exactly once", async () => {
    for (let round = 0; round < 5; round++) {
      const [ann, bob] = [await createUser(server), await createUser(server)];
      const results = await Promise.all([request(ann, bob), request(bob, ann)]);
      expect(results.map((r) => r.status).sort()).toEqual(["accepted", "pending"]);
      expect(await friendshipsOf(ann)).toHaveLength(1);
      const pending = await server.admin.collection("friend_requests").getFullList({
        filter: `(from = "${ann.record.id}" || to = "${ann.record.id}") && status = "pending"`,
      });
      expect(pending).toEqual([]);
    }
  });

  it("notifications: only the recipient lists, hears, marks read and deletes them", async () => {
    const [ann, bob, carl] = [
      await createUser(server),
      await createUser(server),
      await createUser(server),
    ];
    const bobFeed = await recordEvents<NotificationsResponse>(bob.client, "notifications", "*");
    const carlFeed = await recordEvents<NotificationsResponse>(carl.client, "notifications", "*");
    await request(ann, bob);
    await waitUntil(() => bobFeed.events.length === 1, "bob to hear of the request");
    await request(ann, carl); // sentinel: once carl hears his own, a leak would have arrived too
    await waitUntil(() => carlFeed.events.length === 1, "carl's own notification");
    expect(carlFeed.events.map((e) => e.record.recipient)).toEqual([carl.record.id]);

    const notes = await bob.client.collection("notifications").getFullList<NotificationsResponse>();
    expect(notes).toHaveLength(1);
    const note = notes[0] as NotificationsResponse;
    expect(note).toMatchObject({ type: "friend_request", actor: ann.record.id, readAt: "" });
    const path = `/notifications/${note.id}/read`;
    expect(await failure(api(carl.client, "POST", path))).toMatchObject({ status: 404 });
    const read = await api<NotificationsResponse>(bob.client, "POST", path);
    expect(read.readAt).not.toBe("");
    await expect(carl.client.collection("notifications").delete(note.id)).rejects.toMatchObject({
      status: 404,
    });
    await bob.client.collection("notifications").delete(note.id);
    expect(await notificationsOf(bob)).toEqual([]);
    await Promise.all([bobFeed.unsubscribe(), carlFeed.unsubscribe()]);
  });
});

describe("blocking", () => {
  it("ends friendship and pending requests, refuses new ones both ways, hides each from the other", async () => {
    const [ann, bob, carl] = [
      await createUser(server),
      await createUser(server),
      await createUser(server),
    ];
    await request(ann, bob);
    await request(bob, ann);
    await request(carl, ann);
    const carlRequest = await request(ann, carl); // auto-accepted: ann and carl are friends now
    expect(carlRequest.status).toBe("accepted");
    const dave = await createUser(server);
    await request(dave, ann);

    await api(ann.client, "POST", `/blocks/${bob.record.id}`);
    await api(ann.client, "POST", `/blocks/${dave.record.id}`);
    expect((await friendshipsOf(ann)).map((f) => [f.userA, f.userB].sort())).toEqual([
      [ann.record.id, carl.record.id].sort(),
    ]);
    expect(
      await notificationsOf(ann).then((n) => n.filter((x) => x.actor === dave.record.id)),
    ).toEqual([]);
    const pending = await server.admin.collection("friend_requests").getFullList({
      filter: `from = "${dave.record.id}" && status = "pending"`,
    });
    expect(pending).toEqual([]);
    expect(await failure(request(bob, ann))).toMatchObject({ status: 403 });
    expect(await failure(request(ann, bob))).toMatchObject({ status: 403 });

    // profiles: neither can read the other; the blocker lists the block, the blocked does not
    await expect(bob.client.collection("users").getOne(ann.record.id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(ann.client.collection("users").getOne(bob.record.id)).rejects.toMatchObject({
      status: 404,
    });
    expect(await ann.client.collection("blocks").getFullList()).toHaveLength(2);
    expect(await bob.client.collection("blocks").getFullList()).toEqual([]);

    expect(await failure(api(ann.client, "POST", `/blocks/${bob.record.id}`))).toMatchObject({
      status: 400,
    });
    expect(await failure(api(ann.client, "POST", `/blocks/${ann.record.id}`))).toMatchObject({
      status: 400,
    });
    expect(await failure(api(ann.client, "POST", "/blocks/nosuchuser12345"))).toMatchObject({
      status: 404,
    });
    await api(ann.client, "DELETE", `/blocks/${bob.record.id}`);
    expect(await failure(api(ann.client, "DELETE", `/blocks/${bob.record.id}`))).toMatchObject({
      status: 400,
    });
    await expect(bob.client.collection("users").getOne(ann.record.id)).resolves.toMatchObject({
      id: ann.record.id,
    });
    expect((await request(bob, ann)).status).toBe("pending");
  });

  it("20 parallel blocks and unblocks leave a consistent state", async () => {
    const [ann, bob] = [await createUser(server), await createUser(server)];
    await request(ann, bob);
    await request(bob, ann);
    const calls = Array.from({ length: 20 }, (_, i) =>
      failure(api(ann.client, i % 2 === 0 ? "POST" : "DELETE", `/blocks/${bob.record.id}`)),
    );
    const results = await Promise.all(calls);
    expect(results.every((r) => r.status === 200 || r.status === 400)).toBe(true);
    const blocks = await server.admin
      .collection("blocks")
      .getFullList({ filter: `blocker = "${ann.record.id}" && blocked = "${bob.record.id}"` });
    expect(blocks.length).toBeLessThanOrEqual(1);
    const ok = results.map((r, i) => (r.status === 200 ? (i % 2 === 0 ? 1 : -1) : 0));
    // every successful block was matched by a successful unblock, except possibly the last
    expect(ok.reduce<number>((a, b) => a + b, 0)).toBe(blocks.length);
    expect(await friendshipsOf(ann)).toEqual([]);
  });
});
