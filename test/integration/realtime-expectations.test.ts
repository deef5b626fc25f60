// Exactly which events each client hears for the writes done with SQL rather than record saves
// (no PocketBase record event fires for those; the code publishes them itself): the tombstone of
// a message (its route and account deletion) and the presence heartbeat. Each case lists every
// listener, including those who must hear nothing (test/support/expect-realtime.ts).
import { afterAll, beforeAll, describe, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import { pocketBaseUsers } from "../../client/pocketbase/users.ts";
import { expectRealtime } from "../support/expect-realtime.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startPocketBase();
});
afterAll(() => server.stop());

const backend = (user: TestUser) => createPocketBaseBackend(user.client);

/** A room of author, watcher (room open) and lister (room list only), plus an outsider. */
async function scene() {
  const [author, watcher, lister, outsider] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server),
    createUser(server),
  ]);
  const room = await seedRoom(server, "private", [author, watcher, lister]);
  await seedRoom(server, "private", [outsider]);
  const listeners = [
    { label: "author", user: author, topics: [`room/${room.id}`] },
    { label: "watcher", user: watcher, topics: [`room/${room.id}`] },
    { label: "lister", user: lister, topics: [] },
    { label: "outsider", user: outsider, topics: [] },
  ];
  return {
    author: author,
    watcher: watcher,
    lister: lister,
    outsider: outsider,
    room,
    listeners,
  };
}

describe("tombstones written with SQL", () => {
  it("deleting a message: one update to the room and the room lists, nothing for its reactions or pin", async () => {
    const { author, watcher, room, listeners } = await scene();
    const message = await backend(author).messages.sendMessage(room.id, "soon gone");
    await backend(watcher).messages.addReaction(message.id, "👍");
    await backend(author).rooms.pinMessage(room.id, message.id);

    // (the author is left out: what it hears also depends on timing, an achievement for a quick delete)
    await expectRealtime(
      server,
      listeners.filter((l) => l.label !== "author"),
      () => backend(author).messages.deleteMessage(message.id),
      {
        watcher: [`room message update ${message.id}`, `room room update ${room.id}`],
        lister: [`feed message update ${message.id}`, `feed room update ${room.id}`],
      },
    );
  });

  it("deleting an account: its messages' updates, its membership's end, nothing more", async () => {
    const { author, room, listeners } = await scene();
    const first = await backend(author).messages.sendMessage(room.id, "one");
    const second = await backend(author).messages.sendMessage(room.id, "two");

    await expectRealtime(
      server,
      listeners.filter((l) => l.label !== "author"),
      () => pocketBaseUsers(author.client).deleteAccount(author.password),
      {
        watcher: [
          `room message update ${first.id}`,
          `room message update ${second.id}`,
          `room member delete ${room.id} ${author.record.id}`,
        ],
        lister: [`feed message update ${first.id}`, `feed message update ${second.id}`],
      },
    );
  });
});

describe("presence heartbeat written with SQL", () => {
  it("those who watch the user's presence hear it, no one else", async () => {
    const { author, watcher, lister, outsider } = await scene();
    await expectRealtime(
      server,
      [
        { label: "watcher", user: watcher, topics: [`presence/${author.record.id}`] },
        { label: "lister", user: lister, topics: [] },
        { label: "outsider", user: outsider, topics: [] },
      ],
      () => pocketBaseUsers(author.client).heartbeat(),
      { watcher: [`presence user update ${author.record.id}`] },
    );
  });
});
