// Polls: members vote, change and retract; results never name the voters of an anonymous poll,
// not even through realtime; closed polls, deleted messages, outsiders and banned users are
// refused; concurrent voting ends with exactly one vote set per user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend, type PollResults } from "../../client/index.ts";
import type { PollsResponse, RoomsResponse, UsersResponse } from "../../types/pocketbase-types.ts";
import { api, failure, hoursFromNow } from "../support/api.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

interface Results {
  id: string;
  question: string;
  options: string[];
  anonymous: boolean;
  multiple: boolean;
  counts: number[];
  totalVoters: number;
  myVotes: number[];
  voters?: string[][];
}

const JAIL = "jailroom0000000";

let server: TestServer;
let alice: TestUser; // room owner, poll author
let bob: TestUser;
let muted: TestUser;
let outsider: TestUser;
let convict: TestUser; // banned, member of the room and the jail
let room: RoomsResponse;

interface PollSpec {
  question?: string;
  options?: string[];
  anonymous?: boolean;
  multiple?: boolean;
  closedAt?: string;
}

/** A poll message and its poll (same id), written as superuser like the send hook does. */
async function seedPoll(roomId: string, author: TestUser, spec: PollSpec = {}): Promise<string> {
  const question = spec.question ?? "Lunch?";
  const message = await server.admin
    .collection("messages")
    .create({ room: roomId, author: author.record.id, type: "poll", content: question });
  await server.admin.collection("polls").create({
    id: message.id,
    message: message.id,
    room: roomId,
    question,
    options: spec.options ?? ["Pizza", "Борщ", "Sushi"],
    anonymous: spec.anonymous ?? false,
    multiple: spec.multiple ?? false,
    closedAt: spec.closedAt ?? "",
    createdBy: author.record.id,
  });
  return message.id;
}

const results = (user: TestUser, id: string) => api<Results>(user.client, "GET", `/polls/${id}`);
const vote = (user: TestUser, id: string, options: unknown) =>
  api<Results>(user.client, "POST", `/polls/${id}/vote`, { options });
const retract = (user: TestUser, id: string) =>
  api<Results>(user.client, "DELETE", `/polls/${id}/vote`);
/** A signed-in user without a password sign-in (impersonation skips one password hash each). */
async function crowdMember(i: number): Promise<TestUser> {
  const username = `crowd${i}_${Math.random().toString(36).slice(2, 8)}`;
  const password = `password-${username}`;
  const record = await server.admin.collection("users").create<UsersResponse>({
    username,
    email: `${username}@konvert.test`,
    password,
    passwordConfirm: password,
    role: "user",
  });
  const client = await server.admin.collection("users").impersonate(record.id, 600);
  client.autoCancellation(false);
  return { record, client, password };
}

const votesOf = (pollId: string) =>
  server.admin.collection("poll_votes").getFullList<{ user: string; option: number }>({
    filter: `poll = "${pollId}"`,
  });

beforeAll(async () => {
  server = await startPocketBase();
  [alice, bob, outsider] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server),
  ]);
  muted = await createUser(server, { mutedUntil: hoursFromNow(2) });
  convict = await createUser(server, { bannedUntil: hoursFromNow(2) });
  room = await seedRoom(server, "private", [alice, bob, muted, convict], "Polls");
  await seedMembership(server, JAIL, convict);
});
afterAll(() => server.stop());

