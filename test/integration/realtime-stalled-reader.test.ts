// A connection that stops reading (a frozen device, or someone doing it on purpose) must not hold
// anyone else's events or requests. PocketBase hands each message to the connection's goroutine
// and that goroutine writes with no deadline, so once the socket's buffers are full every send to
// it waits; the server releases such a send after a few seconds by dropping that connection.
// The stalled client is a Python process with a tiny receive buffer (test/support), so a few
// hundred kilobytes fill its buffers.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import { eventsOf, type RealtimeMessage } from "../../hooks-src/konvert/rules/realtime.ts";
import { waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

const STALLED_READER = fileURLToPath(new URL("../support/stalled-reader.py", import.meta.url));

/** A connection of `user` on `topics` that never reads after subscribing. */
async function stalledReader(user: TestUser, topics: string[]): Promise<void> {
  const port = new URL(server.url).port;
  const child = spawn("python3", [STALLED_READER, port, user.client.authStore.token, ...topics]);
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`stalled reader exited with ${code}`)));
  });
}

/** Message ids a healthy client hears on the room topic. */
async function hear(user: TestUser, roomId: string): Promise<Set<string>> {
  const heard = new Set<string>();
  await user.client.realtime.subscribe(`room/${roomId}`, (message: RealtimeMessage) => {
    for (const event of eventsOf(message)) {
      if (event.type === "message") heard.add(String(event.record["id"]));
    }
  });
  return heard;
}

const BIG = "x".repeat(9_000);

/** `perSender` large messages from each sender, all at once; their ids. */
async function flood(senders: TestUser[], roomId: string, perSender: number): Promise<string[]> {
  const ids = await Promise.all(
    senders.map(async (sender) => {
      const backend = createPocketBaseBackend(sender.client);
      const mine: string[] = [];
      for (let i = 0; i < perSender; i++) {
        mine.push((await backend.messages.sendMessage(roomId, `${BIG} ${i}`)).id);
      }
      return mine;
    }),
  );
  return ids.flat();
}

/**
 * Runs `wait` while `user` keeps talking in the room, as rooms do: a later send is what notices a
 * send stuck on a connection that stopped reading (on a quiet server the minute cron does).
 */
async function whileTalking(user: TestUser, roomId: string, wait: () => Promise<void>) {
  const backend = createPocketBaseBackend(user.client);
  const talk = setInterval(() => void backend.messages.sendMessage(roomId, "still here"), 500);
  try {
    await wait();
  } finally {
    clearInterval(talk);
  }
}

it("a member whose connection stops reading does not hold the room's events", async () => {
  const users = await Promise.all(Array.from({ length: 12 }, () => createUser(server)));
  const [reader, stalled, ...senders] = users as [TestUser, TestUser, ...TestUser[]];
  const room = await seedRoom(server, "private", users);
  const heard = await hear(reader, room.id);
  await stalledReader(stalled, [`room/${room.id}`]);

  // ~2.7 MB to a reader of a few kilobytes: its buffers fill long before the end
  const ids = await flood(senders, room.id, 30);
  await whileTalking(reader, room.id, () =>
    waitUntil(
      () => ids.every((id) => heard.has(id)),
      `the reader hears all ${ids.length} messages`,
      30_000,
    ),
  );
  const stats = await server.admin.send<{ room: { open: string[] } }>(
    `/api/konvert/admin/realtime?room=${room.id}`,
    {},
  );
  expect(stats.room.open).toEqual([reader.record.id]);
}, 120_000);

it("a request that notifies a user whose connection stopped reading still answers", async () => {
  const users = await Promise.all(Array.from({ length: 12 }, () => createUser(server)));
  const [reader, stalled, ...senders] = users as [TestUser, TestUser, ...TestUser[]];
  const room = await seedRoom(server, "private", users);
  const heard = await hear(reader, room.id);
  // on the feed only: the room's previews fill it, then a friend request is for it alone
  await stalledReader(stalled, ["feed"]);
  const ids = await flood(senders, room.id, 30);
  await whileTalking(reader, room.id, () =>
    waitUntil(() => ids.every((id) => heard.has(id)), "the flood is delivered", 30_000),
  );

  const started = Date.now();
  await createPocketBaseBackend(reader.client).friends.sendFriendRequest(stalled.record.id);
  // held at most until the stuck send is released (a few seconds), not for as long as it stalls
  expect(Date.now() - started).toBeLessThan(15_000);
}, 120_000);
