// Every way of writing in a room goes through one check (jsvm/access.ts requireWritable over
// rules/access.ts writeDenial): each actor tries each door, and gets the same answer a send gets.
// Before the access module, typing ignored mutes and DM blocks, reactions and votes ignored DM
// blocks, pins ignored mutes, and a forward read its source without the ban's confinement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api.ts";
import { seedMembership, seedMessage, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const FAR_FUTURE = "2999-01-01 00:00:00.000Z";
const DOORS = ["send", "forward", "edit", "react", "pin", "vote", "typing"] as const;
type Door = (typeof DOORS)[number];

interface Scene {
  me: TestUser;
  other: TestUser;
  room: string;
  /** A room where `me` is a member in good standing: the forward's source. */
  elsewhere: string;
  mine: string;
  theirs: string;
  poll: string;
  source: string;
}

async function statusOf(request: Promise<unknown>): Promise<number> {
  return (await answerOf(request)).status;
}

/** The status and, for a refusal, the action error's code (actions/errors.ts). */
async function answerOf(request: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await request;
    return { status: 200, code: "" };
  } catch (err) {
    const e = err as { status: number; response?: { code?: string } };
    return { status: e.status, code: e.response?.code ?? "(none)" };
  }
}

function knock(door: Door, s: Scene): Promise<unknown> {
  const c = s.me.client;
  switch (door) {
    case "send":
      return c.collection("messages").create({ room: s.room, content: "hi" });
    case "forward":
      return api(c, "POST", `/messages/${s.source}/forward`, { roomId: s.room });
    case "edit":
      return api(c, "PATCH", `/messages/${s.mine}`, { content: "edited" });
    case "react":
      return api(c, "POST", `/messages/${s.theirs}/reactions`, { emoji: "👍" });
    case "pin":
      return api(c, "POST", `/rooms/${s.room}/pin`, { messageId: s.theirs });
    case "vote":
      return api(c, "POST", `/polls/${s.poll}/vote`, { options: [0] });
    case "typing":
      return api(c, "POST", `/rooms/${s.room}/typing`);
  }
}

async function seedDm(a: TestUser, b: TestUser): Promise<string> {
  const [x, y] = [a.record.id, b.record.id].sort();
  const room = await server.admin
    .collection("rooms")
    .create({ type: "dm", dmKey: `${x}:${y}`, createdBy: a.record.id, keyVersion: 0 });
  await seedMembership(server, room.id, a, "member");
  await seedMembership(server, room.id, b, "member");
  return room.id;
}

async function scene(dm: boolean): Promise<Scene> {
  const [me, other] = await Promise.all([createUser(server), createUser(server)]);
  const room = dm ? await seedDm(me, other) : (await seedRoom(server, "private", [me, other])).id;
  const elsewhere = (await seedRoom(server, "private", [other, me])).id;
  const poll = await server.admin
    .collection("messages")
    .create({ room, author: other.record.id, type: "poll", content: "Lunch?" });
  await server.admin.collection("polls").create({
    id: poll.id,
    message: poll.id,
    room,
    question: "Lunch?",
    options: ["a", "b"],
    createdBy: other.record.id,
  });
  return {
    me,
    other,
    room,
    elsewhere,
    mine: (await seedMessage(server, room, me, "mine")).id,
    theirs: (await seedMessage(server, room, other, "theirs")).id,
    poll: poll.id,
    source: (await seedMessage(server, elsewhere, other, "to forward")).id,
  };
}

async function membershipId(room: string, user: TestUser): Promise<string> {
  const row = await server.admin
    .collection("room_members")
    .getFirstListItem(`room = '${room}' && user = '${user.record.id}'`);
  return row.id;
}

const OK = 200;
const all = <T>(answer: T): Record<Door, T> =>
  Object.fromEntries(DOORS.map((d) => [d, answer])) as Record<Door, T>;

