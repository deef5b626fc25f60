// Polls as the import writes them (issue #22): the poll keeps an id of its own, while the original
// app addresses it by its message's id. Both ids reach the same poll, through the legacy and the
// typed routes, with its imported votes, and votes reach the room's realtime topic.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsOf, type RealtimeMessage } from "../../hooks-src/konvert/rules/realtime.ts";
import { api } from "../support/api.ts";
import { legacyFetch } from "../support/legacy-api.ts";
import { waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

async function legacyToken(user: TestUser): Promise<string> {
  const res = await legacyFetch<{ access_token: string }>(
    server,
    "POST",
    "/auth/signin",
    undefined,
    {
      email: user.record.email,
      password: user.password,
    },
  );
  expect(res.status).toBe(200);
  return res.body.access_token;
}

/** A poll message with its own poll id and votes, as the import writes them. */
async function importedPoll(
  roomId: string,
  author: TestUser,
  votes: [TestUser, number][],
  shape: { anonymous: boolean; multiple: boolean },
) {
  const message = await server.admin.collection("messages").create({
    room: roomId,
    author: author.record.id,
    type: "poll",
    content: "Lunch?",
  });
  const poll = await server.admin.collection("polls").create({
    message: message.id,
    room: roomId,
    question: "Lunch?",
    options: ["soup", "salad", "both"],
    createdBy: author.record.id,
    ...shape,
  });
  expect(poll.id).not.toBe(message.id);
  for (const [voter, option] of votes) {
    await server.admin
      .collection("poll_votes")
      .create({ poll: poll.id, user: voter.record.id, option });
  }
  return { messageId: message.id, pollId: poll.id };
}

describe("an imported poll", () => {
  for (const shape of [
    { anonymous: false, multiple: false },
    { anonymous: true, multiple: true },
  ]) {
    it(`shows its votes and takes new ones by its message's id (${JSON.stringify(shape)})`, async () => {
      const [author, voter, me] = await Promise.all([
        createUser(server),
        createUser(server),
        createUser(server),
      ]);
      const room = await seedRoom(server, "private", [author, voter, me]);
      const { messageId, pollId } = await importedPoll(room.id, author, [[voter, 0]], shape);
      const token = await legacyToken(me);
      const heard: string[] = [];
      await me.client.realtime.subscribe(`room/${room.id}`, (m: RealtimeMessage) => {
        for (const event of eventsOf(m)) if (event.type === "poll") heard.push(event.poll);
      });

      const shown = await legacyFetch<{ poll: { votes: Record<string, string[]> } }>(
        server,
        "GET",
        `/polls/${messageId}`,
        token,
      );
      expect(shown.status).toBe(200);
      expect(shown.body.poll.votes["0"]).toHaveLength(1);
      expect(shown.body.poll.votes["0"]).toEqual([shape.anonymous ? "anonymous" : voter.record.id]);

      const voted = await legacyFetch<{ votes: Record<string, string[]> }>(
        server,
        "POST",
        `/polls/${messageId}/vote`,
        token,
        { optionIndex: 1 },
      );
      expect(voted.status).toBe(200);
      expect(voted.body.votes["1"]).toEqual([me.record.id]);
      await waitUntil(() => heard.includes(pollId), "the vote on the room topic");

      // the typed routes take either id too
      const byPollId = await api<{ counts: number[]; myVotes: number[] }>(
        me.client,
        "GET",
        `/polls/${pollId}`,
      );
      expect(byPollId.counts).toEqual([1, 1, 0]);
      expect(byPollId.myVotes).toEqual([1]);
      const retracted = await api<{ counts: number[] }>(
        me.client,
        "DELETE",
        `/polls/${messageId}/vote`,
      );
      expect(retracted.counts).toEqual([1, 0, 0]);
      await me.client.realtime.unsubscribe();
    });
  }
});
