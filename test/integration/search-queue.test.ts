// The search index off the send path (issue #17): a send only queues its message in
// messages_fts_pending; every search indexes the queue first, so whatever was sent before a
// search began is found, typed route and legacy route alike. Edits and deletes of a queued
// message need no index work; encrypted envelopes are never queued nor indexed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { RoomsResponse } from "../../types/pocketbase-types.ts";
import { api } from "../support/api.ts";
import { legacyCalls, legacySignup, type LegacyUser } from "../support/legacy-api.ts";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { printedByMigration } from "../support/throwaway-migration.ts";
import { createUser, type TestUser } from "../support/users.ts";

interface Page {
  items: { id: string; content: string }[];
}

let server: TestServer;
let bob: TestUser;
let room: RoomsResponse;

const search = async (user: TestUser, q: string) =>
  (await api<Page>(user.client, "GET", `/search?q=${encodeURIComponent(q)}`)).items.map(
    (m) => m.content,
  );
const messages = () => createPocketBaseBackend(bob.client).messages;

/** Message ids in a raw table, through a view collection (PocketBase has no raw SQL API). */
async function idsIn(view: string): Promise<string[]> {
  return (await server.admin.collection(view).getFullList()).map((r) => r.id).sort();
}
const queued = () => idsIn("test_search_queue");
const indexed = () => idsIn("test_search_docs");

beforeAll(async () => {
  server = await startPocketBase();
  bob = await createUser(server);
  room = await seedRoom(server, "private", [bob], "Queue");
  for (const [name, table] of [
    ["test_search_queue", "messages_fts_pending"],
    ["test_search_docs", "messages_fts_docs"],
  ]) {
    await server.admin.collections.create({
      name,
      type: "view",
      viewQuery: `SELECT message AS id FROM ${table}`,
    });
  }
});
afterAll(() => server.stop());

describe("the send path", () => {
  it("only queues the message; the next search indexes it and empties the queue", async () => {
    const sent = await messages().sendMessage(room.id, "queued quokka sighting");
    expect(await queued()).toEqual([sent.id]);
    expect(await indexed()).not.toContain(sent.id);

    expect(await search(bob, "quokka")).toEqual(["queued quokka sighting"]);
    expect(await queued()).toEqual([]);
    expect(await indexed()).toContain(sent.id);
    // an empty queue: the search still answers, nothing changes
    expect(await search(bob, "quokka")).toEqual(["queued quokka sighting"]);
  });

  it("a search made right after a send returns finds it, every time", async () => {
    for (let i = 0; i < 5; i++) {
      await messages().sendMessage(room.id, `rapidfire walrus ${i}`);
      expect(await search(bob, `walrus ${i}`)).toEqual([`rapidfire walrus ${i}`]);
    }
    expect(await search(bob, "rapidfire")).toHaveLength(5);
  });
});

describe("a long queue", () => {
  it("is indexed by the sends themselves, in batches, before any search", async () => {
    const own = await seedRoom(server, "private", [bob], "Long queue");
    const before = (await indexed()).length;
    for (let i = 0; i < 600; i++) await messages().sendMessage(own.id, `batch narwhal ${i}`);
    // every few dozen sends of a VM look at the queue; from 256 waiting, the send indexes them
    expect((await queued()).length).toBeLessThan(600);
    expect((await indexed()).length - before).toBeGreaterThanOrEqual(256);
    expect(await search(bob, "narwhal")).toHaveLength(20); // the first page
  });
});