const ACTORS: {
  who: string;
  dm?: boolean;
  loseRight: (s: Scene) => Promise<unknown>;
  expected: Record<Door, number>;
  /** The code of each refusal ("" where the door opens). */
  codes: Record<Door, string>;
}[] = [
  {
    who: "a member in good standing (the room's owner)",
    loseRight: async () => {},
    expected: all(OK),
    codes: all(""),
  },
  {
    who: "a member who left",
    loseRight: (s) => api(s.me.client, "POST", `/rooms/${s.room}/leave`),
    // a poll of a room one is not in is not there at all
    expected: { ...all(403), vote: 404 },
    codes: { ...all("room.not_member"), pin: "room.pin.not_member", vote: "poll.not_found" },
  },
  {
    who: "banned (confined to the jail)",
    loseRight: (s) =>
      server.admin.collection("users").update(s.me.record.id, { bannedUntil: FAR_FUTURE }),
    // the forward's source is out of reach too: not found, as for a non-member
    expected: { ...all(403), forward: 404 },
    codes: { ...all("user.banned"), forward: "message.not_found" },
  },
  {
    who: "muted globally",
    loseRight: (s) =>
      server.admin.collection("users").update(s.me.record.id, { mutedUntil: FAR_FUTURE }),
    expected: { ...all(403), react: OK, vote: OK },
    codes: { ...all("user.muted"), react: "", vote: "" },
  },
  {
    who: "muted in the room",
    loseRight: async (s) =>
      server.admin
        .collection("room_members")
        .update(await membershipId(s.room, s.me), { mutedUntil: FAR_FUTURE }),
    expected: { ...all(403), react: OK, vote: OK },
    codes: { ...all("room.muted"), react: "", vote: "" },
  },
  {
    who: "in a DM whose other side blocked them",
    dm: true,
    loseRight: (s) =>
      server.admin
        .collection("blocks")
        .create({ blocker: s.other.record.id, blocked: s.me.record.id }),
    expected: all(403),
    codes: { ...all("dm.blocked"), pin: "room.pin.forbidden" },
  },
  {
    who: "in a DM where they blocked the other side",
    dm: true,
    loseRight: (s) => api(s.me.client, "POST", `/blocks/${s.other.record.id}`),
    expected: all(403),
    codes: { ...all("dm.blocked"), pin: "room.pin.forbidden" },
  },
  {
    who: "in a DM with an open conversation",
    dm: true,
    loseRight: async () => {},
    // pins are for room owners, VIPs and staff; a DM has no owner
    expected: { ...all(OK), pin: 403 },
    codes: { ...all(""), pin: "room.pin.forbidden" },
  },
];

describe("each actor through each door", () => {
  for (const actor of ACTORS) {
    it(`${actor.who}: ${DOORS.map((d) => `${d} ${actor.expected[d]}`).join(", ")}`, async () => {
      const s = await scene(actor.dm === true);
      await actor.loseRight(s);
      const answers: Partial<Record<Door, number>> = {};
      const codes: Partial<Record<Door, string>> = {};
      for (const door of DOORS) {
        const answer = await answerOf(knock(door, s));
        answers[door] = answer.status;
        codes[door] = answer.code;
      }
      expect(answers).toEqual(actor.expected);
      expect(codes).toEqual(actor.codes);
    });
  }
});

describe("forwarding reads its source as a reader", () => {
  it("a banned user cannot copy a message of a room they are confined out of into the jail", async () => {
    const [me, other] = await Promise.all([createUser(server), createUser(server)]);
    const room = await seedRoom(server, "private", [other, me]);
    const secret = await seedMessage(server, room.id, other, "secret");
    await server.admin.collection("users").update(me.record.id, { bannedUntil: FAR_FUTURE });
    const jail = await server.admin.collection("rooms").getFirstListItem("system = 'jail'");
    await seedMembership(server, jail.id, me);
    expect(
      await answerOf(api(me.client, "POST", `/messages/${secret.id}/forward`, { roomId: jail.id })),
    ).toEqual({ status: 404, code: "message.not_found" });
    const copies = await server.admin
      .collection("messages")
      .getList(1, 1, { filter: `forwardedFrom = '${secret.id}'` });
    expect(copies.totalItems).toBe(0);
  });
});

// Reading a room: the same predicate (rules/access.ts canReadRoom) behind the routes, the records
// API's rule and search, for each actor.
const READ_DOORS = [
  "history",
  "poll",
  "records",
  "key",
  "publicKeys",
  "markRead",
  "search",
  "room",
] as const;
type ReadDoor = (typeof READ_DOORS)[number];

interface ReadScene {
  me: TestUser;
  room: string;
  poll: string;
  word: string;
}

async function count(
  request: Promise<{ totalItems?: number; items?: unknown[] }>,
): Promise<number> {
  const answer = await request;
  return answer.totalItems ?? answer.items?.length ?? 0;
}

