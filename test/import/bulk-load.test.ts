// Bulk-load mode (issue #7): the big tables are written with their indexes and the message search
// triggers paused. Whatever happens, the schema afterwards must be exactly the one before, the
// search index must hold the imported text, and a unique key the load broke must be reported.
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishInterruptedBulkLoad, runImport } from "../../scripts/import/run.ts";
import { BULK_COLLECTIONS } from "../../scripts/import/target.ts";
import { SUPERUSER } from "../support/constants.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { loadFixture, searchAsAlice } from "./fixture.ts";
import { startPostgres, type Postgres } from "./postgres.ts";

const admin = { adminEmail: SUPERUSER.email, adminPassword: SUPERUSER.password };
let pgServer: Postgres;

beforeAll(async () => {
  pgServer = await startPostgres();
  await loadFixture(pgServer.url, 300);
});

afterAll(() => pgServer.stop());

/** A fresh server, plus a read-only view of sqlite_master (PocketBase has no raw SQL API). */
async function freshServer(): Promise<{
  server: TestServer;
  schema: () => Promise<string[]>;
  queued: () => Promise<number>;
}> {
  const server = await startPocketBase();
  await server.admin.collections.create({
    name: "test_schema",
    type: "view",
    viewQuery:
      "SELECT (ROW_NUMBER() OVER()) AS id, type, name, sql FROM sqlite_master " +
      "WHERE type IN ('index', 'trigger', 'table') AND name NOT LIKE 'test_%'",
  });
  const schema = async () =>
    (await server.admin.collection("test_schema").getFullList())
      // the migrations wrote some index SQL over several lines; PocketBase rebuilds it on one
      .map((o) => `${String(o["type"])} ${String(o["name"])}: ${oneLine(String(o["sql"]))}`)
      .sort();
  // the search index's queue (messages sent but not yet indexed)
  await server.admin.collections.create({
    name: "test_search_queue",
    type: "view",
    viewQuery: "SELECT message AS id FROM messages_fts_pending",
  });
  const queued = async () =>
    (await server.admin.collection("test_search_queue").getList(1, 1)).totalItems;
  return { server, schema, queued };
}

const oneLine = (sql: string) => sql.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")");

const bulk = (pb: PocketBase, body: Record<string, unknown>) =>
  pb.send("/api/konvert/import/bulk", { method: "POST", body });

