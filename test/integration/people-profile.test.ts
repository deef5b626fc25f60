// Profiles against the real server: what other people see (e-mail never, privacy honoured,
// presence only within the circle), search, presence heartbeats, avatars, password and e-mail
// changes, account deletion and data export.
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventsOf,
  type RealtimeEvent,
  type RealtimeMessage,
} from "../../hooks-src/konvert/rules/realtime.ts";
import type {
  MessagesResponse,
  ModerationLogResponse,
  UsersResponse,
} from "../../types/pocketbase-types.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

type Profile = UsersResponse & { banned?: boolean; muted?: boolean };
const api = <T>(client: PocketBase, method: string, path: string, body?: object | FormData) =>
  client.send<T>(`/api/konvert${path}`, { method, ...(body ? { body } : {}) });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ status: 200, message: "", data: {} }),
    (e: unknown) => {
      const err = e as { status: number; message: string; response: { data?: object } };
      return { status: err.status, message: err.message, data: err.response.data ?? {} };
    },
  );
const befriend = async (a: TestUser, b: TestUser) => {
  await api(a.client, "POST", "/friends/requests", { userId: b.record.id });
  await api(b.client, "POST", "/friends/requests", { userId: a.record.id });
};
const search = (client: PocketBase, q: string, extra = "") =>
  api<{ items: UsersResponse[]; hasMore: boolean }>(
    client,
    "GET",
    `/users/search?q=${encodeURIComponent(q)}${extra}`,
  );

// 1x1 transparent PNG
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);
const avatarForm = (bytes: Uint8Array<ArrayBuffer>, name: string, type: string) => {
  const form = new FormData();
  form.append("avatar", new Blob([bytes], { type }), name);
  return form;
};