describe("a queued message", () => {
  it("edited before any search is found by its new words only", async () => {
    const sent = await messages().sendMessage(room.id, "draft pelican wording");
    await messages().editMessage(sent.id, "final heron wording");
    // the edit did no index work: still queued, still not indexed
    expect(await queued()).toContain(sent.id);
    expect(await indexed()).not.toContain(sent.id);
    expect(await search(bob, "pelican")).toEqual([]);
    expect(await search(bob, "heron")).toEqual(["final heron wording"]);
    // and once indexed, an edit re-indexes it at once, as before the queue
    await messages().editMessage(sent.id, "final egret wording");
    expect(await queued()).toEqual([]);
    expect(await search(bob, "heron")).toEqual([]);
    expect(await search(bob, "egret")).toEqual(["final egret wording"]);
  });

  it("deleted or tombstoned before any search leaves the queue and is never found", async () => {
    const tombstoned = await messages().sendMessage(room.id, "regretted marmot remark");
    await messages().deleteMessage(tombstoned.id);
    const deleted = await messages().sendMessage(room.id, "erased marmot remark");
    await server.admin.collection("messages").delete(deleted.id);
    expect(await queued()).toEqual([]);
    expect(await search(bob, "marmot")).toEqual([]);
    expect(await indexed()).not.toContain(tombstoned.id);
    expect(await indexed()).not.toContain(deleted.id);
  });

  it("encrypted content is never queued nor indexed", async () => {
    const envelope = '{"version":"v1","ciphertext":"qzqcipherqzq","iv":"aa"}';
    const encrypted = await messages().sendMessage(room.id, envelope);
    expect(await queued()).not.toContain(encrypted.id);
    // plain text that turns into an envelope while queued leaves the queue
    const turned = await messages().sendMessage(room.id, "plain otter words");
    await messages().editMessage(turned.id, envelope.replace("qzq", "zqz"));
    expect(await queued()).toEqual([]);
    expect(await search(bob, "qzqcipherqzq")).toEqual([]);
    expect(await search(bob, "ciphertext")).toEqual([]);
    expect(await search(bob, "otter")).toEqual([]);
    expect(await indexed()).not.toContain(encrypted.id);
    expect(await indexed()).not.toContain(turned.id);
  });
});

describe("other doors", () => {
  it("the legacy in-room search indexes the queue first", async () => {
    const call = legacyCalls(() => server);
    const ann: LegacyUser = await legacySignup(server);
    const made = await call<{ id: string }>(ann, "POST", "/rooms", {
      name: "Legacy",
      type: "private",
    });
    for (let i = 0; i < 3; i++) {
      const sent = await call<{ id: string }>(ann, "POST", "/messages", {
        roomId: made.body.id,
        content: `legacy lemur ${i}`,
      });
      expect(sent.status).toBe(200);
      expect(await queued()).toContain(sent.body.id);
      const found = await call<{ messages: { content: string }[] }>(
        ann,
        "GET",
        `/messages/${made.body.id}/search?q=${encodeURIComponent(`lemur ${i}`)}`,
      );
      expect(found.body.messages.map((m) => m.content)).toEqual([`legacy lemur ${i}`]);
      expect(await queued()).toEqual([]);
    }
  });

  it("the hourly housekeeping indexes the queue", async () => {
    const sent = await messages().sendMessage(room.id, "housekept badger");
    expect(await queued()).toEqual([sent.id]);
    // the cron route starts the job and answers without waiting for it
    await server.admin.crons.run("konvert-housekeeping");
    await expect.poll(queued, { timeout: 10_000 }).toEqual([]);
    expect(await indexed()).toContain(sent.id);
    expect(await search(bob, "badger")).toEqual(["housekept badger"]);
  });
});

describe("flushSearchIndexIfLong", () => {
  it("indexes only once the queue holds `threshold` messages", () => {
    expect(runInMigration()).toEqual({
      belowThreshold: false,
      queuedBelow: 2,
      atThreshold: true,
      queuedAfter: 0,
      found: 3,
      emptyFlush: false,
    });
  });
});

/**
 * Calls the built hooks library's flush functions on a copy of the template database, from a
 * throwaway migration (the library's functions take the app; no route exposes them).
 */
function runInMigration(): Record<string, unknown> {
  return printedByMigration(
    "RESULT",
    `
        const run = (sql) => app.db().newQuery(sql).execute();
        const count = (sql) => {
          const row = new DynamicModel({ n: 0 });
          app.db().newQuery(sql).one(row);
          return row.n;
        };
        run("INSERT INTO rooms (id, name, type) VALUES ('flushroom000001', 'r', 'private')");
        const send = (n) => run("INSERT INTO messages (id, room, content, type) VALUES " +
          "('flushmessage00" + n + "', 'flushroom000001', 'stoat number " + n + "', 'text')");
        send(1);
        send(2);
        const result = {};
        result.belowThreshold = lib.search.flushSearchIndexIfLong(app, 3);
        result.queuedBelow = count("SELECT count(*) AS n FROM messages_fts_pending");
        send(3);
        result.atThreshold = lib.search.flushSearchIndexIfLong(app, 3);
        result.queuedAfter = count("SELECT count(*) AS n FROM messages_fts_pending");
        result.found = count("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'stoat'");
        result.emptyFlush = lib.search.flushSearchIndex(app);
        console.log("RESULT " + JSON.stringify(result));
`,
  ) as Record<string, unknown>;
}
