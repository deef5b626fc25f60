// Superuser-only bulk routes for the Supabase import tool (scripts/import/). Rows are written with
// raw SQL upserts inside one transaction per request: no record hooks (notifications,
// achievements) and no realtime events fire per imported row, and a failed request leaves nothing
// half-written. Column names are checked against the collection's fields before they reach SQL.
import { badRequest, forbidden } from "./errors.ts";

type Row = Record<string, unknown>;

interface Failure {
  index: number;
  error: string;
}

/** Rows per multi-row INSERT; SQLite's bind-parameter limit (32 766) stays far away. */
const CHUNK = 100;

/** POST /api/konvert/import/rows {collection, rows, conflict?, insertOnly?} -> {written, failed}. */
export function onImportRows(e: core.RequestEvent): void {
  requireSuperuser(e);
  const body = e.requestInfo().body;
  const collection = findCollection(e.app, body["collection"]);
  const rows: unknown = body["rows"];
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > 5000) {
    badRequest("rows", "rows must be an array of 1..5000 objects.");
  }
  const fields = collection.fields.fieldNames();
  const conflict = columnList(body["conflict"] ?? ["id"], fields, "conflict");
  const insertOnly = columnList(body["insertOnly"] ?? [], fields, "insertOnly");
  const table = collection.name;

  const failed: Failure[] = [];
  let written = 0;
  e.app.runInTransaction((tx) => {
    // rows of one chunk must share their columns to share a statement
    let start = 0;
    while (start < rows.length) {
      const columns = rowColumns(rows[start], fields, start);
      let end = start + 1;
      while (
        end < rows.length &&
        end - start < CHUNK &&
        sameColumns(rowColumns(rows[end], fields, end), columns)
      ) {
        end++;
      }
      const chunk = (rows as Row[]).slice(start, end);
      try {
        upsert(tx, table, columns, chunk, conflict, insertOnly);
        written += chunk.length;
      } catch {
        // SQLite rolls back only the failed statement: retry row by row to name the culprits
        chunk.forEach((row, i) => {
          try {
            upsert(tx, table, columns, [row], conflict, insertOnly);
            written++;
          } catch (err) {
            failed.push({ index: start + i, error: String(err) });
          }
        });
      }
      start = end;
    }
  });
  e.json(200, { written, failed });
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
 * POST /api/konvert/import/file {collection, id, field, name, data (base64)} -> {name}: attaches
 * one file to an imported record unless a file with the same original name is already there.
 */
export function onImportFile(e: core.RequestEvent): void {
  requireSuperuser(e);
  const body = e.requestInfo().body;
  const collection = findCollection(e.app, body["collection"]);
  const field = String(body["field"] ?? "");
  if (
    !collection.fields.fieldNames().includes(field) ||
    collection.fields.getByName(field).type() !== "file"
  )
    badRequest("field", "Not a file field.");
  const name = String(body["name"] ?? "");
  if (!/^[\w.-]{1,150}$/.test(name)) badRequest("name", "Invalid file name.");
  const data = String(body["data"] ?? "");
  const app = e.app.unsafeWithoutHooks();
  const record = app.findRecordById(collection.name, String(body["id"] ?? ""));
  const stem = name.replace(/\.[^.]*$/, "").toLowerCase();
  const existing = record.getStringSlice(field).find((f) => f.toLowerCase().startsWith(stem));
  if (existing) {
    e.json(200, { name: existing });
    return;
  }
  const file = $filesystem.fileFromBytes(base64Bytes(data), name);
  record.set(field + "+", file);
  app.saveNoValidate(record);
  const stored = record.getStringSlice(field).find((f) => f.toLowerCase().startsWith(stem));
  e.json(200, { name: stored ?? "" });
}

function requireSuperuser(e: core.RequestEvent): void {
  if (!e.hasSuperuserAuth()) forbidden("Only superusers may import data.");
}

function findCollection(app: CoreApp, name: unknown): core.Collection {
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

function upsert(
  tx: CoreApp,
  table: string,
  columns: string[],
  rows: Row[],
  conflict: string[],
  insertOnly: string[],
): void {
  const params: Record<string, unknown> = {};
  const values = rows.map((row, r) => {
    const holders = columns.map((c, i) => {
      params[`p${r}_${i}`] = sqlValue(row[c]);
      return `{:p${r}_${i}}`;
    });
    return `(${holders.join(",")})`;
  });
  const updates = columns
    .filter((c) => !conflict.includes(c) && !insertOnly.includes(c))
    .map((c) => `\`${c}\` = excluded.\`${c}\``);
  const target = conflict.map((c) => `\`${c}\``).join(",");
  const onConflict =
    updates.length > 0
      ? `ON CONFLICT (${target}) DO UPDATE SET ${updates.join(", ")}`
      : `ON CONFLICT (${target}) DO NOTHING`;
  tx.db()
    .newQuery(
      `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(",")}) VALUES ${values.join(",")} ${onConflict}`,
    )
    .bind(params)
    .execute();
}

/** JSON-field values arrive as objects/arrays and are stored as their JSON text, like PocketBase. */
function sqlValue(value: unknown): unknown {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

function base64Bytes(data: string): number[] {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const clean = data.replace(/[^A-Za-z0-9+/]/g, "");
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    buffer = (buffer << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return out;
}
