// Legacy API, R24–R43 and R60–R64: rooms, messages, reactions, read state and DMs driven the way
// the original frontend calls them, each rule tried as the wrong user too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANON_KEY,
  legacyCalls,
  legacyFetch,
  legacySignup,
  type LegacyUser,
} from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { hoursFromNow } from "../support/api.ts";

type Room = Record<string, unknown> & { id: string; members: string[] };
type Message = Record<string, unknown> & { id: string };

let server: TestServer;
let admin: LegacyUser;
let alice: LegacyUser;
let bob: LegacyUser;
let outsider: LegacyUser;

const call = legacyCalls(() => server);

async function roomsOf(user: LegacyUser, query = ""): Promise<Room[]> {
  const res = await call<{ rooms: Room[] }>(user, "GET", "/rooms" + query);
  expect(res.status).toBe(200);
  return res.body.rooms;
}

beforeAll(async () => {
  server = await startPocketBase();
  admin = await legacySignup(server, "chief");
  alice = await legacySignup(server, "alice");
  bob = await legacySignup(server, "bob");
  outsider = await legacySignup(server, "outsider");
});
afterAll(() => server.stop());

describe("rooms", () => {
  let room: Room;

  it("POST /rooms creates a private room with the creator as member (bare object)", async () => {
    const res = await call<Room>(alice, "POST", "/rooms", { name: "Plans", type: "private" });
    expect(res.status).toBe(200);
    room = res.body;
    expect(room).toMatchObject({
      name: "Plans",
      type: "private",
      created_by: alice.id,
      members: [alice.id],
      unread_count: { [alice.id]: 0 },
      unread_mentions: { [alice.id]: 0 },
      unread_reactions: { [alice.id]: 0 },
    });
  });

  it("POST /rooms refuses with the original texts", async () => {
    const pub = await call(alice, "POST", "/rooms", { name: "Town", type: "public" });
    expect(pub).toMatchObject({
      status: 400,
      body: { error: "Только администратор может создавать публичные комнаты" },
    });
    const missing = await call(alice, "POST", "/rooms", { type: "private" });
    expect(missing).toMatchObject({
      status: 400,
      body: { error: "Название и тип комнаты обязательны" },
    });
    const anon = await call(null, "POST", "/rooms", { name: "X", type: "private" });
    expect(anon).toMatchObject({ status: 401, body: { error: "Недействительный токен" } });
    const none = await legacyFetch(server, "POST", "/rooms", null, { name: "X", type: "private" });
    expect(none).toMatchObject({ status: 401, body: { error: "Требуется авторизация" } });
  });

  it("GET /rooms shows members their private rooms and everyone the public ones", async () => {
    const town = await call<Room>(admin, "POST", "/rooms", { name: "Town", type: "public" });
    expect(town.status).toBe(200);
    expect((await roomsOf(alice)).map((r) => r.id).sort()).toEqual([room.id, town.body.id].sort());
    const seenByOutsider = (await roomsOf(outsider)).map((r) => r.id);
    expect(seenByOutsider).toContain(town.body.id);
    expect(seenByOutsider).not.toContain(room.id);
  });

  it("invite: members add people, outsiders cannot, private rooms cannot be joined by id", async () => {
    const denied = await call(outsider, "POST", `/rooms/${room.id}/invite`, {
      userId: outsider.id,
    });
    expect(denied).toMatchObject({
      status: 400,
      body: { error: "Вы не являетесь участником этой комнаты" },
    });
    const join = await call(outsider, "POST", `/rooms/${room.id}/join`);
    expect(join.status).toBe(400);
    const res = await call<Room>(alice, "POST", `/rooms/${room.id}/invite`, { userId: bob.id });
    expect(res.status).toBe(200);
    expect(res.body.members.sort()).toEqual([alice.id, bob.id].sort());
    const again = await call<Room>(alice, "POST", `/rooms/${room.id}/invite`, { userId: bob.id });
    expect(again.status).toBe(200);
    expect(again.body.members).toHaveLength(2);
  });

  describe("messages", () => {
    let message: Message;

    it("POST /messages returns the bare message and moves the room's counters", async () => {
      const res = await call<Message>(alice, "POST", "/messages", {
        roomId: room.id,
        content: "hello @bob",
        type: "text",
      });
      expect(res.status).toBe(200);
      message = res.body;
      expect(message).toMatchObject({
        room_id: room.id,
        sender_id: alice.id,
        sender_username: "alice",
        content: "hello @bob",
        type: "text",
        reactions: {},
        mentions: [bob.id],
      });
      expect(typeof message["created_at"]).toBe("string");

      const bobRoom = (await roomsOf(bob)).find((r) => r.id === room.id)!;
      expect(bobRoom).toMatchObject({
        unread_count: { [bob.id]: 1 },
        unread_mentions: { [bob.id]: 1 },
        last_message: { content: "hello @bob", sender_username: "alice", type: "text" },
      });
      // Only the caller's own counters are shown.
      expect(Object.keys(bobRoom["unread_count"] as object)).toEqual([bob.id]);
    });

    it("GET /messages/:roomId lists for members, 403/404/401 for others", async () => {
      const res = await call<{ messages: Message[] }>(bob, "GET", `/messages/${room.id}?limit=100`);
      expect(res.status).toBe(200);
      expect(res.body.messages.map((m) => m.id)).toEqual([message.id]);
      const stranger = await call(outsider, "GET", `/messages/${room.id}?limit=100`);
      expect(stranger).toMatchObject({
        status: 403,
        body: { error: "Вы не являетесь участником комнаты" },
      });
      const missing = await call(bob, "GET", `/messages/nosuchroom12345`);
      expect(missing).toMatchObject({ status: 404, body: { error: "Комната не найдена" } });
      const anon = await call(null, "GET", `/messages/${room.id}`);
      expect(anon).toMatchObject({ status: 401, body: { error: "Неверный токен" } });
    });

    it("outsiders cannot send into a private room", async () => {
      const res = await call(outsider, "POST", "/messages", { roomId: room.id, content: "hi" });
      expect(res).toMatchObject({
        status: 400,
        body: { error: "Вы не являетесь участником комнаты" },
      });
    });

    it("react / unreact: maps of emoji to user ids, counters for the author", async () => {
      const add = await call<Message>(bob, "POST", `/messages/${message.id}/react`, {
        emoji: "👍",
      });
      expect(add.status).toBe(200);
      expect(add.body["reactions"]).toEqual({ "👍": [bob.id] });
      const twice = await call<Message>(bob, "POST", `/messages/${message.id}/react`, {
        emoji: "👍",
      });
      expect(twice.body["reactions"]).toEqual({ "👍": [bob.id] });
      const aliceRoom = (await roomsOf(alice)).find((r) => r.id === room.id)!;
      expect(aliceRoom["unread_reactions"]).toEqual({ [alice.id]: 1 });
      const stranger = await call(outsider, "POST", `/messages/${message.id}/react`, {
        emoji: "👍",
      });
      expect(stranger.status).toBe(400);
      const remove = await call<Message>(
        bob,
        "DELETE",
        `/messages/${message.id}/react?emoji=${encodeURIComponent("👍")}`,
      );
      expect(remove.status).toBe(200);
      expect(remove.body["reactions"]).toEqual({});
    });

    it("mark-read clears the caller's counters; non-members get success and no change", async () => {
      const res = await call(bob, "POST", `/rooms/${room.id}/mark-read`, {
        clearMentions: true,
        clearReactions: true,
      });
      expect(res).toMatchObject({ status: 200, body: { success: true } });
      const bobRoom = (await roomsOf(bob)).find((r) => r.id === room.id)!;
      expect(bobRoom).toMatchObject({
        unread_count: { [bob.id]: 0 },
        unread_mentions: { [bob.id]: 0 },
      });
      const stranger = await call(outsider, "POST", `/rooms/${room.id}/mark-read`, {});
      expect(stranger).toMatchObject({ status: 200, body: { success: true } });
    });

    it("PUT edits by the author only", async () => {
      const denied = await call(bob, "PUT", `/messages/${message.id}`, { content: "hacked" });
      expect(denied).toMatchObject({
        status: 400,
        body: { error: "Только автор может редактировать сообщение" },
      });
      const empty = await call(alice, "PUT", `/messages/${message.id}`, { content: "  " });
      expect(empty).toMatchObject({
        status: 400,
        body: { error: "Контент сообщения не может быть пустым" },
      });
      const res = await call<Message>(alice, "PUT", `/messages/${message.id}`, {
        content: "hello all",
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ content: "hello all", edited: true });
      expect(res.body).not.toHaveProperty("mentions");
    });

    it("pin / unpin by staff and VIPs keep the pin history", async () => {
      const denied = await call(bob, "POST", `/rooms/${room.id}/pin`, { messageId: message.id });
      expect(denied).toMatchObject({
        status: 400,
        body: { error: "Недостаточно прав для закрепления" },
      });
      const pinned = await call<Room>(alice, "POST", `/rooms/${room.id}/pin`, {
        messageId: message.id,
      });
      expect(pinned.status).toBe(200);
      expect(pinned.body).toMatchObject({
        pinned_message_id: message.id,
        pinned_message_ids: [message.id],
      });
      // The pinned banner's button sends no id: the current pin goes (B11 fixed).
      const unpinned = await call<Room>(alice, "DELETE", `/rooms/${room.id}/pin`);
      expect(unpinned.status).toBe(200);
      expect(unpinned.body).not.toHaveProperty("pinned_message_id");
      expect(unpinned.body["pinned_message_ids"]).toEqual([]);
    });

    it("DELETE by someone else is refused; by the author it disappears from the list", async () => {
      const denied = await call(bob, "DELETE", `/messages/${message.id}`);
      expect(denied).toMatchObject({
        status: 400,
        body: { error: "Недостаточно прав для удаления" },
      });
      const res = await call(alice, "DELETE", `/messages/${message.id}`);
      expect(res).toMatchObject({ status: 200, body: { success: true } });
      const list = await call<{ messages: Message[] }>(bob, "GET", `/messages/${room.id}`);
      expect(list.body.messages).toEqual([]);
      const again = await call(alice, "DELETE", `/messages/${message.id}`);
      expect(again.status).toBe(400);
    });
  });

  it("mute with expiry: refused while it lasts, allowed after", async () => {
    await server.admin.collection("users").update(bob.id, { mutedUntil: hoursFromNow(1) });
    const muted = await call(bob, "POST", "/messages", { roomId: room.id, content: "x" });
    expect(muted).toMatchObject({ status: 400, body: { error: "Вы в муте" } });
    await server.admin.collection("users").update(bob.id, { mutedUntil: hoursFromNow(-1) });
    const after = await call(bob, "POST", "/messages", { roomId: room.id, content: "back" });
    expect(after.status).toBe(200);
  });

  it("god mode: admins see every shared room, flagged when not a member", async () => {
    const all = await roomsOf(admin, "?godMode=true");
    const seen = all.find((r) => r.id === room.id);
    expect(seen).toMatchObject({ isGodMode: true });
    const notGod = await roomsOf(alice, "?godMode=true");
    expect(notGod.every((r) => !("isGodMode" in r))).toBe(true);
  });

  it("favorites: one per user, private, flagged", async () => {
    const a = await call<Room>(alice, "POST", "/rooms/favorites");
    const b = await call<Room>(alice, "POST", "/rooms/favorites");
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ type: "private", is_favorites: true, members: [alice.id] });
    expect(b.body.id).toBe(a.body.id);
  });

  it("banned users see only the jail room", async () => {
    const victim = await legacySignup(server);
    const ban = await fetch(`${server.url}/api/konvert/users/${victim.id}/ban`, {
      method: "POST",
      headers: { Authorization: admin.token, "Content-Type": "application/json" },
      body: JSON.stringify({ hours: 2 }),
    });
    expect(ban.status).toBe(200);
    const rooms = await roomsOf(victim);
    expect(rooms.map((r) => r.name)).toEqual(["🔒 Азкабан"]);
    const me = await call<{ user: Record<string, unknown> }>(victim, "GET", "/auth/me");
    expect(me.body.user).toMatchObject({ banned: true });
    const send = await call(victim, "POST", "/messages", { roomId: room.id, content: "x" });
    expect(send.status).toBe(400);
  });
});

