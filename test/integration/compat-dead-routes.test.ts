// Legacy API routes the original UI no longer calls (spec §3.11 "DEAD"), served for any client that
// still does: R12 direct friend add, R31 legacy DM rooms, R42 in-room search, R67–R69 per-user
// E2EE keys. Each mapped onto the backend's own rules, and each tried as the wrong user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { legacyCalls, legacyFetch, legacySignup, type LegacyUser } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

type Room = Record<string, unknown> & { id: string; members: string[] };
type Message = Record<string, unknown> & { id: string; content: string };

let server: TestServer;
let ann: LegacyUser;
let ben: LegacyUser;
let cat: LegacyUser;
let dan: LegacyUser;

const call = legacyCalls(() => server);

/** Anonymous callers: the anon key and no bearer at all. */
async function expectSignInRequired(method: string, path: string, body?: unknown) {
  expect(await call(null, method, path, body)).toMatchObject({
    status: 401,
    body: { error: "Недействительный токен" },
  });
  expect(await legacyFetch(server, method, path, null, body)).toMatchObject({
    status: 401,
    body: { error: "Требуется авторизация" },
  });
}

/** Ann blocked dan: the route refuses both of them, whoever asks. */
async function expectRefusedAcrossBlock(
  path: (other: LegacyUser) => string,
  body: (other: LegacyUser) => unknown,
  error: string,
) {
  for (const [from, to] of [
    [ann, dan],
    [dan, ann],
  ] as const) {
    expect(await call(from, "POST", path(to), body(to))).toMatchObject({
      status: 400,
      body: { error },
    });
  }
}

async function privateRoom(owner: LegacyUser, members: LegacyUser[]): Promise<string> {
  const room = await call<Room>(owner, "POST", "/rooms", { name: "Team", type: "private" });
  for (const member of members) {
    await call(owner, "POST", `/rooms/${room.body.id}/invite`, { userId: member.id });
  }
  return room.body.id;
}

async function send(user: LegacyUser, roomId: string, content: string): Promise<Message> {
  const res = await call<Message>(user, "POST", "/messages", { roomId, content });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  server = await startPocketBase();
  await legacySignup(server, "chief"); // the first account is the admin
  ann = await legacySignup(server, "ann");
  ben = await legacySignup(server, "ben");
  cat = await legacySignup(server, "cat");
  dan = await legacySignup(server, "dan");
  expect((await call(ann, "POST", `/users/${dan.id}/block`)).status).toBe(200);
});
afterAll(() => server.stop());

describe("R12 POST /users/:id/friend", () => {
  it("sends a friend request; asking again changes nothing", async () => {
    expect(await call(ann, "POST", `/users/${ben.id}/friend`)).toMatchObject({
      status: 200,
      body: { success: true },
    });
    expect(await call(ann, "POST", `/users/${ben.id}/friend`)).toMatchObject({ status: 200 });
    const check = await call(ann, "GET", `/friend-requests/${ben.id}/check`);
    expect(check.body).toMatchObject({ pending: true });
    const notices = await call<{ notifications: Record<string, unknown>[] }>(
      ben,
      "GET",
      "/notifications",
    );
    expect(notices.body.notifications.filter((n) => n["type"] === "friend_request")).toHaveLength(
      1,
    );
  });

  it("the other side's add accepts; then both are friends", async () => {
    expect(await call(ben, "POST", `/users/${ann.id}/friend`)).toMatchObject({
      status: 200,
      body: { success: true },
    });
    const list = await call<{ friends: { id: string }[] }>(ann, "GET", "/users/friends/list");
    expect(list.body.friends.map((f) => f.id)).toEqual([ben.id]);
    expect(await call(ann, "POST", `/users/${ben.id}/friend`)).toMatchObject({
      status: 400,
      body: { error: "Пользователь уже в друзьях" },
    });
  });

  it("refuses oneself, missing users, blocks either way and anonymous callers", async () => {
    expect(await call(ann, "POST", `/users/${ann.id}/friend`)).toMatchObject({
      status: 400,
      body: { error: "Нельзя добавить себя в друзья" },
    });
    expect(await call(ann, "POST", `/users/nosuchuser12345/friend`)).toMatchObject({
      status: 400,
      body: { error: "Пользователь не найден" },
    });
    await expectRefusedAcrossBlock(
      (to) => `/users/${to.id}/friend`,
      () => undefined,
      "Невозможно добавить этого пользователя в друзья",
    );
    await expectSignInRequired("POST", `/users/${cat.id}/friend`);
  });
});

