// A truncated or malformed source must never import silently: real pg_dump dumps and psql CSV
// exports of the fixture, cut or damaged, fail with the line named and nothing written, unless
// --allow-partial, and then the report says so at its top.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImport } from "../../scripts/import/run.ts";
import { SUPERUSER } from "../support/constants.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { loadFixture, TABLE } from "./fixture.ts";
import { startPostgres, type Postgres } from "./postgres.ts";

let pgServer: Postgres;
let server: TestServer;
let work: string;
let kvCount: number;
let baseline: Record<string, number>;
const COLLECTIONS = ["users", "rooms", "messages", "kv_legacy"];
const admin = { adminEmail: SUPERUSER.email, adminPassword: SUPERUSER.password };

beforeAll(async () => {
  [pgServer, server] = await Promise.all([startPostgres(), startPocketBase()]);
  await loadFixture(pgServer.url, 300);
  baseline = await totals();
  work = mkdtempSync(join(tmpdir(), "konvert-complete-"));
  kvCount = Number(
    execFileSync(pgServer.bin("psql"), [pgServer.url, "-tAc", `SELECT count(*) FROM ${TABLE}`], {
      encoding: "utf8",
    }).trim(),
  );
});

afterAll(async () => {
  await server.stop();
  pgServer.stop();
  rmSync(work, { recursive: true, force: true });
});

function dump(file: string, args: string[] = []): { path: string; lines: string[] } {
  const path = join(work, file);
  execFileSync(pg("pg_dump"), [
    "--data-only",
    "-t",
    `public.${TABLE}`,
    "-t",
    "auth.users",
    "-f",
    path,
    ...args,
    pgServer.url,
  ]);
  return { path, lines: readFileSync(path, "utf8").split("\n") };
}

function pg(name: string): string {
  return pgServer.bin(name);
}

function write(file: string, lines: string[]): string {
  const path = join(work, file);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

async function totals(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of COLLECTIONS) out[c] = (await server.admin.collection(c).getList(1, 1)).totalItems;
  return out;
}

async function nothingWritten(): Promise<void> {
  expect(await totals()).toEqual(baseline);
}

describe("a pg_dump COPY dump", () => {
  it("cut on a row boundary inside the KV block fails, naming the block's line, writing nothing", async () => {
    const { lines } = dump("copy.sql");
    const start = lines.findIndex((l) => l.startsWith(`COPY public.${TABLE}`));
    const end = lines.indexOf("\\.", start);
    expect(end - start).toBeGreaterThan(300);
    // a whole number of rows: every line kept is a complete row, as a dump cut by a full disk
    const cut = write("copy-cut.sql", lines.slice(0, start + Math.floor((end - start) / 3)));
    await expect(runImport({ from: cut, to: server.url, ...admin })).rejects.toThrow(
      new RegExp(
        `copy-cut\\.sql:\\d+: the file ends inside the COPY block of public\\.${TABLE} started at line ${start + 1}, without its "\\\\\\." line`,
      ),
    );
    await nothingWritten();
  });

  it("cut after a whole block (no completion trailer) fails", async () => {
    const { lines } = dump("copy2.sql");
    const start = lines.findIndex((l) => l.startsWith(`COPY public.${TABLE}`));
    const cut = write("copy-between.sql", lines.slice(0, lines.indexOf("\\.", start) + 1));
    await expect(runImport({ from: cut, to: server.url, ...admin })).rejects.toThrow(
      /copy-between\.sql:\d+: no "-- PostgreSQL database dump complete" line/,
    );
    await nothingWritten();
  });

  it("a garbage line inside the COPY block is an error naming it, or with --allow-partial a reported skip", async () => {
    const { lines } = dump("copy3.sql");
    const start = lines.findIndex((l) => l.startsWith(`COPY public.${TABLE}`));
    const damaged = [...lines];
    damaged.splice(start + 5, 0, "this line is not a row of the table");
    const path = write("copy-garbage.sql", damaged);
    await expect(runImport({ from: path, to: server.url, ...admin })).rejects.toThrow(
      new RegExp(
        `copy-garbage\\.sql:${start + 6}: a row of public\\.${TABLE} \\(statement at line ${start + 1}\\) has 1 fields, the column list 3`,
      ),
    );
    await nothingWritten();

    const report = await runImport({
      from: path,
      to: server.url,
      allowPartial: true,
      dryRun: true,
      ...admin,
    });
    expect(report.partial).toEqual([expect.stringMatching(`copy-garbage\\.sql:${start + 6}: `)]);
    expect(report.toText().split("\n")[0]).toMatch(/^PARTIAL IMPORT \(--allow-partial\)/);
    // the old reader stored it in kv_legacy with a null value: now it is in no row at all
    expect(report.written["kv_legacy"]).toBe(
      (await runImport({ from: dump("copy4.sql").path, dryRun: true })).written["kv_legacy"],
    );
  });
});

