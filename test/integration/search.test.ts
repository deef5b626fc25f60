// Full-text message search: only the caller's live rooms and live messages, Cyrillic, emoji and
// diacritics aware, immune to query syntax, kept in step by SQLite triggers whoever writes
// (records API, raw-SQL import, schema changes), and driven by the FTS index.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import type { MessagesResponse, RoomsResponse } from "../../types/pocketbase-types.ts";
import { api, failure, hoursFromNow } from "../support/api.ts";
import { seedMembership, seedMessage, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { printedByMigration } from "../support/throwaway-migration.ts";
import { anonymousClient, createUser, type TestUser } from "../support/users.ts";

interface Hit extends MessagesResponse {
  snippet: { text: string; match: boolean }[];
}
interface Page {
  page: number;
  perPage: number;
  hasMore: boolean;
  items: Hit[];
}

const JAIL = "jailroom0000000";

let server: TestServer;
let alice: TestUser; // rooms A and B
let bob: TestUser; // room A
let carol: TestUser; // room B
let loner: TestUser; // no rooms
let convict: TestUser; // banned: room A and the jail
let roomA: RoomsResponse;
let roomB: RoomsResponse;

const search = (user: TestUser, q: string, extra = "") =>
  api<Page>(user.client, "GET", `/search?q=${encodeURIComponent(q)}${extra}`);
const contents = (page: Page) => page.items.map((m) => m.content).sort();

beforeAll(async () => {
  server = await startPocketBase();
  [alice, bob, carol, loner] = await Promise.all([
    createUser(server),
    createUser(server),
    createUser(server),
    createUser(server),
  ]);
  convict = await createUser(server, { bannedUntil: hoursFromNow(2) });
  roomA = await seedRoom(server, "private", [alice, bob, convict], "A");
  roomB = await seedRoom(server, "private", [carol, alice], "B");
  const publicRoom = await seedRoom(server, "public", [carol], "Public");
  const gone = await seedRoom(server, "private", [alice, bob], "Gone");
  await seedMembership(server, JAIL, convict);

  await seedMessage(server, roomA.id, alice, "Привет всем, план на вечер");
  await seedMessage(server, roomA.id, bob, "Party tonight 🎉 bring friends");
  await seedMessage(server, roomA.id, bob, "Meet at the café at noon");
  await seedMessage(server, roomA.id, alice, "the secret handshake");
  await seedMessage(server, roomA.id, alice, '{"version":"v1","ciphertext":"zyxcipher","iv":"aa"}');
  await seedMessage(server, roomB.id, carol, "ПРИВЕТ from room B, another secret");
  await seedMessage(server, publicRoom.id, carol, "Привет from a public room");
  await seedMessage(server, gone.id, alice, "Привет from a deleted room");
  await seedMessage(server, JAIL, convict, "Привет из тюрьмы");
  await server.admin.collection("rooms").update(gone.id, { deletedAt: hoursFromNow(-1) });
});
afterAll(() => server.stop());

describe("who finds what", () => {
  it("needs a signed-in user", async () => {
    const visitor = anonymousClient(server);
    expect(await failure(api(visitor, "GET", "/search?q=hello"))).toMatchObject({ status: 401 });
  });

  it("finds only messages of the caller's live rooms, case-insensitively in Cyrillic", async () => {
    expect(contents(await search(bob, "привет"))).toEqual(["Привет всем, план на вечер"]);
    expect(contents(await search(alice, "ПРИВЕТ"))).toEqual([
      "ПРИВЕТ from room B, another secret",
      "Привет всем, план на вечер",
    ]);
    // the public room counts because carol is a member; bob and alice never joined it
    expect(contents(await search(carol, "Привет"))).toEqual([
      "ПРИВЕТ from room B, another secret",
      "Привет from a public room",
    ]);
    expect((await search(loner, "привет")).items).toEqual([]);
  });

  it("confines a banned user to the jail room", async () => {
    expect(contents(await search(convict, "привет"))).toEqual(["Привет из тюрьмы"]);
    expect((await search(convict, "party")).items).toEqual([]);
  });

  it("matches word prefixes, all words required, emoji and diacritics", async () => {
    expect(contents(await search(bob, "прив веч"))).toEqual(["Привет всем, план на вечер"]);
    expect((await search(bob, "привет party")).items).toEqual([]);
    expect(contents(await search(bob, "🎉"))).toEqual(["Party tonight 🎉 bring friends"]);
    expect(contents(await search(bob, "cafe"))).toEqual(["Meet at the café at noon"]);
    expect(contents(await search(bob, "CAFÉ"))).toEqual(["Meet at the café at noon"]);
  });

  it("never indexes client-side ciphertext", async () => {
    expect((await search(alice, "zyxcipher")).items).toEqual([]);
    expect((await search(alice, "ciphertext")).items).toEqual([]);
  });

  it("returns enriched message records with a plain-text snippet", async () => {
    const [hit] = (await search(bob, "party")).items;
    expect(hit).toMatchObject({
      collectionName: "messages",
      room: roomA.id,
      author: bob.record.id,
      content: "Party tonight 🎉 bring friends",
    });
    expect(hit!.snippet).toEqual([
      { text: "Party", match: true },
      { text: " tonight 🎉 bring friends", match: false },
    ]);
  });
});

describe("the typed client", () => {
  it("searchMessages returns the first page of hits; failures are readable", async () => {
    const messages = createPocketBaseBackend(bob.client).messages;
    const hits = await messages.searchMessages("party");
    expect(hits.map((m) => m.content)).toEqual(["Party tonight 🎉 bring friends"]);
    await expect(messages.searchMessages("  ")).rejects.toMatchObject({
      status: 400,
      field: "q",
      message: "Type something to search for.",
    });
  });
});

describe("hostile and bad input", () => {
  it("reads query syntax as plain words and leaks nothing", async () => {
    const hostile = [
      "secret OR Привет",
      "NOT party",
      'secret" OR "party',
      "content:secret",
      "{content}: secret",
      "NEAR(secret handshake)",
      "secret*",
      "^secret",
      "(secret)",
      "secret' OR 1=1 --",
      "'; DROP TABLE messages_fts; --",
      "secret\u0000handshake",
      "secret\u0001 \u0002",
    ];
    for (const q of hostile) {
      const page = await search(carol, q);
      const leaked = page.items.filter((m) => m.room !== roomB.id);
      expect(leaked, q).toEqual([]);
    }
    expect(await failure(search(carol, "\\ * ^"))).toMatchObject({
      status: 400,
      message: "Search for at least one letter, digit or emoji.",
    });
    expect(contents(await search(carol, "content:secret"))).toEqual([]);
    // room ids are index tokens too, but only in the room column user words never reach
    expect((await search(carol, roomB.id)).items).toEqual([]);
    expect((await search(carol, `room:${roomB.id}`)).items).toEqual([]);
    expect(contents(await search(carol, "(secret)"))).toEqual([
      "ПРИВЕТ from room B, another secret",
    ]);
    expect((await search(alice, "handshake")).items).toHaveLength(1); // the table is still there
  });

  it("answers empty, oversized and bad paging input with a readable 400", async () => {
    const cases: [string, RegExp][] = [
      ["/search", /Type something to search for/],
      ["/search?q=%20%20", /Type something to search for/],
      ["/search?q=%22%28%29%2A", /at least one letter, digit or emoji/],
      [`/search?q=${"x".repeat(201)}`, /at most 200 characters/],
      ["/search?q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k", /at most 10 words/],
      ["/search?q=hi&perPage=51", /per page \(perPage\) must be a whole number from 1 to 50/],
      ["/search?q=hi&perPage=0", /\(perPage\) must be/],
      ["/search?q=hi&page=0", /Page must be a whole number/],
      ["/search?q=hi&page=abc", /Page must be a whole number/],
    ];
    for (const [path, message] of cases) {
      const got = await failure(api(bob.client, "GET", path));
      expect(got.status, path).toBe(400);
      expect(got.message, path).toMatch(message);
    }
  });
});

describe("members of very many rooms", () => {
  it("still find only their own rooms' messages when SQL does the room scope", async () => {
    const busy = await createUser(server);
    const ids = Array.from({ length: 501 }, (_, i) => `busyroom${String(i).padStart(7, "0")}`);
    const rows = (collection: string, list: Record<string, unknown>[]) =>
      api(server.admin, "POST", "/import/rows", { collection, rows: list });
    await rows(
      "rooms",
      ids.map((id) => ({ id, name: id, type: "private" })),
    );
    await rows(
      "room_members",
      ids.map((room, i) => ({
        id: `busymemb${String(i).padStart(7, "0")}`,
        room,
        user: busy.record.id,
      })),
    );
    await seedMessage(server, ids[500]!, busy, "crowded hallway");
    await seedMessage(server, roomB.id, carol, "crowded elsewhere");
    expect(contents(await search(busy, "crowded"))).toEqual(["crowded hallway"]);
  });
});

describe("pagination", () => {
  it("pages newest first without overlap", async () => {
    const room = await seedRoom(server, "private", [bob], "Pages");
    for (let i = 0; i < 25; i++) await seedMessage(server, room.id, bob, `pagetest number ${i}`);
    const pages = [1, 2, 3].map((n) => search(bob, "pagetest", `&perPage=10&page=${n}`));
    const [one, two, three] = await Promise.all(pages);
    expect([one!.hasMore, two!.hasMore, three!.hasMore]).toEqual([true, true, false]);
    expect(three!.items).toHaveLength(5);
    const order = [...one!.items, ...two!.items, ...three!.items].map((m) => m.content);
    expect(order).toEqual(Array.from({ length: 25 }, (_, i) => `pagetest number ${24 - i}`));
  });
});

describe("the index follows every write", () => {
  it("edits and tombstones through the records API", async () => {
    const message = await seedMessage(server, roomA.id, bob, "original wording");
    await server.admin.collection("messages").update(message.id, { content: "revised wording" });
    expect((await search(bob, "original")).items).toEqual([]);
    expect(contents(await search(bob, "revised"))).toEqual(["revised wording"]);

    await server.admin
      .collection("messages")
      .update(message.id, { content: "", deletedAt: hoursFromNow(0) });
    expect((await search(bob, "revised")).items).toEqual([]);
    expect((await search(bob, "wording")).items).toEqual([]);

    const doomed = await seedMessage(server, roomA.id, bob, "ephemeral thought");
    await server.admin.collection("messages").delete(doomed.id);
    expect((await search(bob, "ephemeral")).items).toEqual([]);
  });

  it("raw-SQL imports, including upserts that change the text", async () => {
    const row = {
      id: "importedmsg0001",
      room: roomA.id,
      author: alice.record.id,
      content: "imported archive line",
      type: "text",
      created: "2024-01-01 10:00:00.000Z",
      updated: "2024-01-01 10:00:00.000Z",
    };
    const write = (content: string) =>
      api(server.admin, "POST", "/import/rows", {
        collection: "messages",
        rows: [{ ...row, content }],
      });
    await expect(write("imported archive line")).resolves.toMatchObject({ written: 1 });
    expect(contents(await search(bob, "archive"))).toEqual(["imported archive line"]);
    await write("imported museum line");
    expect((await search(bob, "archive")).items).toEqual([]);
    expect(contents(await search(bob, "museum"))).toEqual(["imported museum line"]);
  });

  it("keeps working after PocketBase alters the messages table", async () => {
    const before = await seedMessage(server, roomA.id, bob, "before the schema change");
    const collection = await server.admin.collections.getOne("messages");
    await server.admin.collections.update("messages", {
      fields: [...collection.fields, { name: "searchProbe", type: "text", max: 10 }],
    });
    const after = await seedMessage(server, roomA.id, bob, "after the schema change");
    expect((await search(bob, "schema change")).items.map((m) => m.id).sort()).toEqual(
      [before.id, after.id].sort(),
    );
    await server.admin.collection("messages").update(before.id, { content: "reworded" });
    expect((await search(bob, "schema")).items.map((m) => m.id)).toEqual([after.id]);

    // PocketBase drops a removed field's column with ALTER TABLE DROP COLUMN: fine for columns
    // the triggers do not read.
    await server.admin.collections.update("messages", { fields: collection.fields });
    expect((await search(bob, "schema")).items.map((m) => m.id)).toEqual([after.id]);
  });
});

describe("the query plan", () => {
  it("starts from the FTS index and reaches rows by key, never scanning messages", () => {
    const plan = explainSearch();
    expect(plan[0], plan.join("\n")).toMatch(/^SCAN messages_fts VIRTUAL TABLE INDEX \d+:M/);
    expect(plan.join("\n")).toMatch(/SEARCH d USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan.join("\n")).not.toMatch(/SCAN (m|messages|d|acc_m|acc_r|acc_u)\b/);
    expect(plan.join("\n")).toMatch(/SEARCH m USING INDEX sqlite_autoindex_messages_1 \(id=\?\)/);
    // the room scope (rules/scopes.ts roomScope.readableBy) from the caller's memberships
    expect(plan.join("\n")).toMatch(
      /SEARCH acc_m USING (COVERING )?INDEX idx_room_members_user_room \(user=\?\)/,
    );
    expect(plan.join("\n")).toMatch(/SEARCH acc_r USING INDEX sqlite_autoindex_rooms_1 \(id=\?\)/);
  });
});

/**
 * EXPLAIN QUERY PLAN of the route's SQL (taken from the built hooks library) on a copy of the
 * template database with a few thousand rows and fresh statistics (SQLite plans by table sizes:
 * on the nearly empty template it scans the one-row rooms table), run by a throwaway migration.
 */
function explainSearch(): string[] {
  return printedByMigration(
    "PLAN",
    `
        const sql = lib.search.searchSql(lib.scopes.roomScope.readableBy("u", "2000-01-01 00:00:00.000Z"));
        const seq = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) ";
        for (const fill of [
          "INSERT INTO rooms (id, name, type) " + seq + "SELECT printf('room%011d', n), 'r', 'private' FROM c",
          "INSERT INTO room_members (id, room, user) " + seq +
            "SELECT printf('memb%011d', n), printf('room%011d', n), printf('user%011d', n % 50) FROM c",
          "INSERT INTO messages (id, room, content, type) " + seq +
            "SELECT printf('mess%011d', n), printf('room%011d', n % 2000), 'word ' || n, 'text' FROM c",
          "ANALYZE",
        ]) app.db().newQuery(fill).execute();
        const rows = arrayOf(new DynamicModel({ detail: "" }));
        app.db().newQuery("EXPLAIN QUERY PLAN " + sql.sql)
          .bind(Object.assign({ query: '{content} : ("x"*) AND {room} : ("room00000000007" OR "room00000000107")',
            limit: 21, offset: 0 }, sql.params)).all(rows);
        console.log("PLAN " + JSON.stringify(rows.map((r) => r.detail)));
`,
  ) as string[];
}