describe("direct messages", () => {
  const pair = () => [alice.id, bob.id].sort().join(":");

  it("POST /dm/create returns the conversation keyed by the sorted pair", async () => {
    const res = await call(alice, "POST", "/dm/create", { userId: bob.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: pair(), participants: pair().split(":") });
    const back = await call(bob, "POST", "/dm/create", { userId: alice.id });
    expect(back.body["id"]).toBe(pair());
    const self = await call(alice, "POST", "/dm/create", { userId: alice.id });
    expect(self).toMatchObject({
      status: 400,
      body: { error: "Нельзя создать чат с самим собой" },
    });
    const none = await call(alice, "POST", "/dm/create", {});
    expect(none).toMatchObject({ status: 400, body: { error: "Некорректные параметры" } });
  });

  it("send, list with unread counts, read, and outsiders see nothing", async () => {
    const sent = await call<Message>(alice, "POST", `/dm/${pair()}/messages`, { content: "psst" });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ room_id: pair(), sender_id: alice.id, content: "psst" });

    const list = await call<{ dms: Record<string, unknown>[] }>(bob, "GET", "/dm/list");
    expect(list.body.dms[0]).toMatchObject({
      id: pair(),
      unread_count: { [bob.id]: 1 },
      last_message: { content: "psst", sender_id: alice.id, sender_username: "alice" },
    });
    const msgs = await call<{ messages: Message[] }>(
      bob,
      "GET",
      `/dm/${pair()}/messages?limit=100`,
    );
    expect(msgs.body.messages.map((m) => m.content)).toEqual(["psst"]);

    const stranger = await call<{ messages: Message[] }>(outsider, "GET", `/dm/${pair()}/messages`);
    expect(stranger).toMatchObject({ status: 200, body: { messages: [] } });
    const intrude = await call(outsider, "POST", `/dm/${pair()}/messages`, { content: "hey" });
    expect(intrude).toMatchObject({
      status: 400,
      body: { error: "Вы не являетесь участником чата" },
    });
    expect((await call<{ dms: unknown[] }>(outsider, "GET", "/dm/list")).body.dms).toEqual([]);

    const read = await call(bob, "POST", `/dm/${pair()}/read`);
    expect(read).toMatchObject({ status: 200, body: { success: true } });
    const after = await call<{ dms: Record<string, unknown>[] }>(bob, "GET", "/dm/list");
    expect(after.body.dms[0]).toMatchObject({ unread_count: { [bob.id]: 0 } });
  });

  it("DELETE /rooms/<dm id> (what the DM list calls) hides the conversation", async () => {
    const res = await call(bob, "DELETE", `/rooms/${pair()}`);
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    const list = await call<{ dms: unknown[] }>(bob, "GET", "/dm/list");
    expect(list.body.dms).toEqual([]);
  });
});