describe("R31 POST /rooms/dm", () => {
  it("opens the pair's live DM and shows it as a room of type dm", async () => {
    const res = await call<Room>(cat, "POST", "/rooms/dm", { userId: ben.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: "dm",
      name: "DM: cat & ben",
      created_by: cat.id,
    });
    const pair = [ben.id, cat.id].sort();
    expect([...res.body.members].sort()).toEqual(pair);
    expect(res.body["dm_participants"]).toEqual(pair);
    const again = await call<Room>(ben, "POST", "/rooms/dm", { userId: cat.id });
    expect(again.body.id).toBe(res.body.id);
    // the same conversation as the DM screen's
    const dms = await call<{ dms: { id: string }[] }>(ben, "GET", "/dm/list");
    expect(dms.body.dms.map((d) => d.id)).toEqual([[ben.id, cat.id].sort().join(":")]);
    expect((await call(ben, "GET", `/messages/${res.body.id}`)).status).toBe(200);
    expect(await call(ann, "GET", `/messages/${res.body.id}`)).toMatchObject({
      status: 403,
      body: { error: "Вы не являетесь участником комнаты" },
    });
  });

  it("refuses oneself, missing users, blocks either way and anonymous callers", async () => {
    expect(await call(cat, "POST", "/rooms/dm", { userId: cat.id })).toMatchObject({
      status: 400,
      body: { error: "Нельзя создать DM с самим собой" },
    });
    for (const userId of ["nosuchuser12345", undefined]) {
      expect(await call(cat, "POST", "/rooms/dm", { userId })).toMatchObject({
        status: 400,
        body: { error: "Пользователь не найден" },
      });
    }
    await expectRefusedAcrossBlock(
      () => "/rooms/dm",
      (to) => ({ userId: to.id }),
      "Невозможно создать чат с этим пользователем",
    );
    await expectSignInRequired("POST", "/rooms/dm", { userId: ben.id });
  });
});

