// Legacy API, R13–R14, R45–R59: friend requests with their legacy keys, notifications, polls
// sent as message text, uploads with permanent media URLs, avatars and profile edits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANON_KEY,
  LEGACY_PREFIX,
  legacyCalls,
  legacyFetch,
  legacySignup,
  type LegacyUser,
} from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

let server: TestServer;
let ann: LegacyUser;
let ben: LegacyUser;
let cat: LegacyUser;

const call = legacyCalls(() => server);

type Notification = Record<string, unknown> & { id: string; type: string };

async function notificationsOf(user: LegacyUser): Promise<Notification[]> {
  const res = await call<{ notifications: Notification[] }>(user, "GET", "/notifications");
  expect(res.status).toBe(200);
  return res.body.notifications;
}

beforeAll(async () => {
  server = await startPocketBase();
  await legacySignup(server, "theadmin");
  ann = await legacySignup(server, "ann");
  ben = await legacySignup(server, "ben");
  cat = await legacySignup(server, "cat");
});
afterAll(() => server.stop());

describe("friend requests", () => {
  const key = () => `friend_request:${ann.id}:${ben.id}`;

  it("send, check with the legacy key, notify with actionData.requestKey", async () => {
    const sent = await call(ann, "POST", `/friend-requests/${ben.id}`);
    expect(sent).toMatchObject({ status: 200, body: { message: "Запрос в друзья отправлен" } });
    const again = await call(ann, "POST", `/friend-requests/${ben.id}`);
    expect(again).toMatchObject({ status: 400, body: { error: "Запрос уже отправлен" } });
    const self = await call(ann, "POST", `/friend-requests/${ann.id}`);
    expect(self).toMatchObject({
      status: 400,
      body: { error: "Нельзя добавить самого себя в друзья" },
    });

    const check = await call(ann, "GET", `/friend-requests/${ben.id}/check`);
    expect(check.body).toEqual({ pending: true, requestKey: key() });
    const reverse = await call(ben, "GET", `/friend-requests/${ann.id}/check`);
    expect(reverse.body).toEqual({ pending: false });

    const [notice] = await notificationsOf(ben);
    expect(notice).toMatchObject({
      userId: ben.id,
      type: "friend_request",
      fromUserId: ann.id,
      // what the app's friend-request popup reads (spec B7)
      from_user_id: ann.id,
      fromUsername: "ann",
      read: false,
      content: "ann хочет добавить вас в друзья",
      actionData: { requestKey: key() },
    });
    expect(await notificationsOf(cat)).toEqual([]);
  });

  it("only the recipient accepts; accepting twice says it was handled", async () => {
    const wrong = await call(cat, "POST", `/friend-requests/${key()}/accept`);
    expect(wrong).toMatchObject({ status: 400, body: { error: "Нет доступа к этому запросу" } });
    const sender = await call(ann, "POST", `/friend-requests/${key()}/accept`);
    expect(sender.status).toBe(400);
    const ok = await call(ben, "POST", `/friend-requests/${key()}/accept`);
    expect(ok).toMatchObject({ status: 200, body: { message: "Запрос принят" } });
    const twice = await call(ben, "POST", `/friend-requests/${key()}/accept`);
    expect(twice).toMatchObject({ status: 200, body: { message: "Запрос уже обработан" } });
    const unknown = await call(ben, "POST", `/friend-requests/friend_request:x:y/accept`);
    expect(unknown).toMatchObject({ status: 400, body: { error: "Запрос не найден" } });

    const friends = await call<{ friends: { id: string }[] }>(ann, "GET", "/users/friends/list");
    expect(friends.body.friends.map((f) => f.id)).toEqual([ben.id]);
    const me = await call<{ user: { friends: string[] } }>(ann, "GET", "/auth/me");
    expect(me.body.user.friends).toEqual([ben.id]);
    const accepted = (await notificationsOf(ann)).find((n) => n.type === "friend_accepted");
    expect(accepted).toMatchObject({ content: "ben принял ваш запрос в друзья" });
  });

  it("a crossing request is accepted automatically; reject of a missing one succeeds", async () => {
    await call(cat, "POST", `/friend-requests/${ann.id}`);
    const crossing = await call(ann, "POST", `/friend-requests/${cat.id}`);
    expect(crossing.body).toEqual({ message: "Запрос автоматически принят (встречный запрос)" });
    const rejected = await call(
      ann,
      "POST",
      `/friend-requests/friend_request:${cat.id}:${ann.id}/reject`,
    );
    expect(rejected).toMatchObject({ status: 200, body: { message: "Запрос отклонен" } });
  });

  it("DELETE /users/:id/friend ends it for both; not friends is a 400", async () => {
    const res = await call(ann, "DELETE", `/users/${cat.id}/friend`);
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    const again = await call(ann, "DELETE", `/users/${cat.id}/friend`);
    expect(again).toMatchObject({ status: 400, body: { error: "Пользователь не в друзьях" } });
  });
});