describe("bulk-load mode", () => {
  let server: TestServer;
  let schema: () => Promise<string[]>;
  let queued: () => Promise<number>;
  let before: string[];

  beforeAll(async () => {
    ({ server, schema, queued } = await freshServer());
    before = await schema();
  });
  afterAll(() => server.stop());

  it("a fresh target is loaded in bulk and keeps exactly its indexes and triggers", async () => {
    const report = await runImport({ from: pgServer.url, to: server.url, verify: true, ...admin });
    expect(report.bulkLoad).toBe(true);
    expect(report.verify?.differences).toEqual([]);
    expect(report.conflicts).toEqual([]);
    const after = await schema();
    expect(after).toEqual(before);
    expect(after.some((o) => o.startsWith("index idx_messages_room_seq:"))).toBe(true);
    expect(after.some((o) => o.startsWith("trigger messages_fts_insert:"))).toBe(true);
    expect(await queued()).toBe(0);
  });

  it("search finds imported text, not deleted or encrypted messages", async () => {
    const search = await searchAsAlice(server);
    expect((await search("hello")).map((m) => m.content)).toEqual(["hello"]);
    expect(await search("oops")).toEqual([]); // the deleted message
    expect(await search("ciphertext")).toEqual([]);
    // and the triggers are live again: a new message is queued, and the next search finds it
    const room = (await search("hello"))[0]!;
    // (Alice is muted in the source, so the superuser writes it for her)
    await server.admin.collection("messages").create({
      room: room.room,
      author: (
        await server.admin.collection("users").getFirstListItem('email = "alice@example.com"')
      ).id,
      content: "freshly typed",
      type: "text",
    });
    expect(await queued()).toBe(1);
    expect((await search("freshly")).map((m) => m.content)).toEqual(["freshly typed"]);
  });

  it("a filled target is written row by row unless asked", async () => {
    const report = await runImport({ from: pgServer.url, to: server.url, ...admin });
    expect(report.bulkLoad).toBe(false);
    expect(await bulk(server.admin, { phase: "begin", collections: ["messages"] })).toEqual({
      active: false,
      resumed: false,
    });
    expect(await schema()).toEqual(before);
  });

  it("an interrupted bulk load is repaired by --finish-bulk-load and by the next run", async () => {
    await bulk(server.admin, { phase: "begin", collections: BULK_COLLECTIONS, force: true });
    const paused = await schema();
    expect(paused).not.toContain(before.find((o) => o.startsWith("trigger messages_fts_insert")));
    expect(paused.some((o) => o.startsWith("table _konvert_bulk_load"))).toBe(true);
    const finished = await finishInterruptedBulkLoad({ to: server.url, ...admin });
    expect(finished.bulkLoad).toBe(true);
    expect(await schema()).toEqual(before);

    // a second "begin" on top of an unfinished one keeps the first record; a run with bulk
    // loading off still rebuilds what is pending
    await bulk(server.admin, { phase: "begin", collections: ["messages"], force: true });
    await bulk(server.admin, { phase: "begin", collections: ["messages"], force: true });
    const report = await runImport({
      from: pgServer.url,
      to: server.url,
      bulkLoad: "off",
      verify: true,
      ...admin,
    });
    expect(report.verify?.ok).toBe(true);
    expect(await schema()).toEqual(before);
    expect(await queued()).toBe(0);
    expect(await finishInterruptedBulkLoad({ to: server.url, ...admin })).toMatchObject({
      bulkLoad: false,
    });
  });
});

describe("row by row", () => {
  it("ends with the search queue indexed, as the bulk load does", async () => {
    const { server, queued } = await freshServer();
    try {
      const report = await runImport({
        from: pgServer.url,
        to: server.url,
        bulkLoad: "off",
        ...admin,
      });
      expect(report.bulkLoad).toBe(false);
      expect(report.written["messages"]).toBeGreaterThan(0);
      expect(await queued()).toBe(0);
      const search = await searchAsAlice(server);
      expect((await search("hello")).map((m) => m.content)).toEqual(["hello"]);
    } finally {
      await server.stop();
    }
  });
});

describe("unique keys in bulk-load mode", () => {
  it("a row that breaks a unique index is reported and not kept", async () => {
    const { server, schema } = await freshServer();
    try {
      const before = await schema();
      expect(await bulk(server.admin, { phase: "begin", collections: ["kv_legacy"] })).toEqual({
        active: true,
        resumed: false,
      });
      // same `key` (unique) under two ids: the index is not there to refuse the second one
      const rows = (ids: string[]) =>
        server.admin.send<{ written: number }>("/api/konvert/import/rows", {
          method: "POST",
          body: { collection: "kv_legacy", rows: ids.map((id) => ({ id, key: "dup", value: 1 })) },
        });
      expect((await rows(["dupfirst0000001"])).written).toBe(1);
      expect((await rows(["dupsecond000002"])).written).toBe(1);
      const end = await bulk(server.admin, { phase: "end" });
      expect(end).toMatchObject({
        active: true,
        conflicts: [
          {
            collection: "kv_legacy",
            id: "dupsecond000002",
            error: expect.stringMatching(/idx_kv_legacy_key.*dupfirst0000001/) as unknown,
          },
        ],
      });
      const kept = await server.admin.collection("kv_legacy").getFullList();
      expect(kept.map((r) => r.id)).toEqual(["dupfirst0000001"]);
      expect(await schema()).toEqual(before);
      // the index refuses duplicates again
      await expect(rows(["dupthird0000003"])).resolves.toMatchObject({ written: 0 });
    } finally {
      await server.stop();
    }
  });
});