function read(door: ReadDoor, s: ReadScene, godMode: boolean): Promise<number> {
  const c = s.me.client;
  switch (door) {
    case "history":
      return statusOf(api(c, "GET", `/rooms/${s.room}/messages${godMode ? "?as=admin" : ""}`));
    case "poll":
      return statusOf(api(c, "GET", `/polls/${s.poll}`));
    case "records":
      // the records API answers a list filtered by its rule: how many messages it shows
      return count(c.collection("messages").getList(1, 50, { filter: `room = '${s.room}'` }));
    case "key":
      return statusOf(api(c, "GET", `/rooms/${s.room}/key`));
    case "publicKeys":
      return statusOf(api(c, "GET", `/rooms/${s.room}/public-keys`));
    case "markRead":
      return statusOf(api(c, "POST", `/rooms/${s.room}/read`, {}));
    case "search":
      return count(api(c, "GET", `/search?q=${s.word}`));
    case "room":
      return statusOf(api(c, "GET", `/rooms/${s.room}`));
  }
}

const READER = {
  history: OK,
  poll: OK,
  records: 2,
  key: OK,
  publicKeys: OK,
  markRead: OK,
  search: 1,
  room: OK,
};
const OUTSIDER = {
  history: 403,
  poll: 404,
  records: 0,
  key: 403,
  publicKeys: 403,
  markRead: 403,
  search: 0,
  room: 404,
};

const READERS: {
  who: string;
  role?: "moderator" | "admin";
  member: boolean;
  godMode?: boolean;
  after?: (s: ReadScene) => Promise<unknown>;
  expected: Record<ReadDoor, number>;
}[] = [
  { who: "a member", member: true, expected: READER },
  { who: "a non-member", member: false, expected: OUTSIDER },
  {
    who: "a member who left",
    member: true,
    after: (s) => api(s.me.client, "POST", `/rooms/${s.room}/leave`),
    expected: OUTSIDER,
  },
  {
    who: "a member while banned",
    member: true,
    after: (s) =>
      server.admin.collection("users").update(s.me.record.id, { bannedUntil: FAR_FUTURE }),
    // confined: refused with the ban's reason rather than hidden
    expected: { ...OUTSIDER, poll: 403 },
  },
  {
    who: "a member muted globally and in the room (reading is not writing)",
    member: true,
    after: async (s) => {
      await server.admin.collection("users").update(s.me.record.id, { mutedUntil: FAR_FUTURE });
      await server.admin
        .collection("room_members")
        .update(await membershipId(s.room, s.me), { mutedUntil: FAR_FUTURE });
    },
    expected: READER,
  },
  { who: "a moderator who is not a member", role: "moderator", member: false, expected: OUTSIDER },
  { who: "an admin who is not a member", role: "admin", member: false, expected: OUTSIDER },
  {
    who: "an admin in god mode (history only, read-only)",
    role: "admin",
    member: false,
    godMode: true,
    expected: { ...OUTSIDER, history: OK },
  },
];

describe("each actor reading a private room", () => {
  for (const actor of READERS) {
    it(`${actor.who}: ${READ_DOORS.map((d) => `${d} ${actor.expected[d]}`).join(", ")}`, async () => {
      const [owner, me] = await Promise.all([
        createUser(server),
        createUser(server, actor.role ? { role: actor.role } : {}),
      ]);
      const room = await seedRoom(server, "private", actor.member ? [owner, me] : [owner]);
      const word = `needle${Math.random().toString(36).slice(2, 8)}`;
      const poll = await server.admin
        .collection("messages")
        .create({ room: room.id, author: owner.record.id, type: "poll", content: "Lunch?" });
      await server.admin.collection("polls").create({
        id: poll.id,
        message: poll.id,
        room: room.id,
        question: "Lunch?",
        options: ["a", "b"],
        createdBy: owner.record.id,
      });
      await seedMessage(server, room.id, owner, `a ${word} in the hay`);
      const s: ReadScene = { me, room: room.id, poll: poll.id, word };
      if (actor.after) await actor.after(s);
      const answers: Partial<Record<ReadDoor, number>> = {};
      for (const door of READ_DOORS) answers[door] = await read(door, s, actor.godMode === true);
      expect(answers).toEqual(actor.expected);
    });
  }
});