describe("blocks", () => {
  it("block / unblock with the original texts; a block hides the blocker from search", async () => {
    const self = await call(cat, "POST", `/users/${cat.id}/block`);
    expect(self).toMatchObject({
      status: 400,
      body: { error: "Нельзя заблокировать самого себя" },
    });
    expect((await call(cat, "POST", `/users/${ben.id}/block`)).body).toEqual({ success: true });
    const twice = await call(cat, "POST", `/users/${ben.id}/block`);
    expect(twice).toMatchObject({ status: 400, body: { error: "Пользователь уже заблокирован" } });
    const me = await call<{ user: { blocked_users: string[] } }>(cat, "GET", "/auth/me");
    expect(me.body.user.blocked_users).toEqual([ben.id]);
    const dm = await call(ben, "POST", "/dm/create", { userId: cat.id });
    expect(dm).toMatchObject({
      status: 400,
      body: { error: "Невозможно создать чат с этим пользователем" },
    });
    expect((await call(cat, "POST", `/users/${ben.id}/unblock`)).body).toEqual({ success: true });
    const again = await call(cat, "POST", `/users/${ben.id}/unblock`);
    expect(again).toMatchObject({
      status: 400,
      body: { error: "Пользователь не в списке заблокированных" },
    });
  });
});

describe("notifications", () => {
  it("read and delete own notifications; others' look missing", async () => {
    // Ben's request notice went when he accepted; Ann keeps "accepted".
    const [notice] = await notificationsOf(ann);
    const foreign = await call(cat, "POST", `/notifications/${notice!.id}/read`);
    expect(foreign).toMatchObject({ status: 400, body: { error: "Уведомление не найдено" } });
    const read = await call(ann, "POST", `/notifications/${notice!.id}/read`);
    expect(read.body).toEqual({ message: "Уведомление отмечено как прочитанное" });
    expect((await notificationsOf(ann)).find((n) => n.id === notice!.id)).toMatchObject({
      read: true,
    });
    const stolen = await call(cat, "DELETE", `/notifications/${notice!.id}`);
    expect(stolen.status).toBe(200);
    expect((await notificationsOf(ann)).map((n) => n.id)).toContain(notice!.id);
    const del = await call(ann, "DELETE", `/notifications/${notice!.id}`);
    expect(del.body).toEqual({ message: "Уведомление удалено" });
    const twice = await call(ann, "DELETE", `/notifications/${notice!.id}`);
    expect(twice.body).toEqual({ message: "Уведомление уже удалено" });
  });

  it("answers anonymous callers with its own 401 texts", async () => {
    const none = await legacyFetch(server, "GET", "/notifications", null);
    expect(none).toMatchObject({ status: 401, body: { error: "Missing authorization header" } });
    const anon = await call(null, "GET", "/notifications");
    expect(anon).toMatchObject({ status: 401, body: { error: "Недействительный токен" } });
  });
});