describe("creating", () => {
  it("saves the poll under its message's id when a poll message is sent", async () => {
    const message = await createPocketBaseBackend(bob.client).messages.sendPoll(room.id, {
      question: " Where to? ",
      options: ["Park", "Museum"],
      anonymous: true,
    });
    expect(await results(alice, message.id)).toMatchObject({
      id: message.id,
      message: message.id,
      room: room.id,
      question: "Where to?",
      options: ["Park", "Museum"],
      anonymous: true,
      multiple: false,
      createdBy: bob.record.id,
      counts: [0, 0],
    });
  });

  it("refuses a bad poll with a readable 400 and writes neither message nor poll", async () => {
    const before = await server.admin.collection("messages").getList(1, 1, {
      filter: `room = "${room.id}"`,
    });
    const cases: [unknown, RegExp][] = [
      [{ question: "Q", options: ["Only one"] }, /2 to 10 options/],
      [{ question: " ", options: ["a", "b"] }, /needs a question/],
      [{ question: "Q", options: ["Same", "same"] }, /appears twice/],
      [{ question: "Q", options: ["a", "b"], voters: [] }, /Unknown poll field: voters/],
    ];
    for (const [poll, message] of cases) {
      const error = await bob.client
        .collection("messages")
        .create({ room: room.id, type: "poll", content: "Q", poll })
        .catch((e: unknown) => e as { status: number; response: unknown });
      expect(error, JSON.stringify(poll)).toMatchObject({ status: 400 });
      expect(JSON.stringify((error as { response: unknown }).response)).toMatch(message);
    }
    const after = await server.admin.collection("messages").getList(1, 1, {
      filter: `room = "${room.id}"`,
    });
    expect(after.totalItems).toBe(before.totalItems);
  });
});

describe("voting", () => {
  it("counts, changes and retracts a single-choice vote", async () => {
    const poll = await seedPoll(room.id, alice);
    expect(await vote(bob, poll, [1])).toMatchObject({
      question: "Lunch?",
      options: ["Pizza", "Борщ", "Sushi"],
      counts: [0, 1, 0],
      totalVoters: 1,
      myVotes: [1],
      voters: [[], [bob.record.id], []],
    });
    await vote(alice, poll, [1]);
    expect(await vote(bob, poll, [2])).toMatchObject({ counts: [0, 1, 1], myVotes: [2] });
    expect(await retract(bob, poll)).toMatchObject({
      counts: [0, 1, 0],
      totalVoters: 1,
      myVotes: [],
    });
    expect(await retract(bob, poll)).toMatchObject({ counts: [0, 1, 0] }); // nothing left: no-op
    expect(await results(bob, poll)).toMatchObject({
      myVotes: [],
      voters: [[], [alice.record.id], []],
    });
    expect((await votesOf(poll)).map((v) => [v.user, v.option])).toEqual([[alice.record.id, 1]]);
  });

  it("replaces a multiple-choice vote set", async () => {
    const poll = await seedPoll(room.id, alice, { multiple: true });
    expect(await vote(bob, poll, [2, 0])).toMatchObject({ counts: [1, 0, 1], myVotes: [0, 2] });
    expect(await vote(bob, poll, [1])).toMatchObject({
      counts: [0, 1, 0],
      totalVoters: 1,
      myVotes: [1],
    });
  });

  it("refuses malformed votes with a readable 400 and writes nothing", async () => {
    const poll = await seedPoll(room.id, alice);
    await vote(bob, poll, [0]);
    const cases: [unknown, RegExp][] = [
      [undefined, /Choose one option/],
      [[], /Choose one option/],
      [[0, 1], /only one choice/],
      [["1"], /Choose one option/],
      [[3], /There is no option 3: choose 0 to 2/],
      [[-1], /There is no option -1/],
      [{ 0: true }, /Choose one option/],
    ];
    for (const [options, message] of cases) {
      const got = await failure(vote(bob, poll, options));
      expect(got, JSON.stringify(options)).toMatchObject({ status: 400 });
      expect(got.message).toMatch(message);
    }
    for (const body of [[0], "0", 7, null]) {
      const got = await failure(api(bob.client, "POST", `/polls/${poll}/vote`, body));
      expect(got, JSON.stringify(body)).toMatchObject({ status: 400 });
      expect(got.message).toMatch(/options/);
    }
    expect((await votesOf(poll)).map((v) => v.option)).toEqual([0]);
  });

  it("lets muted users vote: voting is reacting, not writing", async () => {
    const poll = await seedPoll(room.id, alice);
    expect(await vote(muted, poll, [0])).toMatchObject({ counts: [1, 0, 0] });
  });
});

