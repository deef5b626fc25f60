// One value from one SQL statement. The result rows are reused per VM (this module's scope lives
// as long as the pooled VM that required it, and a VM runs one handler at a time): building a
// DynamicModel costs a reflected Go struct type per call, more than a small indexed query.
let textRow: { v: string } | undefined;
let numberRow: { v: number } | undefined;

/** The first column of the single row `sql` returns, as text (write it to always return a row). */
export function sqlText(app: CoreApp, sql: string, params: Record<string, unknown> = {}): string {
  return textOf(app.db().newQuery(sql), params);
}

type DbxQuery = ReturnType<ReturnType<CoreApp["db"]>["newQuery"]>;

/** Runs `query` into this VM's reused text row. */
function textOf(query: DbxQuery, params: Record<string, unknown>): string {
  textRow ??= new DynamicModel({ v: "" }) as unknown as { v: string };
  textRow.v = "";
  query.bind(params).one(textRow);
  return textRow.v;
}

/** The first column of the single row `sql` returns, as a number. */
export function sqlNumber(app: CoreApp, sql: string, params: Record<string, unknown> = {}): number {
  numberRow ??= new DynamicModel({ v: 0 }) as unknown as { v: number };
  numberRow.v = 0;
  app.db().newQuery(sql).bind(params).one(numberRow);
  return numberRow.v;
}

/**
 * Rows shaped like `zero` (its keys name the columns): SQLite returns them as one JSON text,
 * which costs one call into Go however many rows there are, instead of a reflected Go struct
 * per row. NULLs become the zero value, 0/1 become booleans where `zero` has a boolean.
 */
export function sqlRows<T extends Record<string, string | number | boolean>>(
  app: CoreApp,
  zero: T,
  sql: string,
  params: Record<string, unknown> = {},
): T[] {
  return rowsFrom(zero, sqlText(app, asJsonRows(zero, sql), params));
}

/** sqlRows() through a statement this VM keeps prepared (see sqlTextPrepared). */
export function sqlRowsPrepared<T extends Record<string, string | number | boolean>>(
  app: CoreApp,
  zero: T,
  sql: string,
  params: Record<string, unknown> = {},
): T[] {
  return rowsFrom(zero, sqlTextPrepared(app, asJsonRows(zero, sql), params));
}

function asJsonRows(zero: Record<string, unknown>, sql: string): string {
  const object = Object.keys(zero)
    .map((k) => `'${k}', t."${k}"`)
    .join(", ");
  return `SELECT COALESCE(json_group_array(json_object(${object})), '[]') AS v FROM (${sql}) t`;
}

function rowsFrom<T extends Record<string, string | number | boolean>>(zero: T, text: string): T[] {
  const keys = Object.keys(zero);
  return (JSON.parse(text) as Record<string, unknown>[]).map((raw) => {
    const row: Record<string, unknown> = {};
    for (const k of keys) {
      const fallback = zero[k];
      const value = raw[k] ?? fallback;
      row[k] = typeof fallback === "boolean" ? Boolean(value) : value;
    }
    return row as T;
  });
}

/**
 * Reads kept prepared for the whole process, by SQL text. PocketBase prepares every query anew,
 * and for a join SQLite's parser and planner cost more than running it (≈ 0.1 ms in the pure-Go
 * SQLite). One database/sql statement per text, shared by every VM (kept in the app store): it is
 * prepared at most once per read connection. (Each VM kept its own before, and at 64 concurrent
 * sends 64 VMs × 64 connections kept preparing the same few texts: 0.12 ms per send.) Only reads
 * outside a transaction use them: they run on PocketBase's read pool, and a statement prepared
 * there must not stand in for the transaction's own connection.
 */
const SHARED_KEY = "konvert.read-statement.";
/** This VM's reads by their text as written, with the parameter names by position. */
const prepared = new Map<string, { stmt: sql.Stmt; names: string[] }>();
/** This VM's references to the shared statements, by store key (no store look-up per use). */
const shared = new Map<string, sql.Stmt>();

/**
 * The process-wide statement stored under `key`, prepared on `pool()` the first time (the read
 * pool here, the writer in writer-statements.ts). Not the store's getOrSet: it holds the store's
 * lock while preparing, and preparing on the writer waits for it, whose holder may be waiting for
 * the store.
 */
export function sharedStatement(
  app: CoreApp,
  pool: () => sql.DB,
  key: string,
  text: string,
): sql.Stmt {
  const mine = shared.get(key);
  if (mine !== undefined) return mine;
  let stmt = app.store().get(key) as unknown as sql.Stmt | null;
  if (!stmt) {
    stmt = pool().prepare(text);
    // two VMs may have prepared it at once: both copies work, the store keeps one
    app.store().set(key, stmt);
  }
  shared.set(key, stmt);
  return stmt;
}

function sharedRead(app: CoreApp, text: string): { stmt: sql.Stmt; names: string[] } {
  const mine = prepared.get(text);
  if (mine !== undefined) return mine;
  // dbx's named placeholders as SQLite's numbered ones: a name used twice is one parameter
  const names: string[] = [];
  const positional = text.replace(/\{:(\w+)\}/g, (_, name: string) => {
    if (!names.includes(name)) names.push(name);
    return `?${names.indexOf(name) + 1}`;
  });
  const pool = () => (app.concurrentDB() as unknown as dbx.DB).db();
  const stmt = sharedStatement(app, pool, SHARED_KEY + positional, positional);
  const read = { stmt, names };
  prepared.set(text, read);
  return read;
}

/**
 * sqlText() through a statement kept prepared (read-only SQL whose single row's first column is
 * never NULL; `app` not in a transaction, or it runs as sqlText()).
 */
export function sqlTextPrepared(
  app: CoreApp,
  sql: string,
  params: Record<string, unknown> = {},
): string {
  if (app.isTransactional()) return sqlText(app, sql, params);
  const { stmt, names } = sharedRead(app, sql);
  const rows = stmt.query(...names.map((name) => params[name]));
  try {
    if (!rows.next()) {
      rows.err();
      return "";
    }
    // a Go *string, which the JSVM hands back as an object wrapping it: String() reads it
    const text: unknown = nullString();
    rows.scan(text);
    return String(text);
  } finally {
    rows.close();
  }
}
