// Fields only their owner may learn cannot be read by anyone else through any door of the records
// API: not in responses, not by filtering or sorting on them (an oracle: "is Alice's key
// 'abc…'?"), not through expand, `fields=`, the batch API or realtime. The owner still sees them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PocketBase from "pocketbase";
import type {
  RoomMembersResponse,
  RoomsResponse,
  UsersResponse,
} from "../../types/pocketbase-types.ts";
import { api, failure } from "../support/api.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { seedMessage, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
let alice: TestUser; // owner of the room
let bob: TestUser; // another member
let stranger: TestUser; // not in the room
let room: RoomsResponse;
let aliceRow: RoomMembersResponse;

const ALICE_KEY = "YWxpY2Uta2V5LXdyYXBwZWQ=";
const BOB_KEY = "Ym9iLWtleS13cmFwcGVk";

beforeAll(async () => {
  server = await startPocketBase();
  [alice, bob, stranger] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server),
  ]);
  room = await seedRoom(server, "private", [alice, bob]);
  await api(alice.client, "PUT", `/rooms/${room.id}/keys`, {
    encryptedKeys: { [alice.record.id]: ALICE_KEY, [bob.record.id]: BOB_KEY },
  });
  await seedMessage(server, room.id, bob, "one");
  await api(alice.client, "POST", `/rooms/${room.id}/read`, {});
  aliceRow = await server.admin
    .collection("room_members")
    .getFirstListItem<RoomMembersResponse>(`room = "${room.id}" && user = "${alice.record.id}"`);
});
afterAll(() => server.stop());

/** Each owner-only field of a membership, with a filter that is true of Alice's row. */
const MEMBER_ORACLES: Record<string, string> = {
  encryptedKey: `encryptedKey ~ "${ALICE_KEY.slice(0, 3)}"`,
  keyVersion: "keyVersion >= 0",
  lastReadAt: 'lastReadAt > "2000-01-01"',
  readSeq: "readSeq >= 1",
  mentionsReadAt: 'mentionsReadAt > "2000-01-01"',
  reactionsReadAt: 'reactionsReadAt > "2000-01-01"',
  hidden: "hidden = false",
  mutedUntil: 'mutedUntil = ""',
  updated: 'updated > "2000-01-01"',
};
const MEMBER_FIELDS = Object.keys(MEMBER_ORACLES);

async function status(request: Promise<unknown>): Promise<number> {
  return (await failure(request)).status;
}

type WithMembers = RoomsResponse & { expand?: { room_members_via_room?: RoomMembersResponse[] } };

function memberships(client: PocketBase, options: Record<string, string>) {
  return client.collection("room_members").getFullList<RoomMembersResponse>(options);
}

