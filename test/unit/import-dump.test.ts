// The plain-SQL dump reader: COPY blocks, multi-row INSERTs, escapes, skipped preambles.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  dumpRows,
  refuseCustomFormat,
  sqlDumpSource,
  TupleParser,
} from "../../scripts/import/sources/sql-dump.ts";

const dir = mkdtempSync(join(tmpdir(), "konvert-dump-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe("TupleParser", () => {
  it("reads quoted strings with doubled quotes, E'' escapes, NULL, numbers and casts", () => {
    const parser = new TupleParser();
    const rows = parser.feed(
      `('it''s', E'a\\nb\\\\c', NULL, 42, true, '{"a":1}'::jsonb, 'x'::character varying(255));`,
    );
    expect(rows).toEqual([["it's", "a\nb\\c", null, "42", "true", '{"a":1}', "x"]]);
    expect(parser.done).toBe(true);
  });

  it("keeps parentheses and commas inside strings, and literals spanning lines and feeds", () => {
    const parser = new TupleParser();
    expect(parser.feed(`('a (b, c)', 'first\n`)).toEqual([]);
    expect(parser.feed(`second'), ('x', 'y')`)).toEqual([
      ["a (b, c)", "first\nsecond"],
      ["x", "y"],
    ]);
    expect(parser.done).toBe(false);
    parser.feed(";");
    expect(parser.done).toBe(true);
  });
});

describe("dumpRows", () => {
  it("streams COPY rows with their escapes and skips preambles and psql meta-lines", async () => {
    const path = file(
      "copy.sql",
      [
        "\\restrict abc",
        "SET statement_timeout = 0;",
        "SELECT pg_catalog.set_config('search_path', '', false);",
        "-- a comment",
        'COPY "public"."kv_store_0badbe11" (key, value) FROM stdin;',
        'user:a\t{"name": "tab\\there"}',
        "user:b\t\\N",
        "user:c",
        "\\.",
        "-- PostgreSQL database dump complete",
        "\\unrestrict abc",
      ].join("\n"),
    );
    await expect(all(dumpRows(path))).rejects.toThrow(
      /copy\.sql:8: a row of public\.kv_store_0badbe11 \(statement at line 5\) has 1 fields, the column list 2: "user:c"./,
    );
    const problems: string[] = [];
    const rows = await all(dumpRows(path, { problem: (m) => problems.push(m) }));
    expect(problems).toHaveLength(1);
    expect(rows).toEqual([
      {
        schema: "public",
        table: "kv_store_0badbe11",
        columns: ["key", "value"],
        values: ["user:a", '{"name": "tab\there"}'],
        line: 6,
      },
      {
        schema: "public",
        table: "kv_store_0badbe11",
        columns: ["key", "value"],
        values: ["user:b", null],
        line: 7,
      },
    ]);
  });

  it("reads INSERT statements with quoted identifiers and many rows", async () => {
    const path = file(
      "insert.sql",
      `INSERT INTO "public"."kv_store_0badbe11" ("key", "value", "created_at") VALUES ('k1', '{"v":1}', '2025-01-01'),\n('k2', '"text"', NULL);\n-- PostgreSQL database dump complete\n`,
    );
    const rows = await all(dumpRows(path));
    expect(rows.map((r) => r.values)).toEqual([
      ["k1", '{"v":1}', "2025-01-01"],
      ["k2", '"text"', null],
    ]);
    expect(rows[0]?.columns).toEqual(["key", "value", "created_at"]);
    const source = sqlDumpSource(path);
    expect((await all(source.kv())).map((r) => r.key)).toEqual(["k1", "k2"]);
  });

  it("refuses a custom-format dump with the pg_restore command", () => {
    const path = file("custom.dump", Buffer.from("PGDMP\x01\x0e\x00"));
    expect(() => refuseCustomFormat(path)).toThrow(/pg_restore --data-only --no-owner -f/);
  });
});
