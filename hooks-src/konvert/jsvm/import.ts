// Superuser-only bulk routes for the Supabase import tool (scripts/import/). Rows are written with
// raw SQL upserts inside one transaction per request: no record hooks (notifications,
// achievements) and no realtime events fire per imported row, and a failed request leaves nothing
// half-written. Column names are checked against the collection's fields before they reach SQL.
import { upsertStatement } from "../rules/import-rows.ts";
import { badRequest } from "./errors.ts";
import { fail } from "../actions/errors.ts";

type Row = Record<string, unknown>;

interface Failure {
  index: number;
  error: string;
}

/** Rows per request: ~2 MB of message JSON, well inside PocketBase's 32 MB body limit. */
const MAX_ROWS = 10000;

/**
 * POST /api/konvert/import/rows -> {written, failed}. Two body forms:
 * - compact (the import tool): {collection, columns, rows: "<JSON text of [[v1, v2, …], …]>"};
 * - objects: {collection, rows: [{field: value}, …]} (rows sharing their fields share a statement).
 * Optional `conflict` (default ["id"]) and `insertOnly` (fields kept when the row exists).
 *
 * The compact form hands the whole batch to SQLite as ONE bound parameter and lets
 * `json_each` unpack it, so the JS work per request is constant: goja costs ~100x V8 per row,
 * which is what held the per-row version to ~760 rows/s.
 */
export function onImportRows(e: core.RequestEvent): void {
  requireSuperuser(e);
  const body = e.requestInfo().body;
  const collection = findCollection(e.app, body["collection"]);
  const fields = collection.fields.fieldNames();
  const conflict = columnList(body["conflict"] ?? ["id"], fields, "conflict");
  const insertOnly = columnList(body["insertOnly"] ?? [], fields, "insertOnly");
  const statement = (columns: string[]) =>
    upsertStatement(collection.name, columns, conflict, insertOnly, "{:rows}");

  const failed: Failure[] = [];
  let written = 0;
  const rows: unknown = body["rows"];
  if (typeof rows === "string") {
    const columns = columnList(body["columns"], fields, "columns");
    if (columns.length === 0) badRequest("columns", "columns must name at least one field.");
    const count = jsonArrayLength(e.app, rows);
    if (count < 1 || count > MAX_ROWS) {
      badRequest("rows", `rows must be a JSON array of 1..${MAX_ROWS} arrays.`);
    }
    const sql = statement(columns);
    e.app.runInTransaction((tx) => {
      const result = writeBatch(tx, sql, rows, count, () => JSON.parse(rows) as unknown[], 0);
      written += result.written;
      failed.push(...result.failed);
    });
  } else {
    if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_ROWS) {
      badRequest("rows", `rows must be an array of 1..${MAX_ROWS} objects.`);
    }
    e.app.runInTransaction((tx) => {
      // consecutive rows with the same fields go into one statement
      let start = 0;
      while (start < rows.length) {
        const columns = rowColumns(rows[start], fields, start);
        let end = start + 1;
        while (end < rows.length && sameColumns(rowColumns(rows[end], fields, end), columns)) end++;
        const group = (rows as Row[]).slice(start, end).map((row) => columns.map((c) => row[c]));
        const json = JSON.stringify(group);
        const result = writeBatch(tx, statement(columns), json, group.length, () => group, start);
        written += result.written;
        failed.push(...result.failed);
        start = end;
      }
    });
  }
  e.json(200, { written, failed });
}

/**
 * One statement for the whole batch; if SQLite refuses it (a unique index other than the
 * conflict target, a NOT NULL column), it has rolled back only that statement, so the rows are
 * retried one by one to write the good ones and name the culprits.
 */
function writeBatch(
  tx: CoreApp,
  sql: string,
  json: string,
  count: number,
  parse: () => unknown[],
  offset: number,
): { written: number; failed: Failure[] } {
  try {
    tx.db().newQuery(sql).bind({ rows: json }).execute();
    return { written: count, failed: [] };
  } catch {
    const failed: Failure[] = [];
    let written = 0;
    parse().forEach((row, i) => {
      try {
        tx.db()
          .newQuery(sql)
          .bind({ rows: JSON.stringify([row]) })
          .execute();
        written++;
      } catch (err) {
        failed.push({ index: offset + i, error: String(err) });
      }
    });
    return { written, failed };
  }
}

