// Direct writes into a stopped data dir's SQLite through the sqlite3 CLI (C SQLite, about twice
// as fast as PocketBase's transpiled Go SQLite, and no HTTP/JSVM per batch). The SQL is the one
// the PocketBase routes run, from the same pure builders: rows with `upsertStatement`
// (rules/import-rows.ts), the bulk-load pause and rebuild with `beginSteps`/`endSteps`
// (rules/bulk-load.ts).
//
// Conflicts: the CLI stops at the first error (`.bail on`), so it cannot retry a refused batch
// row by row. A batch SQLite refuses as a whole (a unique index other than `id`, e.g. a username
// taken by a user created in PocketBase) has rolled back completely; it goes to the HTTP route
// instead (a temporary PocketBase on the same dir, started on first use), which writes the good
// rows and names the culprits exactly as on the HTTP path. While that happens nothing is written
// through the CLI, so the two writers never write at the same time.
//
// Crash safety: every batch is BEGIN IMMEDIATE … COMMIT in WAL mode (PocketBase's journal mode,
// kept in the file). A killed tool closes the CLI's stdin; whatever part of a batch got through
// runs inside the batch's open transaction (COMMIT is sent last), which the CLI rolls back at the
// end of input, as it does when killed itself. Re-runs upsert by id. PRAGMA synchronous = NORMAL
// (what PocketBase uses in WAL mode): a commit survives any process kill; a power loss may lose
// the last commits but never corrupts the file.
import {
  type BulkStep,
  type BulkSteps,
  jsonRows,
  type SqlRow,
  type StepAnswer,
} from "../../hooks-src/konvert/rules/bulk-load.ts";
import { sqlString, upsertStatement } from "../../hooks-src/konvert/rules/import-rows.ts";
import { SqliteError, SqliteSession } from "./sqlite-cli.ts";

/** What the rows route takes in its compact form (POST /api/konvert/import/rows). */
export interface RowsBody {
  collection: string;
  columns: string[];
  /** JSON text of [[v1, v2, …], …], one array per row, values in `columns` order. */
  rows: string;
  insertOnly: string[];
}

export interface WriteResult {
  written: number;
  failed: { index: number; error: string }[];
}

/** Page cache in KiB (negative: SQLite's unit for a size), for the writes and for the rebuild. */
const CACHE = -32000;
const BULK_CACHE = -256000;

const SETUP = [
  ".headers off",
  ".mode list",
  // PocketBase's own connection waits up to 10 s for a lock too
  "PRAGMA busy_timeout = 10000;",
  "PRAGMA synchronous = NORMAL;",
  // PocketBase's page cache size; more did not pay off for the writes (docs/import.md)
  `PRAGMA cache_size = ${CACHE};`,
].join("\n");

export class DirectDb {
  private session: SqliteSession | undefined;
  private readonly fields = new Map<string, Promise<Set<string>>>();
  /** Settles when no batch is being written through the HTTP fallback. */
  private fallbackDone: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bin: string,
    readonly database: string,
    /** Writes a batch through the rows route (row-by-row fallback with per-row errors). */
    private readonly fallback: (body: RowsBody) => Promise<WriteResult>,
  ) {}

  /** One batch as one transaction: the route's statement with the batch as a literal. */
  async write(body: RowsBody, count: number, retried = false): Promise<WriteResult> {
    await this.fallbackDone;
    const known = await this.fieldsOf(body.collection);
    const unknown = [...body.columns, ...body.insertOnly].find((c) => !known.has(c));
    if (unknown !== undefined) {
      throw new Error(`${body.collection} has no field "${unknown}" (direct write refused).`);
    }
    const sql = upsertStatement(
      body.collection,
      body.columns,
      ["id"],
      body.insertOnly,
      sqlString(body.rows),
    );
    try {
      await this.open().request(`BEGIN IMMEDIATE;\n${sql};\nCOMMIT;`);
      return { written: count, failed: [] };
    } catch (err) {
      if (!(err instanceof SqliteError)) throw err;
      // queued behind the batch that failed: never ran, so it is sent once more (to a new CLI)
      if (!err.ran && !retried) return this.write(body, count, true);
      if (!/constraint failed/i.test(err.message)) {
        throw new Error(`Writing ${count} ${body.collection} rows failed: ${err.message}`, {
          cause: err,
        });
      }
      const result = this.fallback(body);
      this.fallbackDone = result.catch(() => undefined);
      return result;
    }
  }

  /** Rows of a SELECT (through `jsonRows`, one line of JSON from the CLI). */
  async query(columns: string[], sql: string): Promise<SqlRow[]> {
    await this.fallbackDone;
    const text = await this.open().request(`${jsonRows(columns, sql)};`);
    return parseRows(text);
  }

  /**
   * Runs bulk-load steps in one BEGIN IMMEDIATE … COMMIT; an error rolls all of them back. The
   * page cache is larger meanwhile: the rebuild's CREATE INDEX sorts then fit in memory
   * (a quarter less CPU for the message indexes at 1M rows), and it shrinks back afterwards.
   */
  async bulk<R>(steps: BulkSteps<R>): Promise<R> {
    await this.fallbackDone;
    const session = this.open();
    await session.request(`PRAGMA cache_size = ${BULK_CACHE};\nBEGIN IMMEDIATE;`);
    try {
      let next = steps.next();
      while (!next.done) next = steps.next(await answer(session, next.value));
      await session.request("COMMIT;");
      return next.value;
    } catch (err) {
      // (a failed ROLLBACK, e.g. after SQLite already rolled back, must not hide the cause)
      if (session.alive) await session.request("ROLLBACK;").catch(() => undefined);
      throw err;
    } finally {
      if (session.alive)
        await session.request(`PRAGMA cache_size = ${CACHE};`).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.fallbackDone;
    await this.session?.close();
    this.session = undefined;
  }

  private open(): SqliteSession {
    if (!this.session?.alive) {
      this.session = new SqliteSession(this.bin, this.database);
      // answered like any request: a database the CLI cannot open fails the first request
      this.session.request(SETUP).catch(() => undefined);
    }
    return this.session;
  }

  /** A collection's field names from `_collections`, checked like the route checks columns. */
  private fieldsOf(collection: string): Promise<Set<string>> {
    let known = this.fields.get(collection);
    if (!known) {
      known = this.query(
        ["name"],
        "SELECT json_extract(f.value, '$.name') AS name FROM _collections c, " +
          `json_each(c.fields) f WHERE c.name = ${sqlString(collection)}`,
      ).then((rows) => new Set(rows.map((r) => String(r["name"]))));
      this.fields.set(collection, known);
    }
    return known;
  }
}

async function answer(session: SqliteSession, step: BulkStep): Promise<StepAnswer> {
  if (step.run === "query")
    return { rows: parseRows(await session.request(`${step.sql};`)), error: "" };
  if (step.run === "exec") {
    await session.request(`${step.sql};`);
    return { rows: [], error: "" };
  }
  // the one statement allowed to fail: its error message is all it prints
  const error = await session.request(`.bail off\n${step.sql};\n.bail on`);
  return { rows: [], error: error.trim() };
}

function parseRows(text: string): SqlRow[] {
  try {
    return JSON.parse(text) as SqlRow[];
  } catch {
    throw new Error(`Unexpected sqlite3 output: ${text.slice(0, 500)}`);
  }
}