describe("polls sent as message text", () => {
  let roomId: string;
  let pollId: string;

  it("POST /messages type poll -> {message, poll} with poll id = message id", async () => {
    const room = await call<{ id: string }>(ann, "POST", "/rooms", {
      name: "Vote",
      type: "private",
    });
    roomId = room.body.id;
    await call(ann, "POST", `/rooms/${roomId}/invite`, { userId: ben.id });
    const res = await call<{
      message: { id: string; type: string };
      poll: Record<string, unknown>;
    }>(ann, "POST", "/messages", {
      roomId,
      type: "poll",
      content: "📊 Lunch? 🔒 [Анонимный]\n\n1. Pizza\n2. Soup",
    });
    expect(res.status).toBe(200);
    pollId = res.body.message.id;
    expect(res.body.message.type).toBe("poll");
    expect(res.body.poll).toMatchObject({
      id: pollId,
      message_id: pollId,
      question: "Lunch?",
      options: ["Pizza", "Soup"],
      anonymous: true,
      votes: { "0": [], "1": [] },
    });
    const bad = await call(ann, "POST", "/messages", {
      roomId,
      type: "poll",
      content: "📊 Q\n\n1. A",
    });
    expect(bad).toMatchObject({ status: 400, body: { error: "Неверный формат опроса" } });
  });

  it("POST /polls builds the same poll from fields; outsiders cannot", async () => {
    const res = await call<{ message: { content: string }; poll: Record<string, unknown> }>(
      ann,
      "POST",
      "/polls",
      { roomId, question: "Tea?", options: ["Yes", "No"], anonymous: false },
    );
    expect(res.status).toBe(200);
    expect(res.body.message.content).toBe("📊 Tea?\n\n1. Yes\n2. No");
    expect(res.body.poll).toMatchObject({
      question: "Tea?",
      options: ["Yes", "No"],
      anonymous: false,
    });
    const outsider = await call(cat, "POST", "/polls", {
      roomId,
      question: "X",
      options: ["a", "b"],
    });
    expect(outsider.status).toBe(400);
  });

  it("votes count, anonymous voters stay unnamed, outsiders get 404", async () => {
    const vote = await call(ben, "POST", `/polls/${pollId}/vote`, {
      optionIndex: 1,
    });
    expect(vote.status).toBe(200);
    expect(vote.body["votes"]).toEqual({ "0": [], "1": [ben.id] });
    const seenByAnn = await call<{ poll: { votes: Record<string, string[]> } }>(
      ann,
      "GET",
      `/polls/${pollId}`,
    );
    expect(seenByAnn.body.poll.votes).toEqual({ "0": [], "1": ["anonymous"] });
    expect(JSON.stringify(seenByAnn.body)).not.toContain(ben.id);
    const bad = await call(ben, "POST", `/polls/${pollId}/vote`, { optionIndex: 7 });
    expect(bad).toMatchObject({ status: 400, body: { error: "Недействительный вариант" } });
    const outsider = await call(cat, "GET", `/polls/${pollId}`);
    expect(outsider).toMatchObject({ status: 404, body: { error: "Опрос не найден" } });
    const outsiderVote = await call(cat, "POST", `/polls/${pollId}/vote`, { optionIndex: 0 });
    expect(outsiderVote.status).toBe(400);
  });
});