describe("room_members: keys, read positions, hiding, mutes and `updated`", () => {
  it("cannot be filtered or sorted on by another member or a stranger", async () => {
    for (const [field, oracle] of Object.entries(MEMBER_ORACLES)) {
      for (const who of [bob, stranger]) {
        const filter = `user = "${alice.record.id}" && ${oracle}`;
        expect(await status(memberships(who.client, { filter })), `${field} filter`).toBe(400);
        expect(await status(memberships(who.client, { sort: field })), `${field} sort`).toBe(400);
      }
    }
  });

  it("cannot be reached from other collections' filters", async () => {
    const rooms = (client: PocketBase, filter: string) =>
      client.collection("rooms").getFullList({ filter });
    const users = (client: PocketBase, filter: string) =>
      client.collection("users").getFullList({ filter });
    for (const [field, oracle] of Object.entries(MEMBER_ORACLES)) {
      const via = oracle.replace(field, `room_members_via_room.${field}`);
      expect(await status(rooms(bob.client, via)), `rooms by ${field}`).toBe(400);
      const viaUser = oracle.replace(field, `room_members_via_user.${field}`);
      expect(await status(users(bob.client, viaUser)), `users by ${field}`).toBe(400);
      const collection = oracle.replace(field, `@collection.room_members.${field}`);
      expect([400, 403], `@collection ${field}`).toContain(
        await status(rooms(bob.client, collection)),
      );
    }
  });

  it("are left out of lists, views, `fields=` and expands for everyone but the owner", async () => {
    const fields = ["id", "user", ...MEMBER_FIELDS].join(",");
    const listed = await memberships(bob.client, { filter: `room = "${room.id}"`, fields });
    const viewed = await bob.client.collection("room_members").getOne(aliceRow.id, { fields });
    const expanded = await bob.client
      .collection("rooms")
      .getOne<WithMembers>(room.id, { expand: "room_members_via_room" });
    const viaMessage = await bob.client
      .collection("messages")
      .getFullList<{ expand?: { room?: WithMembers } }>({
        filter: `room = "${room.id}"`,
        expand: "room.room_members_via_room",
      });
    const others = [
      ...listed.filter((r) => r.user === alice.record.id),
      viewed,
      ...(expanded.expand?.room_members_via_room ?? []).filter((r) => r.user === alice.record.id),
      ...(viaMessage[0]?.expand?.room?.expand?.room_members_via_room ?? []),
    ];
    expect(others.length).toBeGreaterThanOrEqual(3);
    expect(expanded.expand?.room_members_via_room).toHaveLength(2);
    for (const row of others) {
      const r = row as Record<string, unknown>;
      if (r["user"] === bob.record.id) continue;
      for (const field of MEMBER_FIELDS) expect(row, field).not.toHaveProperty(field);
    }
    expect(JSON.stringify([listed, viewed, expanded, viaMessage])).not.toContain(ALICE_KEY);
  });

  it("are shown to their owner, in lists, expands, the key route and the data export", async () => {
    const own = await memberships(alice.client, { filter: `room = "${room.id}"` });
    const mine = own.find((r) => r.user === alice.record.id);
    if (!mine) throw new Error("Alice's own row is missing");
    expect(mine).toMatchObject({ encryptedKey: ALICE_KEY, keyVersion: 0, hidden: false });
    expect(mine.readSeq).toBeGreaterThanOrEqual(1);
    expect(mine.lastReadAt).not.toBe("");
    expect(mine.updated).not.toBe("");
    const other = own.find((r) => r.user === bob.record.id)!;
    for (const field of MEMBER_FIELDS) expect(other, field).not.toHaveProperty(field);

    const expanded = await alice.client
      .collection("rooms")
      .getOne<WithMembers>(room.id, { expand: "room_members_via_room" });
    const ownExpanded = expanded.expand?.room_members_via_room?.find(
      (r) => r.user === alice.record.id,
    );
    expect(ownExpanded?.encryptedKey).toBe(ALICE_KEY);

    expect(await api(alice.client, "GET", `/rooms/${room.id}/key`)).toEqual({
      encryptedKey: ALICE_KEY,
      keyVersion: 0,
      roomKeyVersion: 0,
    });
    const exported = await api<{ memberships: RoomMembersResponse[] }>(
      alice.client,
      "GET",
      "/account/export",
    );
    expect(exported.memberships.find((m) => m.room === room.id)).toMatchObject({
      encryptedKey: ALICE_KEY,
      readSeq: mine.readSeq,
      lastReadAt: mine.lastReadAt,
    });
  });

  it("are out of reach of the batch API", async () => {
    const update = bob.client.createBatch();
    update.collection("room_members").update(aliceRow.id, { readSeq: 0 });
    expect([400, 403, 404]).toContain(await status(update.send()));

    const send = bob.client.createBatch();
    send
      .collection("messages")
      .create(
        { room: room.id, content: "batched", type: "text" },
        { expand: "room.room_members_via_room", fields: `*,expand.room.expand.*` },
      );
    const answers = await send.send().catch((err: unknown) => err);
    expect(JSON.stringify(answers)).not.toContain(ALICE_KEY);
    expect(JSON.stringify(answers)).not.toContain("readSeq");
  });

  it("do not reach other members in realtime: a read is not announced to them", async () => {
    await seedMessage(server, room.id, bob, "two");
    const bobSees = await recordEvents<RoomMembersResponse>(bob.client, "room_members", "*");
    const aliceSees = await recordEvents<RoomMembersResponse>(alice.client, "room_members", "*");
    await api(alice.client, "POST", `/rooms/${room.id}/read`, {});
    await waitUntil(() => aliceSees.events.length > 0, "Alice's own membership event");
    expect(aliceSees.events[0]?.record.user).toBe(alice.record.id);
    expect(aliceSees.events[0]?.record.readSeq).toBeGreaterThanOrEqual(2);
    await api(bob.client, "POST", `/rooms/${room.id}/read`, {});
    await waitUntil(() => bobSees.events.length > 0, "Bob's own membership event");
    await Promise.all([bobSees.unsubscribe(), aliceSees.unsubscribe()]);
    expect(bobSees.events.map((e) => e.record.user)).toEqual([bob.record.id]);
    expect(bobSees.events[0]?.record.encryptedKey).toBe(BOB_KEY);
  });
});

