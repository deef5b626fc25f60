// One value from one SQL statement. The result rows are reused per VM (this module's scope lives
// as long as the pooled VM that required it, and a VM runs one handler at a time): building a
// DynamicModel costs a reflected Go struct type per call, more than a small indexed query.
let textRow: { v: string } | undefined;
let numberRow: { v: number } | undefined;

/** The first column of the single row `sql` returns, as text (write it to always return a row). */
export function sqlText(app: CoreApp, sql: string, params: Record<string, unknown> = {}): string {
  return textOf(app.db().newQuery(sql), params);
}

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
 * This VM's prepared statements, by SQL text. PocketBase prepares every query anew, and for a
 * join SQLite's parser and planner cost more than running it (≈ 0.1 ms in the pure-Go SQLite).
 * Only reads outside a transaction use them: they run on PocketBase's read pool, and a statement
 * prepared there must not stand in for the transaction's own connection.
 */
const prepared = new Map<string, DbxQuery>();
type DbxQuery = ReturnType<ReturnType<CoreApp["db"]>["newQuery"]>;

/** sqlText() through a statement this VM keeps prepared (read-only SQL; `app` not in a tx). */
export function sqlTextPrepared(
  app: CoreApp,
  sql: string,
  params: Record<string, unknown> = {},
): string {
  if (app.isTransactional()) return sqlText(app, sql, params);
  let query = prepared.get(sql);
  if (!query) {
    query = app.db().newQuery(sql).prepare();
    prepared.set(sql, query);
  }
  return textOf(query, params);
}