describe("R42 GET /messages/:roomId/search", () => {
  let roomId: string;
  let first: Message;
  let last: Message;

  beforeAll(async () => {
    roomId = await privateRoom(ann, [ben]);
    first = await send(ann, roomId, "Планёрка завтра в десять");
    await send(ben, roomId, "обед в час");
    last = await send(ben, roomId, "планёрка перенесена");
    const gone = await send(ann, roomId, "планёрка отменена");
    expect((await call(ann, "DELETE", `/messages/${gone.id}`)).status).toBe(200);
    const elsewhere = await privateRoom(ann, [ben]);
    await send(ann, elsewhere, "планёрка в другой комнате");
  });

  it("finds the room's live messages for members, oldest first, in the legacy shape", async () => {
    const res = await call<{ messages: Message[] }>(
      ben,
      "GET",
      `/messages/${roomId}/search?q=${encodeURIComponent("ПЛАНЁРКА")}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m) => m.id)).toEqual([first.id, last.id]);
    expect(res.body.messages[0]).toMatchObject({
      room_id: roomId,
      sender_id: ann.id,
      sender_username: "ann",
      content: "Планёрка завтра в десять",
    });
    const blank = await call(ben, "GET", `/messages/${roomId}/search?q=`);
    expect(blank).toMatchObject({ status: 200, body: { messages: [] } });
  });

  it("answers non-members, missing rooms and anonymous callers with errors", async () => {
    expect(await call(cat, "GET", `/messages/${roomId}/search?q=obed`)).toMatchObject({
      status: 403,
      body: { error: "Вы не являетесь участником комнаты" },
    });
    expect(await call(cat, "GET", `/messages/nosuchroom12345/search?q=x`)).toMatchObject({
      status: 404,
      body: { error: "Комната не найдена" },
    });
    await expectSignInRequired("GET", `/messages/${roomId}/search?q=obed`);
  });
});

describe("R67–R69 per-user E2EE keys", () => {
  let roomId: string;

  beforeAll(async () => {
    roomId = await privateRoom(ann, [ben]);
  });

  it("PUT /users/public-key stores the caller's public key", async () => {
    expect(
      await call(ann, "PUT", "/users/public-key", { publicKey: "MIIBIjANBgkq" }),
    ).toMatchObject({ status: 200, body: { success: true } });
    const user = await server.admin.collection("users").getOne(ann.id);
    expect(user["publicKey"]).toBe("MIIBIjANBgkq");
    expect(await call(ann, "PUT", "/users/public-key", {})).toMatchObject({
      status: 400,
      body: { error: "Публичный ключ обязателен" },
    });
    await expectSignInRequired("PUT", "/users/public-key", { publicKey: "MIIB" });
  });

  it("the room owner wraps keys for members; each member reads only their own", async () => {
    expect(await call(ben, "GET", `/rooms/${roomId}/key`)).toMatchObject({
      status: 200,
      body: { encryptedKey: null },
    });
    const keys = { [ann.id]: "a2V5LWFubg==", [ben.id]: "a2V5LWJlbg==" };
    expect(await call(ann, "POST", `/rooms/${roomId}/keys`, { encryptedKeys: keys })).toMatchObject(
      { status: 200, body: { success: true } },
    );
    expect((await call(ben, "GET", `/rooms/${roomId}/key`)).body).toEqual({
      encryptedKey: "a2V5LWJlbg==",
    });
    expect((await call(ann, "GET", `/rooms/${roomId}/key`)).body).toEqual({
      encryptedKey: "a2V5LWFubg==",
    });
  });

  it("refuses plain members, outsiders, bad bodies, missing rooms and anonymous callers", async () => {
    const keys = { [ben.id]: "b3RoZXI=" };
    expect(await call(ben, "POST", `/rooms/${roomId}/keys`, { encryptedKeys: keys })).toMatchObject(
      { status: 400, body: { error: "Недостаточно прав для управления ключами комнаты" } },
    );
    expect(await call(cat, "POST", `/rooms/${roomId}/keys`, { encryptedKeys: keys })).toMatchObject(
      { status: 400, body: { error: "Недостаточно прав для управления ключами комнаты" } },
    );
    expect(await call(cat, "GET", `/rooms/${roomId}/key`)).toMatchObject({
      status: 400,
      body: { error: "Вы не являетесь участником комнаты" },
    });
    for (const encryptedKeys of [undefined, "text", {}]) {
      expect(await call(ann, "POST", `/rooms/${roomId}/keys`, { encryptedKeys })).toMatchObject({
        status: 400,
        body: { error: "Зашифрованные ключи обязательны" },
      });
    }
    expect(
      await call(ann, "POST", `/rooms/nosuchroom12345/keys`, { encryptedKeys: keys }),
    ).toMatchObject({ status: 400, body: { error: "Комната не найдена" } });
    expect(await call(ann, "GET", `/rooms/nosuchroom12345/key`)).toMatchObject({
      status: 400,
      body: { error: "Комната не найдена" },
    });
    await expectSignInRequired("GET", `/rooms/${roomId}/key`);
    await expectSignInRequired("POST", `/rooms/${roomId}/keys`, { encryptedKeys: keys });
    // ben's key is unchanged by the refused writes
    expect((await call(ben, "GET", `/rooms/${roomId}/key`)).body).toEqual({
      encryptedKey: "a2V5LWJlbg==",
    });
  });
});