describe("users: e-mail, `updated` and the profile fields the schema hides", () => {
  // shown to some other users by the enrich hook (privacy settings, presence among room-mates,
  // moderation state to staff), but never usable in a filter or sort by anyone but superusers
  const HIDDEN = [
    "updated",
    "lastActiveAt",
    "status",
    "bannedUntil",
    "banReason",
    "mutedUntil",
    "gender",
    "age",
    "interests",
    "privacy",
    "timezone",
    "deletedAt",
    "legacyId",
    "searchText",
  ];
  // what neither a room-mate nor a stranger sees of another user's profile
  const NOT_SHOWN = HIDDEN.filter((f) => !["gender", "age", "interests"].includes(f));

  it("cannot be filtered or sorted on by other users, directly or through a relation", async () => {
    await api(alice.client, "POST", "/presence/heartbeat", {});
    const users = (options: Record<string, string>) =>
      bob.client.collection("users").getFullList(options);
    const viaMember = (options: Record<string, string>) =>
      bob.client.collection("room_members").getFullList(options);
    for (const field of HIDDEN) {
      expect(await status(users({ filter: `${field} != "x"` })), `${field} filter`).toBe(400);
      expect(await status(users({ sort: field })), `${field} sort`).toBe(400);
      expect(await status(viaMember({ sort: `user.${field}` })), `user.${field} sort`).toBe(400);
      const messages = bob.client
        .collection("messages")
        .getFullList({ filter: `author.${field} != "x"` });
      expect(await status(messages), `author.${field}`).toBe(400);
    }
  });

  it("e-mail: a filter matches only public addresses, and no list sorts by it", async () => {
    const domain = alice.record.email.split("@")[1]!;
    expect(
      await bob.client.collection("users").getFullList({ filter: `email ~ "${domain}"` }),
    ).toEqual([]);
    const viaUser = `user.email ~ "${domain}"`;
    expect(await memberships(bob.client, { filter: viaUser })).toEqual([]);
    for (const sort of ["email", "-email", "id,+email", "user.email", "user.email:lower"]) {
      const request = sort.startsWith("user")
        ? memberships(bob.client, { sort })
        : bob.client.collection("users").getFullList({ sort });
      expect(await failure(request), sort).toEqual({
        status: 400,
        message: "Lists cannot be sorted by e-mail address.",
      });
    }
    for (const sort of ["created", "-emailVisibility,username"]) {
      await expect(bob.client.collection("users").getFullList({ sort })).resolves.toBeDefined();
    }
    await expect(
      server.admin.collection("users").getList(1, 1, { sort: "email" }),
    ).resolves.toBeDefined();
  });

  it("are left out of other users' views and expands; the owner sees e-mail and `updated`", async () => {
    const viewed = await stranger.client.collection("users").getOne<UsersResponse>(alice.record.id);
    const expanded = await bob.client
      .collection("room_members")
      .getFullList<RoomMembersResponse<{ user: UsersResponse }>>({
        filter: `room = "${room.id}"`,
        expand: "user",
        fields: "*,expand.user.*",
      });
    const aliceExpanded = expanded.find((r) => r.user === alice.record.id)?.expand.user;
    for (const field of ["email", ...NOT_SHOWN]) {
      expect(viewed, field).not.toHaveProperty(field);
      if (!["lastActiveAt", "status"].includes(field)) {
        expect(aliceExpanded, field).not.toHaveProperty(field); // presence is for room-mates
      }
    }
    const self = await alice.client.collection("users").getOne<UsersResponse>(alice.record.id);
    expect(self.email).toBe(alice.record.email);
    expect(self.updated).not.toBe("");
    const auth = await alice.client.collection("users").authRefresh();
    expect(auth.record["email"]).toBe(alice.record.email);
    expect(auth.record["updated"]).not.toBe("");
  });
});

describe("other collections", () => {
  it("votes, stats and achievements of others cannot be reached through relations", async () => {
    const bad = [
      ["polls", `poll_votes_via_poll.user = "${alice.record.id}"`],
      ["users", "user_stats_via_user.messagesSent > 0"],
      ["messages", `seq > 0`],
      ["messages", `mentions_via_message.user = "${alice.record.id}"`],
      ["rooms", `pins_via_room.pinnedBy = "${alice.record.id}"`],
    ] as const;
    for (const [collection, filter] of bad) {
      const request = bob.client.collection(collection).getFullList({ filter });
      expect(await status(request), `${collection}: ${filter}`).toBe(400);
    }
    // readable only by their owner: a join applies that rule, so nothing of Alice's matches
    const none = [
      ["users", `id = "${alice.record.id}" && user_achievements_via_user.progress >= 0`],
      ["users", `id = "${alice.record.id}" && notifications_via_recipient.id != ""`],
      ["users", `id = "${alice.record.id}" && blocks_via_blocker.id != ""`],
      ["notifications", `recipient = "${alice.record.id}"`],
      ["user_achievements", `user = "${alice.record.id}"`],
    ] as const;
    await server.admin.collection("blocks").create({
      blocker: alice.record.id,
      blocked: stranger.record.id,
    });
    for (const [collection, filter] of none) {
      const rows = await bob.client.collection(collection).getFullList({ filter });
      expect(rows, `${collection}: ${filter}`).toEqual([]);
    }
  });
});