async function upload(user: LegacyUser | null, path: string, blob: Blob, name: string) {
  const form = new FormData();
  form.append("file", blob, name);
  const res = await fetch(server.url + LEGACY_PREFIX + path, {
    method: "POST",
    headers: { Authorization: `Bearer ${user ? user.token : ANON_KEY}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

// A 1x1 PNG.
const PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  ),
);

describe("files", () => {
  it("POST /storage/upload returns a permanent URL that keeps the extension", async () => {
    const res = await upload(
      ann,
      "/storage/upload",
      new Blob([new Uint8Array([26, 69, 223, 163])]),
      "voice.webm",
    );
    expect(res.status).toBe(200);
    const url = res.body["url"] as string;
    expect(url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/files\/compat_uploads\/[a-z0-9]+\/voice_[A-Za-z0-9]+\.webm$/,
    );
    const download = await fetch(url); // no token, no auth: it never expires
    expect(download.status).toBe(200);
    const none = await fetch(server.url + LEGACY_PREFIX + "/storage/upload", {
      method: "POST",
      headers: { Authorization: `Bearer ${ann.token}` },
      body: new FormData(),
    });
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: string }).error).toBe("Файл не предоставлен");
    const anon = await upload(null, "/storage/upload", new Blob(["x"]), "a.txt");
    expect(anon.status).toBe(401);
  });

  it("POST /profile/avatar takes images only and sets user.avatar", async () => {
    const res = await upload(
      ann,
      "/profile/avatar",
      new Blob([PNG], { type: "image/png" }),
      "me.png",
    );
    expect(res.status).toBe(200);
    expect(res.body["avatarUrl"]).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/files\/users\/[a-z0-9]+\/[A-Za-z0-9_]+\.png$/,
    );
    expect((res.body["user"] as { avatar: string }).avatar).toBe(res.body["avatarUrl"]);
    expect((await fetch(res.body["avatarUrl"] as string)).status).toBe(200);
    const text = await upload(
      ann,
      "/profile/avatar",
      new Blob(["<svg/>"], { type: "image/png" }),
      "x.png",
    );
    expect(text).toMatchObject({
      status: 400,
      body: { error: "Можно загружать только изображения" },
    });
  });
});

describe("profile", () => {
  it("PUT /profile maps legacy names and validates", async () => {
    const res = await call<{ user: Record<string, unknown> }>(ann, "PUT", "/profile", {
      display_name: "Ann A.",
      age: 30,
      privacySettings: { showGender: true, showAge: false, showInterests: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      display_name: "Ann A.",
      age: 30,
      privacySettings: { showAge: false },
    });
    const seen = await call<{ user: Record<string, unknown> }>(ben, "GET", `/users/${ann.id}`);
    expect(seen.body.user).toMatchObject({ display_name: "Ann A." });
    expect(seen.body.user).not.toHaveProperty("age");
    const bad = await call(ann, "PUT", "/profile", { age: -3 });
    expect(bad.status).toBe(400);
  });

  it("change-password checks the old one; the refresh token survives the rotation", async () => {
    const user = await legacySignup(server);
    const wrong = await call(user, "POST", "/profile/change-password", {
      oldPassword: "nope-nope",
      newPassword: "new-password-1",
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: "Неверный текущий пароль" } });
    const ok = await call(user, "POST", "/profile/change-password", {
      oldPassword: user.password,
      newPassword: "new-password-1",
    });
    expect(ok.body).toEqual({ message: "Пароль успешно изменен" });
    expect((await call(user, "GET", "/auth/me")).status).toBe(401);
    const refreshed = await legacyFetch<{ access_token: string }>(
      server,
      "POST",
      "/auth/refresh",
      ANON_KEY,
      {
        refresh_token: user.refreshToken,
      },
    );
    expect(refreshed.status).toBe(200);
    const signin = await legacyFetch(server, "POST", "/auth/signin", ANON_KEY, {
      email: user.email,
      password: "new-password-1",
    });
    expect(signin.status).toBe(200);
  });
});

describe("presence in the legacy user shape", () => {
  it("reaches room-mates, and nobody in a block relation, like the realtime presence topic", async () => {
    const [dan, eve] = [await legacySignup(server, "dan"), await legacySignup(server, "eve")];
    const room = await server.admin
      .collection("rooms")
      .create({ name: "mates", type: "private", createdBy: dan.id, keyVersion: 0 });
    for (const [user, role] of [
      [dan.id, "owner"],
      [eve.id, "member"],
    ]) {
      await server.admin.collection("room_members").create({ room: room.id, user, role });
    }
    const seen = async () =>
      (await call<{ user: object }>(eve, "GET", `/users/${dan.id}`)).body.user;
    expect(await seen()).toHaveProperty("status");
    expect((await call(dan, "POST", `/users/${eve.id}/block`)).body).toEqual({ success: true });
    const blocked = await seen();
    expect(blocked).not.toHaveProperty("status");
    expect(blocked).not.toHaveProperty("last_activity");
  });
});