describe("who may see and vote", () => {
  it("refuses anonymous callers and hides polls from non-members", async () => {
    const poll = await seedPoll(room.id, alice);
    const visitor = anonymousClient(server);
    for (const [method, body] of [
      ["GET", undefined],
      ["POST", { options: [0] }],
      ["DELETE", undefined],
    ] as const) {
      const path = method === "GET" ? `/polls/${poll}` : `/polls/${poll}/vote`;
      expect(await failure(api(visitor, method, path, body))).toMatchObject({ status: 401 });
      expect(await failure(api(outsider.client, method, path, body))).toMatchObject({
        status: 404,
        message: "Poll not found.",
      });
    }
    await expect(outsider.client.collection("polls").getOne(poll)).rejects.toMatchObject({
      status: 404,
    });
    expect(await outsider.client.collection("polls").getFullList()).toEqual([]);
    expect(await failure(results(bob, "nosuchpoll0000"))).toMatchObject({ status: 404 });
    expect(await votesOf(poll)).toEqual([]);
  });

  it("confines banned members to polls of the jail room", async () => {
    const poll = await seedPoll(room.id, alice);
    expect(await failure(vote(convict, poll, [0]))).toMatchObject({
      status: 403,
      message: "While banned you can only use the jail room.",
    });
    expect(await failure(results(convict, poll))).toMatchObject({ status: 403 });
    await expect(convict.client.collection("polls").getOne(poll)).rejects.toMatchObject({
      status: 404,
    });
    const jailPoll = await seedPoll(JAIL, convict);
    expect(await vote(convict, jailPoll, [2])).toMatchObject({ counts: [0, 0, 1] });
    expect((await convict.client.collection("polls").getOne(jailPoll)).id).toBe(jailPoll);
  });

  it("refuses votes on closed polls, keeps scheduled ones open", async () => {
    const closed = await seedPoll(room.id, alice, { closedAt: hoursFromNow(-1) });
    expect(await failure(vote(bob, closed, [0]))).toMatchObject({
      status: 400,
      message: "This poll is closed.",
    });
    expect(await results(bob, closed)).toMatchObject({ counts: [0, 0, 0] });
    const scheduled = await seedPoll(room.id, alice, { closedAt: hoursFromNow(1) });
    expect(await vote(bob, scheduled, [0])).toMatchObject({ counts: [1, 0, 0] });
    await server.admin.collection("polls").update(scheduled, { closedAt: hoursFromNow(-0.01) });
    expect(await failure(retract(bob, scheduled))).toMatchObject({
      status: 400,
      message: "This poll is closed.",
    });
  });

  it("treats the poll of a deleted message as gone", async () => {
    const poll = await seedPoll(room.id, alice);
    await vote(bob, poll, [0]);
    await server.admin.collection("messages").update(poll, { deletedAt: hoursFromNow(0) });
    expect(await failure(results(bob, poll))).toMatchObject({ status: 404 });
    expect(await failure(vote(bob, poll, [1]))).toMatchObject({ status: 404 });
    await expect(bob.client.collection("polls").getOne(poll)).rejects.toMatchObject({
      status: 404,
    });
    expect((await votesOf(poll)).map((v) => v.option)).toEqual([0]);
  });
});

