// A stopped data dir as the target: rows and the bulk load go straight into data.db through the
// sqlite3 CLI (scripts/import/direct.ts). The result must be what the HTTP path writes: the same
// rows (verify), the same schema afterwards, a working search index, the same per-row conflicts,
// and a kill -9 at any moment repaired by the next run.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { finishInterruptedBulkLoad, runImport } from "../../scripts/import/run.ts";
import { beginBulkLoad, openTarget } from "../../scripts/import/target.ts";
import { startPocketBase } from "../support/server.ts";
import { loadFixture, searchAsAlice } from "./fixture.ts";
import { startPostgres, type Postgres } from "./postgres.ts";

let pgServer: Postgres;
let work: string;

beforeAll(async () => {
  pgServer = await startPostgres();
  await loadFixture(pgServer.url, 300);
  work = mkdtempSync(join(tmpdir(), "konvert-datadir-"));
});

afterAll(() => {
  pgServer.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A stopped, migrated data dir (a copy of the test template). */
function freshDir(name: string): string {
  const dir = join(work, name);
  cpSync(inject("pbTemplateDir"), dir, { recursive: true });
  return dir;
}

const sql = (dir: string, query: string) =>
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", join(dir, "data.db"), query], {
    encoding: "utf8",
  }).trim();

/** sqlite_master as JSON, index SQL on one line (the rebuild writes what PocketBase keeps). */
const schema = (dir: string) =>
  (
    JSON.parse(
      sql(
        dir,
        "SELECT json_group_array(type || ' ' || name || ': ' || coalesce(sql, '')) FROM " +
          "(SELECT * FROM sqlite_master ORDER BY type, name)",
      ),
    ) as string[]
  ).map((o) => o.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")"));

/**
 * The search index after an import: the queue empty, every searchable message indexed (the
 * migration's rule, as a view), and FTS5's own check of the index against the message text.
 */
function expectCompleteSearchIndex(dir: string): void {
  expect(sql(dir, "SELECT count(*) FROM messages_fts_pending")).toBe("0");
  const searchable = sql(
    dir,
    "SELECT count(*) FROM messages m WHERE m.deletedAt = '' AND m.content != '' AND " +
      "CASE WHEN substr(m.content, 1, 1) = '{' AND json_valid(m.content) " +
      "THEN json_type(m.content, '$.ciphertext') IS NULL ELSE 1 END",
  );
  expect(Number(searchable)).toBeGreaterThan(0);
  expect(sql(dir, "SELECT count(*) FROM messages_fts_docs")).toBe(searchable);
  sql(dir, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
}

describe("direct writes into a data dir", () => {
  it("imports with the bulk load, keeps the schema, verifies, and search works", async () => {
    const dir = freshDir("direct");
    const before = schema(dir);
    const report = await runImport({ from: pgServer.url, to: dir, verify: true });
    expect(report.target).toMatch(/sqlite3/);
    expect(report.bulkLoad).toBe(true);
    expect(report.conflicts).toEqual([]);
    expect(report.verify?.differences).toEqual([]);
    expect(report.verify?.ok).toBe(true);
    expect(schema(dir)).toEqual(before);
    expect(Number(sql(dir, "SELECT count(*) FROM messages"))).toBe(report.written["messages"]);
    expectCompleteSearchIndex(dir);

    const server = await startPocketBase({ fromDataDir: dir });
    try {
      const search = await searchAsAlice(server);
      expect((await search("hello")).map((m) => m.content)).toEqual(["hello"]);
    } finally {
      await server.stop();
    }
  });

  it("row by row (no bulk load) too ends with the whole search index and an empty queue", async () => {
    const dir = freshDir("row-by-row");
    const report = await runImport({ from: pgServer.url, to: dir, bulkLoad: "off" });
    expect(report.bulkLoad).toBe(false);
    expect(Number(sql(dir, "SELECT count(*) FROM messages"))).toBe(report.written["messages"]);
    expectCompleteSearchIndex(dir);
  });

  it("a batch refused by a unique index is written row by row, as on the HTTP path", async () => {
    // alice's username and e-mail held by another account: her row cannot be written
    const taken = (name: string) => {
      const dir = freshDir(name);
      sql(
        dir,
        "INSERT INTO users (id, email, username, password, tokenKey) VALUES " +
          "('takenby0000001', 'alice@example.com', 'alice', 'x', 'takentokenkey0000000000000000001')",
      );
      return dir;
    };
    const direct = await runImport({ from: pgServer.url, to: taken("conflict-direct") });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    vi.stubEnv("KONVERT_IMPORT_SQLITE3", "");
    let http;
    try {
      http = await runImport({ from: pgServer.url, to: taken("conflict-http") });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(
        /No sqlite3 CLI for direct writes \(disabled/,
      );
    } finally {
      vi.unstubAllEnvs();
      warn.mockRestore();
    }
    expect(http.target).not.toMatch(/sqlite3/);
    expect(direct.conflicts.length).toBeGreaterThan(0);
    expect(direct.conflicts.some((c) => /UNIQUE constraint failed: users/.test(c.reason))).toBe(
      true,
    );
    expect(direct.conflicts).toEqual(http.conflicts);
    expect(direct.written).toEqual(http.written);
  });
});

describe("interrupted direct writes", () => {
  it("a paused data dir is rebuilt by --finish-bulk-load through sqlite3", async () => {
    const dir = freshDir("paused");
    const before = schema(dir);
    const target = await openTarget(dir, {});
    try {
      expect(await beginBulkLoad(target, "on")).toBe(true);
    } finally {
      await target.close();
    }
    expect(schema(dir)).not.toEqual(before);
    expect(schema(dir).some((o) => o.startsWith("table _konvert_bulk_load"))).toBe(true);
    const finished = await finishInterruptedBulkLoad({ to: dir });
    expect(finished.bulkLoad).toBe(true);
    expect(finished.target).toMatch(/sqlite3/);
    expect(schema(dir)).toEqual(before);
  });

  it("kill -9 in the middle and a restart give the same result as one clean run", async () => {
    const bulk = await startPostgres();
    try {
      await loadFixture(bulk.url, 3000);
      const dir = freshDir("killed");
      const before = schema(dir);
      const args = ["tsx", "scripts/import/cli.ts", "--from", bulk.url, "--to", dir];
      const child = spawn("npx", [...args, "--batch-size", "50", "--no-progress"], {
        stdio: "ignore",
        detached: true,
      });
      // kill once messages are being written: users, rooms and part of the history are in
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        const n = Number(sql(dir, "SELECT count(*) FROM messages"));
        if (n > 0 || child.exitCode !== null) break;
      }
      // the whole group: the tool and its sqlite3 CLI
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      const partial = Number(sql(dir, "SELECT count(*) FROM messages"));
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(3008);
      // killed in the middle of a bulk load: its record is there, the schema is not
      expect(sql(dir, "SELECT count(*) FROM _konvert_bulk_load")).not.toBe("0");

      const report = await runImport({ from: bulk.url, to: dir, verify: true });
      expect(report.verify?.differences).toEqual([]);
      expect(Number(sql(dir, "SELECT count(*) FROM messages"))).toBe(report.written["messages"]);
      expect(Number(sql(dir, "SELECT count(*) FROM reactions"))).toBe(report.written["reactions"]);
      expect(schema(dir)).toEqual(before);
      expectCompleteSearchIndex(dir);
    } finally {
      bulk.stop();
    }
  });
});
