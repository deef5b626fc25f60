// One story over the legacy API alone, the way the original frontend drives it: two people sign
// up, talk in a room (mention, reaction, poll, pin, read), move to a DM, become friends, get
// moderated, earn an achievement, and keep their session across an expired access token.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ANON_KEY, jwtPayload, legacyFetch, legacySignup } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

/** Access tokens of this server live 15 s on its clock, which the story moves to watch one expire. */
const TTL_SECONDS = 15;

let server: TestServer;
beforeAll(async () => {
  process.env["KONVERT_COMPAT_ACCESS_TTL"] = String(TTL_SECONDS);
  server = await startPocketBase();
  delete process.env["KONVERT_COMPAT_ACCESS_TTL"];
});
afterAll(() => server.stop());

it("the whole story", { timeout: 45_000 }, async () => {
  const boss = await legacySignup(server, "boss"); // first account: admin
  const mia = await legacySignup(server, "mia");
  const leo = await legacySignup(server, "leo");
  const as = (token: string) => (method: string, path: string, body?: unknown) =>
    legacyFetch(server, method, path, token, body);
  const miaApi = as(mia.token);
  const leoApi = as(leo.token);

  const room = (await miaApi("POST", "/rooms", { name: "Trip", type: "private" })).body;
  const roomId = String(room["id"]);
  await miaApi("POST", `/rooms/${roomId}/invite`, { userId: leo.id });

  const hello = (await miaApi("POST", "/messages", { roomId, content: "@leo tickets?" })).body;
  expect(hello["mentions"]).toEqual([leo.id]);
  await leoApi("POST", `/messages/${String(hello["id"])}/react`, { emoji: "🎉" });
  const poll = await miaApi("POST", "/messages", {
    roomId,
    type: "poll",
    content: "📊 When?\n\n1. May\n2. June",
  });
  const pollId = (poll.body["poll"] as { id: string }).id;
  const voted = await leoApi("POST", `/polls/${pollId}/vote`, { optionIndex: 1 });
  expect(voted.body["votes"]).toEqual({ "0": [], "1": [leo.id] });
  const pinned = await miaApi("POST", `/rooms/${roomId}/pin`, { messageId: hello["id"] });
  expect(pinned.body["pinned_message_id"]).toBe(hello["id"]);

  let leoRoom = ((await leoApi("GET", "/rooms")).body["rooms"] as Record<string, unknown>[]).find(
    (r) => r["id"] === roomId,
  )!;
  expect(leoRoom["unread_count"]).toEqual({ [leo.id]: 2 });
  expect(leoRoom["unread_mentions"]).toEqual({ [leo.id]: 1 });
  await leoApi("POST", `/rooms/${roomId}/mark-read`, { clearMentions: true });
  leoRoom = ((await leoApi("GET", "/rooms")).body["rooms"] as Record<string, unknown>[]).find(
    (r) => r["id"] === roomId,
  )!;
  expect(leoRoom["unread_count"]).toEqual({ [leo.id]: 0 });

  const dm = (await leoApi("POST", "/dm/create", { userId: mia.id })).body;
  await leoApi("POST", `/dm/${String(dm["id"])}/messages`, { content: "privately: June!" });
  const miaDms = (await miaApi("GET", "/dm/list")).body["dms"] as Record<string, unknown>[];
  expect(miaDms[0]).toMatchObject({ id: dm["id"], unread_count: { [mia.id]: 1 } });

  await leoApi("POST", `/friend-requests/${mia.id}`);
  const [notice] = (await miaApi("GET", "/notifications")).body["notifications"] as {
    type: string;
    actionData: { requestKey: string };
  }[];
  expect(notice!.type).toBe("friend_request");
  await miaApi("POST", `/friend-requests/${notice!.actionData.requestKey}/accept`);
  const miaMe = (await miaApi("GET", "/auth/me")).body["user"] as { friends: string[] };
  expect(miaMe.friends).toEqual([leo.id]);

  const bossApi = as(boss.token);
  await bossApi("POST", `/users/${leo.id}/mute`, { hours: 1 });
  expect((await leoApi("POST", "/messages", { roomId, content: "x" })).body).toEqual({
    error: "Вы в муте",
  });
  await server.admin
    .collection("users")
    .update(leo.id, { mutedUntil: new Date(Date.now() - 1000).toISOString().replace("T", " ") });
  expect((await leoApi("POST", "/messages", { roomId, content: "back" })).status).toBe(200);
  await bossApi("POST", `/users/${leo.id}/ban`, { hours: 1 });
  const jailed = (await leoApi("GET", "/rooms")).body["rooms"] as { name: string }[];
  expect(jailed.map((r) => r.name)).toEqual(["🔒 Азкабан"]);
  await bossApi("POST", `/users/${leo.id}/unban`);

  const achievements = (await miaApi("GET", `/achievements/${mia.id}`)).body as {
    achievements: Record<string, { isUnlocked: boolean }>;
  };
  expect(achievements.achievements["first_message"]?.isUnlocked).toBe(true);

  // The access token expires; the client refreshes with its refresh token and the anon key.
  const session = await legacyFetch<{ access_token: string; refresh_token: string }>(
    server,
    "POST",
    "/auth/signin",
    ANON_KEY,
    { email: mia.email, password: mia.password },
  );
  const token = session.body.access_token;
  expect((jwtPayload(token)["exp"] as number) - Date.now() / 1000).toBeLessThanOrEqual(TTL_SECONDS);
  expect((await legacyFetch(server, "GET", "/rooms", token)).status).toBe(200);
  // PocketBase checks `exp` in real time; the hooks also check the token's expiry on the clock
  await server.setClock({ at: new Date(server.clockNow().getTime() + (TTL_SECONDS + 1) * 1000) });
  expect((await legacyFetch(server, "GET", "/rooms", token)).status).toBe(401);
  const refreshed = await legacyFetch<{ access_token: string; refresh_token: string }>(
    server,
    "POST",
    "/auth/refresh",
    ANON_KEY,
    { refresh_token: session.body.refresh_token },
  );
  expect(refreshed.status).toBe(200);
  const rooms = await legacyFetch(server, "GET", "/rooms", refreshed.body.access_token);
  expect(rooms.status).toBe(200);
});