/** Validates and counts the batch in SQLite, without materialising it as JS values. */
function jsonArrayLength(app: CoreApp, json: string): number {
  const result = new DynamicModel({ n: 0 });
  try {
    app
      .db()
      .newQuery(
        "SELECT CASE WHEN json_valid({:rows}) AND json_type({:rows}) = 'array' " +
          "AND NOT EXISTS (SELECT 1 FROM json_each({:rows}) WHERE type != 'array') " +
          "THEN json_array_length({:rows}) ELSE -1 END AS n",
      )
      .bind({ rows: json })
      .one(result);
  } catch {
    return -1;
  }
  return (result as { n: number }).n;
}

/** POST /api/konvert/import/read {collection, ids} -> {rows}: stored values, for the verify step. */
export function onImportRead(e: core.RequestEvent): void {
  requireSuperuser(e);
  const body = e.requestInfo().body;
  const collection = findCollection(e.app, body["collection"]);
  const ids: unknown = body["ids"];
  if (!Array.isArray(ids) || ids.length > 5000 || ids.some((id) => typeof id !== "string")) {
    badRequest("ids", "ids must be an array of at most 5000 strings.");
  }
  const fields = collection.fields.fieldNames().filter((f) => f !== "password" && f !== "tokenKey");
  const pairs = fields.map((f) => `'${f}', \`${f}\``).join(", ");
  const params: Record<string, unknown> = {};
  const holders = (ids as string[]).map((id, i) => {
    params[`i${i}`] = id;
    return `{:i${i}}`;
  });
  const rows: unknown[] = [];
  if (holders.length > 0) {
    const found = arrayOf(new DynamicModel({ j: "" }));
    e.app
      .db()
      .newQuery(
        `SELECT json_object(${pairs}) AS j FROM \`${collection.name}\` WHERE id IN (${holders.join(",")})`,
      )
      .bind(params)
      .all(found);
    for (const row of found as { j: string }[]) rows.push(JSON.parse(row.j));
  }
  e.json(200, { rows });
}

/**
 * POST /api/konvert/import/file, multipart {collection, id, field, name, file} -> {name, stored}:
 * puts one file where PocketBase keeps the files of that record's field. The import tool
 * chooses the name (derived from the source object) and writes it into the record's column
 * with the rows route, so the file is only stored here, never re-uploaded when it exists.
 */
export function onImportFile(e: core.RequestEvent): void {
  requireSuperuser(e);
  const body = e.requestInfo().body;
  const collection = findCollection(e.app, body["collection"]);
  const field = String(body["field"] ?? "");
  if (
    !collection.fields.fieldNames().includes(field) ||
    collection.fields.getByName(field).type() !== "file"
  ) {
    badRequest("field", "Not a file field.");
  }
  const id = String(body["id"] ?? "");
  if (!/^[a-z0-9]{15}$/.test(id)) badRequest("id", "Invalid record id.");
  const name = String(body["name"] ?? "");
  if (!/^[a-z0-9_]{1,120}(\.[a-z0-9]{1,10})?$/.test(name)) badRequest("name", "Invalid file name.");
  let files: (filesystem.File | undefined)[] = [];
  try {
    files = e.findUploadedFiles("file");
  } catch {
    // no file part at all: answered below
  }
  const file = files[0];
  if (!file) return badRequest("file", "The file is missing.");
  const key = `${collection.baseFilesPath()}/${id}/${name}`;
  const fs = e.app.newFilesystem();
  let stored = false;
  try {
    if (!fs.exists(key)) {
      fs.uploadFile(file, key);
      stored = true;
    }
  } finally {
    fs.close();
  }
  e.json(200, { name, stored });
}

export function requireSuperuser(e: core.RequestEvent): void {
  if (!e.hasSuperuserAuth()) fail("superuser.required", "Only superusers may import data.");
}

export function findCollection(app: CoreApp, name: unknown): core.Collection {
  if (typeof name !== "string" || !/^[a-z_]{1,64}$/.test(name) || name.startsWith("_")) {
    badRequest("collection", "Unknown collection.");
  }
  try {
    return app.findCollectionByNameOrId(name);
  } catch {
    return badRequest("collection", "Unknown collection.");
  }
}

function columnList(value: unknown, fields: string[], what: string): string[] {
  if (!Array.isArray(value) || value.some((c) => typeof c !== "string" || !fields.includes(c))) {
    badRequest(what, `${what} must list fields of the collection.`);
  }
  return value as string[];
}

function rowColumns(row: unknown, fields: string[], index: number): string[] {
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    badRequest("rows", `Row ${index} is not an object.`);
  }
  const columns = Object.keys(row);
  const unknown = columns.find((c) => !fields.includes(c));
  if (unknown !== undefined) badRequest("rows", `Row ${index}: unknown field "${unknown}".`);
  return columns;
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
