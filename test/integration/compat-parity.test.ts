// A legacy route and its typed route are adapters over the same action: for the same wrong actor
// (member, non-member, banned, muted) both refuse with the same stable code. The typed API says
// it in `code` (and in `data.<field>.code` for field errors); the legacy API keeps the original's
// `{error}` body with the text of that code and names the code in a header.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEGACY_TEXTS } from "../../hooks-src/konvert/rules/compat-errors.ts";
import type { ErrorCode } from "../../hooks-src/konvert/rules/error-codes.ts";
import { legacyCalls, legacySignup, type LegacyUser } from "../support/legacy-api.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";

let server: TestServer;
const legacy = legacyCalls(() => server);

interface Typed {
  status: number;
  body: { code?: string; status?: number; message?: string; data?: Record<string, unknown> };
}

/** A typed-API call with the same account's token (legacy tokens are PocketBase auth tokens). */
async function typed(
  user: LegacyUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<Typed> {
  const response = await fetch(server.url + path, {
    method,
    headers: { "Content-Type": "application/json", Authorization: user.token },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: Typed["body"] = text === "" ? {} : (JSON.parse(text) as Typed["body"]);
  return { status: response.status, body: parsed };
}

interface Pair {
  typed: [string, string, unknown?];
  legacy: [string, string, unknown?];
}

/** Both routes refuse `actor` with `code`: the typed one with its status, the legacy one with 400. */
async function expectSameRefusal(actor: LegacyUser, pair: Pair, code: ErrorCode) {
  const [tMethod, tPath, tBody] = pair.typed;
  const [lMethod, lPath, lBody] = pair.legacy;
  const t = await typed(actor, tMethod, tPath, tBody);
  const l = await legacy(actor, lMethod, lPath, lBody);
  expect({ status: t.status >= 400, code: t.body.code }).toEqual({ status: true, code });
  expect(t.body.status).toBe(t.status);
  expect({
    status: l.status,
    code: l.headers.get("X-Konvert-Error-Code"),
    body: l.body,
  }).toEqual({ status: 400, code, body: { error: LEGACY_TEXTS[code] } });
}

let admin: LegacyUser; // the first account: admin
let alice: LegacyUser; // owner of the private room
let bob: LegacyUser; // a plain member
let carol: LegacyUser; // a member, banned below
let dave: LegacyUser; // a member, muted below
let outsider: LegacyUser; // in no room
let vip: LegacyUser;
let roomId: string;
let townId: string;
let aliceMessage: string;
let carolMessage: string;
let daveMessage: string;
let pollId: string;

beforeAll(async () => {
  server = await startPocketBase();
  admin = await legacySignup(server, "parity_admin");
  alice = await legacySignup(server, "parity_alice");
  bob = await legacySignup(server, "parity_bob");
  carol = await legacySignup(server, "parity_carol");
  dave = await legacySignup(server, "parity_dave");
  outsider = await legacySignup(server, "parity_outsider");
  vip = await legacySignup(server, "parity_vip");
  const room = await legacy<{ id: string }>(alice, "POST", "/rooms", {
    name: "Parity",
    type: "private",
  });
  roomId = room.body.id;
  for (const member of [bob, carol, dave]) {
    expect(
      (await legacy(alice, "POST", `/rooms/${roomId}/invite`, { userId: member.id })).status,
    ).toBe(200);
  }
  townId = (await legacy<{ id: string }>(admin, "POST", "/rooms", { name: "Town", type: "public" }))
    .body.id;
  const send = async (user: LegacyUser, content: string) =>
    (await legacy<{ id: string }>(user, "POST", "/messages", { roomId, content })).body.id;
  aliceMessage = await send(alice, "alice writes");
  carolMessage = await send(carol, "carol writes");
  daveMessage = await send(dave, "dave writes");
  const poll = await legacy<{ poll: { id: string } }>(alice, "POST", "/polls", {
    roomId,
    question: "Lunch?",
    options: ["Soup", "Salad"],
    anonymous: false,
  });
  pollId = poll.body.poll.id;
  expect((await legacy(admin, "POST", `/users/${carol.id}/ban`, { hours: 5 })).status).toBe(200);
  expect((await legacy(admin, "POST", `/users/${dave.id}/mute`, { hours: 5 })).status).toBe(200);
  expect((await legacy(admin, "PUT", `/users/${vip.id}/role`, { role: "vip" })).status).toBe(200);
});
afterAll(() => server.stop());

describe("the same wrong actor gets the same code from both APIs", () => {
  it("send", async () => {
    const pair = (content: string): Pair => ({
      typed: ["POST", "/api/collections/messages/records", { room: roomId, content }],
      legacy: ["POST", "/messages", { roomId, content }],
    });
    await expectSameRefusal(outsider, pair("let me in"), "room.not_member");
    await expectSameRefusal(carol, pair("from jail"), "user.banned");
    await expectSameRefusal(dave, pair("muted"), "user.muted");
    await expectSameRefusal(bob, pair("   "), "message.content.empty");
  });

  it("edit", async () => {
    const pair = (id: string): Pair => ({
      typed: ["PATCH", `/api/konvert/messages/${id}`, { content: "changed" }],
      legacy: ["PUT", `/messages/${id}`, { content: "changed" }],
    });
    await expectSameRefusal(bob, pair(aliceMessage), "message.edit.not_author");
    await expectSameRefusal(outsider, pair(aliceMessage), "message.edit.not_author");
    await expectSameRefusal(carol, pair(carolMessage), "user.banned");
    await expectSameRefusal(dave, pair(daveMessage), "user.muted");
  });

  it("delete", async () => {
    const pair: Pair = {
      typed: ["DELETE", `/api/konvert/messages/${aliceMessage}`],
      legacy: ["DELETE", `/messages/${aliceMessage}`],
    };
    await expectSameRefusal(bob, pair, "message.delete.forbidden");
    await expectSameRefusal(outsider, pair, "message.delete.forbidden");
    const gone: Pair = {
      typed: ["DELETE", "/api/konvert/messages/nosuchmessage00"],
      legacy: ["DELETE", "/messages/nosuchmessage00"],
    };
    await expectSameRefusal(bob, gone, "message.not_found");
  });

  it("react", async () => {
    const pair = (emoji: string): Pair => ({
      typed: ["POST", `/api/konvert/messages/${aliceMessage}/reactions`, { emoji }],
      legacy: ["POST", `/messages/${aliceMessage}/react`, { emoji }],
    });
    await expectSameRefusal(outsider, pair("👍"), "room.not_member");
    await expectSameRefusal(carol, pair("👍"), "user.banned");
    await expectSameRefusal(bob, pair("not an emoji"), "reaction.emoji.invalid");
  });

  it("poll vote", async () => {
    const pair = (option: number): Pair => ({
      typed: ["POST", `/api/konvert/polls/${pollId}/vote`, { options: [option] }],
      legacy: ["POST", `/polls/${pollId}/vote`, { optionIndex: option }],
    });
    await expectSameRefusal(outsider, pair(0), "poll.not_found");
    await expectSameRefusal(carol, pair(0), "user.banned");
    await expectSameRefusal(bob, pair(7), "poll.option.invalid");
  });

  it("join and leave", async () => {
    const join = (id: string): Pair => ({
      typed: ["POST", `/api/konvert/rooms/${id}/join`],
      legacy: ["POST", `/rooms/${id}/join`],
    });
    await expectSameRefusal(outsider, join(roomId), "room.join.private");
    await expectSameRefusal(carol, join(townId), "user.banned");
    await expectSameRefusal(outsider, join("nosuchroom00000"), "room.not_found");
    const leave = (id: string): Pair => ({
      typed: ["POST", `/api/konvert/rooms/${id}/leave`],
      legacy: ["POST", `/rooms/${id}/leave`],
    });
    await expectSameRefusal(outsider, leave(roomId), "room.not_member");
    const favorites = await legacy<{ id: string }>(bob, "POST", "/rooms/favorites");
    await expectSameRefusal(bob, leave(favorites.body.id), "room.leave.favorites");
  });

  it("ban", async () => {
    const ban = (id: string): Pair => ({
      typed: ["POST", `/api/konvert/users/${id}/ban`, { hours: 2 }],
      legacy: ["POST", `/users/${id}/ban`, { hours: 2 }],
    });
    await expectSameRefusal(bob, ban(alice.id), "moderation.staff_only");
    await expectSameRefusal(admin, ban(admin.id), "moderation.self");
    await expectSameRefusal(admin, ban(vip.id), "moderation.vip");
    await expectSameRefusal(admin, ban("nosuchuser00000"), "user.not_found");
  });
});

describe("typed errors", () => {
  it("carry the code at the top and in the field's entry, as PocketBase shapes field errors", async () => {
    const res = await typed(bob, "POST", `/api/konvert/messages/${aliceMessage}/reactions`, {
      emoji: "no",
    });
    expect(res).toEqual({
      status: 400,
      body: {
        status: 400,
        code: "reaction.emoji.invalid",
        message: "Reactions must be a single emoji.",
        data: {
          emoji: { code: "reaction.emoji.invalid", message: "Reactions must be a single emoji." },
        },
      },
    });
  });

  it("in a batch, roll the batch back and name the code in the failed request's data", async () => {
    const res = await typed(outsider, "POST", "/api/batch", {
      requests: [
        {
          method: "POST",
          url: "/api/collections/messages/records",
          body: { room: roomId, content: "batch" },
        },
      ],
    });
    expect(res.status).toBe(400);
    const failed = (res.body.data as { requests: Record<string, { response: unknown }> }).requests[
      "0"
    ]!.response as { status: number; data: Record<string, { code: string }> };
    expect(failed.status).toBe(403);
    expect(failed.data["code"]!.code).toBe("room.not_member");
  });
});
