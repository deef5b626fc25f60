// The sqlite3 CLI session behind the import's direct data-dir writes: answers in order, errors
// named and pinned to the request that caused them, and no half batch after the input ends.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteError, SqliteSession } from "../../scripts/import/sqlite-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "konvert-sqlite-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: string) =>
  execFileSync("sqlite3", [db, "SELECT count(*) FROM t"], { encoding: "utf8" }).trim();

function freshDb(name: string): string {
  const db = join(dir, name);
  execFileSync("sqlite3", [db, "PRAGMA journal_mode = WAL; CREATE TABLE t (a TEXT UNIQUE)"]);
  return db;
}

describe("SqliteSession", () => {
  it("answers pipelined requests in order with what each printed", async () => {
    const session = new SqliteSession("sqlite3", freshDb("order.db"));
    const answers = await Promise.all([
      session.request("INSERT INTO t VALUES ('x');"),
      session.request("SELECT a FROM t;"),
      session.request("SELECT 1; SELECT 2;"),
    ]);
    expect(answers).toEqual(["", "x", "1\n2"]);
    await session.close();
  });

  it("fails the request that broke and the ones queued behind it, which never ran", async () => {
    const db = freshDb("error.db");
    const session = new SqliteSession("sqlite3", db);
    const ok = session.request("INSERT INTO t VALUES ('a');");
    const broken = session.request(
      "BEGIN; INSERT INTO t VALUES ('b'); INSERT INTO t VALUES ('a');",
    );
    const queued = session.request("INSERT INTO t VALUES ('c');");
    await expect(ok).resolves.toBe("");
    const error = (await broken.catch((e: unknown) => e)) as SqliteError;
    expect(error).toBeInstanceOf(SqliteError);
    expect(error.ran).toBe(true);
    expect(error.message).toMatch(/UNIQUE constraint failed: t\.a/);
    await expect(queued).rejects.toMatchObject({ ran: false });
    expect(session.alive).toBe(false);
    await session.close();
    expect(count(db)).toBe("1"); // 'b' was rolled back with the process
  });

  it("rolls back an uncommitted transaction when the input ends", async () => {
    const db = freshDb("eof.db");
    const session = new SqliteSession("sqlite3", db);
    await session.request("BEGIN IMMEDIATE; INSERT INTO t VALUES ('x');");
    await session.close();
    expect(count(db)).toBe("0");
  });
});