describe("a pg_dump INSERT dump", () => {
  it("cut at two thirds on a statement boundary fails for the missing trailer", async () => {
    const { lines } = dump("insert.sql", ["--column-inserts", "--rows-per-insert=20"]);
    const statements = lines.flatMap((l, i) => (l.startsWith("INSERT INTO public.kv") ? [i] : []));
    expect(statements.length).toBeGreaterThan(10);
    const at = statements[Math.floor((statements.length * 2) / 3)] ?? 0;
    const cut = write("insert-cut.sql", lines.slice(0, at));
    await expect(runImport({ from: cut, to: server.url, ...admin })).rejects.toThrow(
      /insert-cut\.sql:\d+: no "-- PostgreSQL database dump complete" line/,
    );
    await nothingWritten();
    // cut inside a statement: named by the statement's line
    const inside = write("insert-inside.sql", lines.slice(0, at + 3));
    await expect(runImport({ from: inside, dryRun: true })).rejects.toThrow(
      new RegExp(`ends inside the INSERT into public\\.${TABLE} started at line ${at + 1}`),
    );
  });

  it("with --allow-partial imports what is there and says so at the top of the report", async () => {
    const { lines } = dump("insert2.sql", ["--column-inserts", "--rows-per-insert=20"]);
    const statements = lines.flatMap((l, i) => (l.startsWith("INSERT INTO public.kv") ? [i] : []));
    const cut = write("insert-partial.sql", lines.slice(0, statements[3] ?? 0));
    const report = await runImport({ from: cut, dryRun: true, allowPartial: true });
    expect(report.partial).toEqual([expect.stringMatching(/no "-- PostgreSQL database dump/)]);
    expect(report.toText()).toMatch(/^PARTIAL IMPORT/);
  });
});

describe("a CSV export", () => {
  const csv = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    const text = execFileSync(pg("psql"), [
      pgServer.url,
      "-c",
      `COPY (SELECT key, value FROM ${TABLE} ORDER BY key) TO STDOUT WITH (FORMAT csv, HEADER)`,
    ]).toString("utf8");
    return { dir, file: join(dir, `${TABLE}.csv`), lines: text.split("\n") };
  };

  it("needs --expect-rows, and a file cut on a row boundary fails against it", async () => {
    const { file, lines } = csv("csv-cut");
    writeFileSync(file, lines.slice(0, Math.floor(lines.length / 2)).join("\n") + "\n");
    await expect(runImport({ from: file, to: server.url, ...admin })).rejects.toThrow(
      /carries no row count.*--expect-rows N/,
    );
    await expect(
      runImport({ from: file, to: server.url, expectRows: kvCount, ...admin }),
    ).rejects.toThrow(new RegExp(`read \\d+ KV rows, ${kvCount} expected \\(--expect-rows\\)`));
    await nothingWritten();
  });

  it("a complete file with the right count passes; a row cut inside a quoted value names its line", async () => {
    const { file, lines } = csv("csv-ok");
    writeFileSync(file, lines.join("\n"));
    const report = await runImport({ from: file, dryRun: true, expectRows: kvCount });
    expect(report.partial).toEqual([]);
    const quoted = lines.findIndex((l, i) => i > 0 && l.includes('""'));
    writeFileSync(file, [...lines.slice(0, quoted), lines[quoted]?.slice(0, 30)].join("\n"));
    await expect(runImport({ from: file, dryRun: true, expectRows: kvCount })).rejects.toThrow(
      /kv_store_b0f1e6d5\.csv:\d+: /,
    );
  });
});

describe("a live source", () => {
  it("is counted on the source: a different expected count fails before writing", async () => {
    await expect(
      runImport({ from: pgServer.url, to: server.url, expectRows: kvCount + 1, ...admin }),
    ).rejects.toThrow(new RegExp(`read ${kvCount} KV rows, ${kvCount + 1} expected`));
    await nothingWritten();
  });
});