describe("users", () => {
  it("GET /users/:id: public profile for others, 404 for unknown", async () => {
    const res = await call<{ user: Record<string, unknown> }>(
      outsider,
      "GET",
      `/users/${alice.id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: alice.id, username: "alice", role: "user" });
    expect(res.body.user).not.toHaveProperty("email");
    expect(res.body.user).not.toHaveProperty("friends");
    const missing = await call(outsider, "GET", "/users/nosuchuser1234");
    expect(missing).toMatchObject({ status: 404, body: { error: "Пользователь не найден" } });
  });

  it("GET /users/search finds by name and leaves out people who blocked the caller", async () => {
    const found = await call<{ users: { id: string }[] }>(outsider, "GET", "/users/search?q=ali");
    expect(found.body.users.map((u) => u.id)).toContain(alice.id);
    const block = await fetch(`${server.url}/api/konvert/blocks/${outsider.id}`, {
      method: "POST",
      headers: { Authorization: alice.token },
    });
    expect(block.status).toBeLessThan(300);
    const hidden = await call<{ users: { id: string }[] }>(outsider, "GET", "/users/search?q=ali");
    expect(hidden.body.users.map((u) => u.id)).not.toContain(alice.id);
  });
});

describe("moderation", () => {
  it("ban / mute / role through the legacy routes, refused for non-staff", async () => {
    const target = await legacySignup(server);
    const denied = await call(alice, "POST", `/users/${target.id}/ban`, { hours: 1 });
    expect(denied).toMatchObject({ status: 400, body: { error: "Недостаточно прав" } });
    const ban = await call(admin, "POST", `/users/${target.id}/ban`, { hours: 1 });
    expect(ban.status).toBe(200);
    expect(ban.body).toMatchObject({ id: target.id, banned: true });
    const unban = await call(admin, "POST", `/users/${target.id}/unban`);
    expect(unban.body).toMatchObject({ banned: false });
    const mute = await call(admin, "POST", `/users/${target.id}/mute`, { hours: 99 });
    expect(mute.body).toMatchObject({ muted: true });
    const until = Date.parse(mute.body["mute_until"] as string);
    expect(until - server.clockNow().getTime()).toBeLessThanOrEqual(24 * 3600 * 1000);
    const unmute = await call(admin, "POST", `/users/${target.id}/unmute`);
    expect(unmute.body).toMatchObject({ muted: false });
    const role = await call(admin, "PUT", `/users/${target.id}/role`, { role: "vip" });
    expect(role.body).toMatchObject({ role: "vip" });
    const notAdmin = await call(alice, "PUT", `/users/${target.id}/role`, { role: "admin" });
    expect(notAdmin).toMatchObject({
      status: 400,
      body: { error: "Только администратор может менять роли" },
    });
    const vipBan = await call(admin, "POST", `/users/${target.id}/ban`, { hours: 1 });
    expect(vipBan).toMatchObject({
      status: 400,
      body: { error: "VIP пользователи защищены от банов" },
    });
  });

  it("DELETE /users/:id/permanent: admins only; the account can no longer sign in", async () => {
    const target = await legacySignup(server);
    const denied = await call(alice, "DELETE", `/users/${target.id}/permanent`);
    expect(denied).toMatchObject({
      status: 400,
      body: { error: "Только администратор может удалять пользователей" },
    });
    const ok = await call(admin, "DELETE", `/users/${target.id}/permanent`);
    expect(ok).toMatchObject({ status: 200, body: { success: true } });
    expect((await call(target, "GET", "/auth/me")).status).toBe(401);
    const refresh = await legacyFetch(server, "POST", "/auth/refresh", ANON_KEY, {
      refresh_token: target.refreshToken,
    });
    expect(refresh.status).toBe(401);
  });

  it("cleanup-azkaban answers admins and refuses others", async () => {
    const ok = await call(admin, "POST", "/admin/cleanup-azkaban");
    expect(ok).toMatchObject({ status: 200, body: { message: "Нет дублирующих комнат" } });
    const denied = await call(alice, "POST", "/admin/cleanup-azkaban");
    expect(denied.status).toBe(403);
  });
});

describe("achievements", () => {
  type Profile = { userId: string; achievements: Record<string, Record<string, unknown>> };

  it("GET /achievements/:userId reflects what the server awarded", async () => {
    const res = await call<Profile>(alice, "GET", `/achievements/${alice.id}`);
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(alice.id);
    expect(res.body.achievements["first_message"]).toMatchObject({
      achievementId: "first_message",
      isUnlocked: true,
    });
    const other = await call<Profile>(bob, "GET", `/achievements/${alice.id}`);
    expect(other.body.achievements["first_message"]).toMatchObject({ isUnlocked: true });
  });

  it("progress and unlock: own id only; only client-claimable ones unlock on request", async () => {
    const foreign = await call(bob, "POST", `/achievements/${alice.id}/progress`, {
      achievementId: "first_message",
      increment: 100,
    });
    expect(foreign.status).toBe(403);
    const serverDecided = await call(outsider, "POST", `/achievements/${outsider.id}/unlock`, {
      achievementId: "first_message",
    });
    expect(serverDecided.body).toMatchObject({
      success: true,
      newUnlock: false,
      achievement: { isUnlocked: false },
    });
    const claim = await call(outsider, "POST", `/achievements/${outsider.id}/unlock`, {
      achievementId: "perfect_taste",
    });
    expect(claim.body).toMatchObject({ newUnlock: true, achievement: { isUnlocked: true } });
    const again = await call(outsider, "POST", `/achievements/${outsider.id}/unlock`, {
      achievementId: "perfect_taste",
    });
    expect(again.body).toMatchObject({ newUnlock: false });
    const streak = await call(alice, "POST", `/achievements/${alice.id}/activity`);
    expect(streak.body).toMatchObject({ currentStreak: 1, longestStreak: 1 });
  });
});