describe("what others see of a profile", () => {
  it("never the e-mail; privacy switches withhold fields; presence only for friends", async () => {
    const owner = await createUser(server, {
      displayName: "Ольга",
      gender: "f",
      age: 30,
      interests: "chess",
      lastActiveAt: new Date().toISOString(),
    });
    const [friend, stranger] = [await createUser(server), await createUser(server)];
    await befriend(owner, friend);

    const self = await owner.client.collection("users").getOne<Profile>(owner.record.id);
    expect(self).toMatchObject({
      email: expect.stringContaining("@") as string,
      gender: "f",
      status: "online",
    });
    const byFriend = await friend.client.collection("users").getOne<Profile>(owner.record.id);
    const byStranger = await stranger.client.collection("users").getOne<Profile>(owner.record.id);
    for (const view of [byFriend, byStranger]) {
      expect(view).not.toHaveProperty("email");
      expect(view).toMatchObject({ displayName: "Ольга", gender: "f", age: 30 });
      expect(view).not.toHaveProperty("bannedUntil");
      expect(view).not.toHaveProperty("privacy");
    }
    expect(byFriend.status).toBe("online");
    expect(byStranger).not.toHaveProperty("lastActiveAt");
    expect(byStranger).not.toHaveProperty("status");

    await api(owner.client, "POST", "/profile", {
      privacy: { showAge: false, showLastSeen: false },
    });
    const later = await friend.client.collection("users").getOne<Profile>(owner.record.id);
    expect(later).not.toHaveProperty("age");
    expect(later).not.toHaveProperty("lastActiveAt");
    expect(later.gender).toBe("f");
    // a stranger cannot filter on hidden fields to learn them either
    await expect(
      stranger.client.collection("users").getList(1, 10, { filter: `age = 30` }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(anonymousClient(server).collection("users").getList()).resolves.toMatchObject({
      items: [],
    });
  });

  it("profile edits: allowed fields validated, username and server-owned fields refused", async () => {
    const user = await createUser(server);
    const updated = await api<Profile>(user.client, "POST", "/profile", {
      displayName: "  Юлия Ким  ",
      timezone: "Europe/Moscow",
    });
    expect(updated).toMatchObject({ displayName: "Юлия Ким", timezone: "Europe/Moscow" });
    const cases: [object, string][] = [
      [{ username: "new_name" }, "username"],
      [{ role: "admin" }, "role"],
      [{ bannedUntil: "" }, "bannedUntil"],
      [{ displayName: "я".repeat(65) }, "displayName"],
      [{ age: "thirty" }, "age"],
      [{ privacy: { showEmail: true } }, "privacy"],
    ];
    for (const [body, field] of cases) {
      const result = await failure(api(user.client, "POST", "/profile", body));
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(result.data)).toEqual([field]);
    }
    // the records API cannot change anything about a user either
    await expect(
      user.client.collection("users").update(user.record.id, { username: "other_name" }),
    ).rejects.toMatchObject({ status: 403 });
    const stored = await server.admin.collection("users").getOne<UsersResponse>(user.record.id);
    expect([stored.username, stored.role, stored.displayName]).toEqual([
      user.record.username,
      "user",
      "Юлия Ким",
    ]);
  });
});

describe("search", () => {
  it("matches username and display-name word prefixes in any case and script, paginated", async () => {
    const tag = Math.random().toString(36).slice(2, 7);
    const seeker = await createUser(server);
    const ivan = await createUser(server, { username: `ivan_${tag}`, displayName: "Иван Петров" });
    const ivanna = await createUser(server, { username: `ivanna_${tag}`, displayName: "Иванна" });
    await createUser(server, { username: `bob_${tag}`, displayName: "Боб" });

    const ids = async (q: string) => (await search(seeker.client, q)).items.map((u) => u.id);
    expect(await ids("ИВАН")).toEqual(expect.arrayContaining([ivan.record.id, ivanna.record.id]));
    expect(await ids("петр")).toEqual([ivan.record.id]);
    expect(await ids(`IVAN_${tag}`)).toEqual([ivan.record.id]);
    expect(await ids(`van_${tag}`)).toEqual([]); // prefixes only
    expect(await ids("%")).toEqual([]);

    const page1 = await search(seeker.client, `ivan`, "&perPage=1&page=1");
    const page2 = await search(seeker.client, `ivan`, "&perPage=1&page=2");
    expect(page1.hasMore).toBe(true);
    expect(page1.items[0]?.id).not.toBe(page2.items[0]?.id);
    expect(page1.items[0]).not.toHaveProperty("email");

    await api(ivan.client, "POST", `/blocks/${seeker.record.id}`);
    expect(await ids("петр")).toEqual([]);
    await api(ivanna.client, "POST", "/account/delete", { password: ivanna.password });
    expect(await ids(`ivanna_${tag}`)).toEqual([]);

    for (const bad of ["", "&page=0", "&perPage=500"]) {
      const q = bad.startsWith("&") ? `/users/search?q=x${bad}` : "/users/search?q=";
      expect((await failure(api(seeker.client, "GET", q))).status).toBe(400);
    }
    expect((await failure(api(anonymousClient(server), "GET", "/users/search?q=iv"))).status).toBe(
      401,
    );
  });
});

describe("presence", () => {
  it("coalesces heartbeats to one write a minute and tells friends and room-mates only", async () => {
    const [user, friend, mate, stranger] = [
      await createUser(server),
      await createUser(server),
      await createUser(server),
      await createUser(server),
    ];
    await befriend(user, friend);
    const room = await mate.client.collection("rooms").create({ name: "Club", type: "private" });
    await server.admin
      .collection("room_members")
      .create({ room: room.id, user: user.record.id, role: "member" });

    const [friendFeed, mateFeed, strangerFeed] = await Promise.all(
      [friend, mate, stranger].map((u) => recordEvents<Profile>(u.client, "users", user.record.id)),
    );
    const feeds = [friendFeed, mateFeed, strangerFeed].filter((f) => f !== undefined);
    const beats = await Promise.all(
      Array.from({ length: 5 }, () =>
        api<{ written: boolean }>(user.client, "POST", "/presence/heartbeat"),
      ),
    );
    expect(beats.filter((b) => b.written)).toHaveLength(1);
    await waitUntil(
      () => friendFeed?.events.length === 1 && mateFeed?.events.length === 1,
      "circle events",
    );
    expect(friendFeed?.events.map((e) => e.record.status)).toEqual(["online"]);
    // sentinel: the stranger's own profile change arrives to the stranger, the user's did not
    const strangerSelf = await recordEvents<Profile>(stranger.client, "users", stranger.record.id);
    await api(stranger.client, "POST", "/profile", { displayName: "S" });
    await waitUntil(() => strangerSelf.events.length === 1, "the sentinel");
    expect(strangerFeed?.events).toEqual([]);
    await Promise.all([...feeds, strangerSelf].map((f) => f.unsubscribe()));
  });
});

describe("avatar", () => {
  it("accepts a small image and refuses oversized files and SVG with script", async () => {
    const user = await createUser(server);
    const ok = await api<Profile>(
      user.client,
      "POST",
      "/profile/avatar",
      avatarForm(PNG, "a.png", "image/png"),
    );
    expect(ok.avatar).not.toBe("");
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(PNG);
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    for (const form of [
      avatarForm(big, "big.png", "image/png"),
      avatarForm(svg, "evil.svg", "image/svg+xml"),
      avatarForm(svg, "evil.png", "image/png"),
    ]) {
      const result = await failure(api(user.client, "POST", "/profile/avatar", form));
      expect(result).toMatchObject({
        status: 400,
        message: expect.stringMatching(/JPEG, PNG/) as string,
      });
    }
    const stored = await server.admin.collection("users").getOne<UsersResponse>(user.record.id);
    expect(stored.avatar).toBe(ok.avatar);
  });
});

describe("account", () => {
  it("password change needs the old one and ends other sessions", async () => {
    const user = await createUser(server);
    const other = anonymousClient(server);
    await other.collection("users").authWithPassword(user.record.username, user.password);
    expect(
      (
        await failure(
          api(user.client, "POST", "/account/password", {
            oldPassword: "wrong",
            newPassword: "new-password-1",
          }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await failure(
          api(user.client, "POST", "/account/password", {
            oldPassword: user.password,
            newPassword: "short",
          }),
        )
      ).status,
    ).toBe(400);
    const auth = await api<{ token: string }>(user.client, "POST", "/account/password", {
      oldPassword: user.password,
      newPassword: "new-password-1",
    });
    expect(auth.token).not.toBe("");
    await expect(other.collection("users").authRefresh()).rejects.toMatchObject({ status: 401 });
    await expect(
      anonymousClient(server)
        .collection("users")
        .authWithPassword(user.record.username, "new-password-1"),
    ).resolves.toBeTruthy();
  });

  it("e-mail change needs the password and a free, valid address", async () => {
    const [user, other] = [await createUser(server), await createUser(server)];
    const cases: [object, string][] = [
      [{ newEmail: "x@konvert.test", password: "wrong" }, "password"],
      [{ newEmail: "not-an-email", password: user.password }, "newEmail"],
      [{ newEmail: other.record.email, password: user.password }, "newEmail"],
    ];
    for (const [body, field] of cases) {
      const result = await failure(api(user.client, "POST", "/account/email", body));
      expect(result.status).toBe(400);
      expect(Object.keys(result.data)).toEqual([field]);
    }
    const email = `changed_${user.record.id}@konvert.test`;
    const updated = await api<Profile>(user.client, "POST", "/account/email", {
      newEmail: email,
      password: user.password,
    });
    expect(updated.email).toBe(email);
    expect(
      await other.client.collection("users").getOne<Profile>(user.record.id),
    ).not.toHaveProperty("email");
  });

  it("deletion erases personal data, keeps messages as tombstones and frees the username", async () => {
    const user = await createUser(server, { displayName: "Gone Soon", publicKey: "pk" });
    const friend = await createUser(server);
    await befriend(user, friend);
    const room = await user.client.collection("rooms").create({ name: "R", type: "private" });
    const message = await server.admin
      .collection("messages")
      .create({ room: room.id, author: user.record.id, content: "hello", type: "text" });

    const exported = await api<Record<string, unknown[] | object>>(
      user.client,
      "GET",
      "/account/export",
    );
    expect(exported).toMatchObject({ profile: { id: user.record.id, email: user.record.email } });
    expect((exported["messages"] as { id: string }[]).map((m) => m.id)).toEqual([message.id]);
    expect(exported["friends"]).toHaveLength(1);
    expect(Object.keys(exported)).toEqual(
      expect.arrayContaining(["reactions", "achievements", "memberships", "blocks"]),
    );

    expect(
      (await failure(api(user.client, "POST", "/account/delete", { password: "wrong" }))).status,
    ).toBe(400);
    expect((await failure(api(friend.client, "DELETE", `/users/${user.record.id}`))).status).toBe(
      403,
    );
    await api(user.client, "POST", "/account/delete", { password: user.password });

    const stored = await server.admin.collection("users").getOne<UsersResponse>(user.record.id);
    expect(stored).toMatchObject({
      displayName: "",
      publicKey: "",
      username: `deleted_${user.record.id}`,
    });
    expect(stored.deletedAt).not.toBe("");
    expect(stored.email).not.toBe(user.record.email);
    const tomb = await server.admin.collection("messages").getOne(message.id);
    expect(tomb).toMatchObject({ content: "", author: user.record.id });
    expect(tomb["deletedAt"]).not.toBe("");
    expect(
      await server.admin
        .collection("friendships")
        .getFullList({ filter: `userA = "${user.record.id}" || userB = "${user.record.id}"` }),
    ).toEqual([]);
    await expect(friend.client.collection("users").getOne(user.record.id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(user.client.collection("users").authRefresh()).rejects.toMatchObject({
      status: 401,
    });
    // the username and e-mail can be taken again
    await createUser(server, { username: user.record.username });
    const log = await server.admin
      .collection("moderation_log")
      .getFullList<ModerationLogResponse>({ filter: `target = "${user.record.id}"` });
    expect(log.map((l) => [l.action, l.actor])).toEqual([["delete_user", user.record.id]]);
  });

  it("deleting an account tombstones its messages for everyone at once", async () => {
    const [owner, gone, mentioned] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    const room = await seedRoom(server, "private", [owner, gone, mentioned]);
    const send = (body: object) =>
      gone.client.collection("messages").create<MessagesResponse>({ room: room.id, ...body });
    const hello = await send({
      content: `@${mentioned.record.username} look`,
      mentions: [mentioned.record.id],
    });
    const plain = await send({ content: "plain" });
    const poll = await send({ type: "poll", poll: { question: "Q?", options: ["a", "b"] } });
    await api(mentioned.client, "POST", `/messages/${plain.id}/reactions`, { emoji: "👍" });
    await api(owner.client, "POST", `/rooms/${room.id}/pin`, { messageId: plain.id });
    const mentionsOf = async (u: TestUser) =>
      (await api<{ mentionCount: number }>(u.client, "GET", `/rooms/${room.id}`)).mentionCount;
    expect(await mentionsOf(mentioned)).toBe(1);

    const heard: RealtimeEvent[] = [];
    await owner.client.realtime.subscribe(`room/${room.id}`, (message: RealtimeMessage) => {
      heard.push(...eventsOf(message));
    });
    await api(gone.client, "POST", "/account/delete", { password: gone.password });

    const tombstones = () =>
      heard.flatMap((e) =>
        e.type === "message" && e.action === "update" && e.record["deletedAt"] !== ""
          ? [e.record]
          : [],
      );
    await waitUntil(() => tombstones().length === 3, "three tombstones on the room topic");
    expect(tombstones().map((r) => [r["id"], r["content"]])).toEqual(
      expect.arrayContaining([
        [hello.id, ""],
        [plain.id, ""],
        [poll.id, ""],
      ]),
    );
    expect(await mentionsOf(mentioned)).toBe(0);
    const ids = [hello.id, plain.id, poll.id].map((id) => `message = "${id}"`).join(" || ");
    for (const collection of ["mentions", "reactions", "pins", "polls"]) {
      expect(await server.admin.collection(collection).getFullList({ filter: ids })).toEqual([]);
    }
    const unread = await server.admin.collection("notifications").getFullList({
      filter: `recipient = "${mentioned.record.id}" && readAt = ""`,
    });
    expect(unread.filter((n) => n["type"] === "mention")).toEqual([]);
    expect((await server.admin.collection("rooms").getOne(room.id))["pinnedMessage"]).toBe("");
    await owner.client.realtime.unsubscribe();
  });

  it("an admin deletes an account; the last admin cannot be deleted", async () => {
    const admin = await createUser(server, { role: "admin" });
    const victim = await createUser(server);
    await api(admin.client, "DELETE", `/users/${victim.record.id}`);
    expect((await failure(api(admin.client, "DELETE", `/users/${victim.record.id}`))).status).toBe(
      404,
    );
    const admins = await server.admin
      .collection("users")
      .getFullList<UsersResponse>({ filter: `role = "admin"` });
    for (const other of admins.filter((a) => a.id !== admin.record.id)) {
      await server.admin.collection("users").update(other.id, { role: "user" });
    }
    expect(
      await failure(api(admin.client, "POST", "/account/delete", { password: admin.password })),
    ).toMatchObject({
      status: 403,
    });
    for (const other of admins.filter((a) => a.id !== admin.record.id)) {
      await server.admin.collection("users").update(other.id, { role: "admin" });
    }
  });
});