describe("anonymity", () => {
  it("shows counts and the caller's own choice, never who else voted", async () => {
    const poll = await seedPoll(room.id, alice, { anonymous: true });
    await vote(muted, poll, [0]);
    const seen = await vote(bob, poll, [0]);
    expect(seen).toMatchObject({ counts: [2, 0, 0], totalVoters: 2, myVotes: [0] });
    expect(seen).not.toHaveProperty("voters");
    expect(JSON.stringify(seen)).not.toContain(muted.record.id);
    expect(JSON.stringify(await results(muted, poll))).not.toContain(bob.record.id);
    expect(JSON.stringify(await results(alice, poll))).not.toMatch(
      new RegExp(`${bob.record.id}|${muted.record.id}`),
    );
  });

  it("sends members an update event without votes, and nothing to anyone else", async () => {
    const poll = await seedPoll(room.id, alice, { anonymous: true });
    const member = await recordEvents<PollsResponse>(alice.client, "polls", "*");
    const stranger = await recordEvents<PollsResponse>(outsider.client, "polls", "*");
    const votesFeed = await recordEvents(alice.client, "poll_votes", "*");

    await vote(bob, poll, [1]);
    await waitUntil(() => member.events.length === 1, "the member's update event");
    const [event] = member.events;
    expect(event).toMatchObject({ action: "update", record: { id: poll } });
    expect(JSON.stringify(event)).not.toContain(bob.record.id);

    // A sentinel the outsider may see: anything leaked earlier would have arrived before it.
    const ownRoom = await seedRoom(server, "private", [outsider], "Own");
    const own = await seedPoll(ownRoom.id, outsider);
    await vote(outsider, own, [0]);
    await waitUntil(() => stranger.events.some((e) => e.record.id === own), "the sentinel");
    expect(new Set(stranger.events.map((e) => e.record.id))).toEqual(new Set([own]));
    expect(votesFeed.events).toEqual([]);
    await Promise.all([member, stranger, votesFeed].map((log) => log.unsubscribe()));
  });
});

describe("the typed client", () => {
  it("votes, retracts and hears about other members' votes", async () => {
    const poll = await seedPoll(room.id, alice, { multiple: true });
    const polls = createPocketBaseBackend(alice.client).polls!;
    const heard: PollResults[] = [];
    const off = await polls.subscribeToPoll(poll, (r) => heard.push(r));
    expect(await polls.vote(poll, [0, 1])).toMatchObject({ counts: [1, 1, 0], myVotes: [0, 1] });
    await createPocketBaseBackend(bob.client).polls!.vote(poll, [1]);
    await waitUntil(() => heard.some((r) => r.counts[1] === 2), "results after bob's vote");
    expect(heard.at(-1)).toMatchObject({
      myVotes: [0, 1],
      voters: [[alice.record.id], expect.any(Array), []],
    });
    expect(await polls.retractVote(poll)).toMatchObject({ counts: [0, 1, 0], myVotes: [] });
    await expect(polls.vote(poll, [7])).rejects.toMatchObject({ status: 400, field: "options" });
    await off();
  });
});

describe("concurrency", () => {
  it("20 users voting and changing at once end with one vote set each", async () => {
    const voters = await Promise.all(Array.from({ length: 20 }, (_, i) => crowdMember(i)));
    const crowd = await seedRoom(server, "private", [alice, ...voters], "Crowd");
    const single = await seedPoll(crowd.id, alice);
    const multiple = await seedPoll(crowd.id, alice, { multiple: true });

    await Promise.all(
      voters.map(async (user, i) => {
        await Promise.all([vote(user, single, [0]), vote(user, multiple, [0, 1])]);
        // a double submit and a change racing each other
        await Promise.all([vote(user, single, [i % 3]), vote(user, single, [i % 3])]);
        await vote(user, multiple, i % 2 === 0 ? [2] : [0, 2]);
      }),
    );

    const singleVotes = await votesOf(single);
    expect(singleVotes).toHaveLength(20);
    expect(new Set(singleVotes.map((v) => v.user)).size).toBe(20);
    const expected = [0, 1, 2].map((o) => voters.filter((_, i) => i % 3 === o).length);
    expect(await results(alice, single)).toMatchObject({ counts: expected, totalVoters: 20 });

    expect(await votesOf(multiple)).toHaveLength(30);
    expect(await results(alice, multiple)).toMatchObject({
      counts: [10, 0, 20],
      totalVoters: 20,
    });
  });
});
