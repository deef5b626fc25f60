// Issue #18's compact structures: what they hold must not change with how it is held.
import { describe, expect, it } from "vitest";
import { Mapper, type Row } from "../../scripts/import/mapping.ts";
import { MessageIndex } from "../../scripts/import/message-index.ts";
import { Report } from "../../scripts/import/report.ts";
import { Scan } from "../../scripts/import/scan.ts";
import { BatchWriter, type Target, type WriteResult } from "../../scripts/import/target.ts";
import type { RowsBody } from "../../scripts/import/direct.ts";

const ROOM = "11111111-1111-4111-8111-111111111111";
const USER = "22222222-2222-4222-8222-222222222222";
const msg = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("messages named by a room's or DM's message index", () => {
  it("are told apart from unlisted ones whether the index comes before or after them", () => {
    const report = new Report();
    const scan = new Scan(report, { rows: 10 });
    const message = (n: number) => ({
      key: `message:${msg(n)}`,
      value: { id: msg(n), room_id: ROOM, sender_id: USER, content: "hi", created_at: n * 1000 },
    });
    const rows = [
      { key: `user:${USER}`, value: { id: USER, email: "a@b.test", username: "a" } },
      { key: `room:${ROOM}`, value: { id: ROOM, name: "r", type: "public", members: [USER] } },
      // listed ahead of its message (dm_messages sorts before message), and after it
      { key: `dm_messages:${USER}:${USER}`, value: [msg(1)] },
      message(1),
      message(2),
      message(3),
      { key: `room_messages:${ROOM}`, value: [msg(2), "not-a-message"] },
    ];
    for (const row of rows) scan.add(row);
    expect([1, 2, 3].map((n) => scan.messages.listed(msg(n)))).toEqual([true, true, false]);
    expect(scan.messages.listed("not-a-message")).toBe(false);

    const mapper = new Mapper(scan, [], report, new Map());
    // run the phases before pass 2 for their side effects (user and room ids)
    for (const rowsOfPhase of [mapper.users(), mapper.rooms()]) Array.from(rowsOfPhase);
    for (const row of rows) Array.from(mapper.content(row));
    const unlisted = report.orphans.filter((o) => o.reason.startsWith("not listed"));
    expect(unlisted.map((o) => o.key)).toEqual([`message:${msg(3)}`]);
    expect(report.orphans.map((o) => o.reason)).toContain(
      "lists message not-a-message, which does not exist",
    );
  });

  it("keep their deleted flag apart from the listed mark", () => {
    const index = new MessageIndex();
    const n = index.set(msg(1), { room: "r", author: "u", created: 1, deleted: true, type: "t" });
    index.setListed(n);
    expect(index.deleted(n)).toBe(true);
    expect(index.get(msg(1))?.deleted).toBe(true);
    index.set(msg(1), { room: "r", author: "u", created: 1, deleted: false, type: "t" });
    expect([index.deleted(n), index.listed(msg(1))]).toEqual([false, true]);
  });
});

describe("message types", () => {
  it("are kept past 65,536 distinct ones (the two-byte column widens)", () => {
    const index = new MessageIndex();
    const count = 70_000;
    for (let i = 0; i < count; i++) {
      index.set(`m${i}`, { room: "r", author: "u", created: i, deleted: false, type: `t${i}` });
    }
    const types = Array.from({ length: count }, (_, i) => index.meta(i).type);
    expect(types.every((t, i) => t === `t${i}`)).toBe(true);
  });
});

describe("the batch writer", () => {
  function fakeTarget(bodies: RowsBody[], fail: (body: RowsBody) => WriteResult["failed"]): Target {
    return {
      describe: "fake",
      post: <T>(_path: string, body: unknown) => {
        const b = body as RowsBody;
        bodies.push(b);
        const failed = fail(b);
        return Promise.resolve({ written: JSON.parse(b.rows).length - failed.length, failed } as T);
      },
      get: () => Promise.reject(new Error("no")),
      upload: () => Promise.reject(new Error("no")),
      close: () => Promise.resolve(),
    };
  }

  it("sends the same JSON as the arrays of values, per column set, and names failures by id", async () => {
    const bodies: RowsBody[] = [];
    const written: [string, string[], WriteResult][] = [];
    const target = fakeTarget(bodies, (b) =>
      b.collection === "users" ? [{ index: 1, error: "taken" }] : [],
    );
    const writer = new BatchWriter(target, (c, ids, r) => written.push([c, ids, r]), 2);
    const rows: [string, Row][] = [
      ["users", { id: "a", name: 'x\'y "z" ✓', n: 1.5, ok: true }],
      ["users", { id: "b", name: "\u0000\n", n: -0, ok: false }],
      ["users", { id: "c", other: "first of another column set" }],
      ["users", { id: "d", name: "", n: 1e21, ok: true }],
      ["rooms", { id: "r", name: "room" }],
    ];
    for (const [collection, row] of rows) await writer.add(collection, row, ["n"]);
    await writer.flush();
    const expected = (collection: string, columns: string[], ids: string[]) => ({
      collection,
      columns,
      rows: JSON.stringify(
        rows
          .filter(([c, r]) => c === collection && ids.includes(String(r["id"])))
          .map(([, r]) => columns.map((k) => r[k])),
      ),
      insertOnly: ["n"],
    });
    const full = ["id", "name", "n", "ok"];
    expect(bodies).toEqual([
      expected("users", full, ["a", "b"]),
      expected("users", full, ["d"]),
      expected("users", ["id", "other"], ["c"]),
      expected("rooms", ["id", "name"], ["r"]),
    ]);
    expect(written[0]).toEqual([
      "users",
      ["a", "b"],
      { written: 1, failed: [{ index: 1, error: "taken" }] },
    ]);
  });

  it("sends a batch once its JSON is 8 MiB, however few rows it has (long message content)", async () => {
    const bodies: RowsBody[] = [];
    const writer = new BatchWriter(
      fakeTarget(bodies, () => []),
      () => undefined,
      5000,
    );
    const long = "x".repeat(3 * 1024 * 1024);
    for (let i = 0; i < 7; i++) await writer.add("messages", { id: `m${i}`, content: long });
    await writer.flush();
    expect(bodies.map((b) => (JSON.parse(b.rows) as unknown[]).length)).toEqual([3, 3, 1]);
  });
});
