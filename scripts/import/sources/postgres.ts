// Live Postgres (Supabase or self-hosted): a server-side cursor over the KV table, auth.users in
// one query.
import pg from "pg";
import Cursor from "pg-cursor";
import { authUserFromColumns, KV_TABLE, type AuthUser, type KvRow, type Source } from "./types.ts";

// Rows per cursor read: a smaller read's row objects are more likely to die young instead of
// outliving young-generation collections while the read is mapped; with the heap bound of
// heap.ts the difference was small (docs/import.md). The read ahead (below) keeps PostgreSQL
// busy all the same.
const BATCH = 1000;

export async function postgresSource(url: string, table?: string): Promise<Source> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const kvTable = await findKvTable(client, table);
    return {
      describe: `postgres ${redact(url)} table ${kvTable.schema}.${kvTable.name}`,
      kv: () => streamKv(url, kvTable),
      authUsers: () => readAuthUsers(client),
      count: async () => {
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${ident(kvTable.schema)}.${ident(kvTable.name)}`,
        );
        return Number(rows[0]?.n ?? 0);
      },
      close: () => client.end(),
    };
  } catch (err) {
    await client.end();
    throw err;
  }
}

interface TableRef {
  schema: string;
  name: string;
}

async function findKvTable(client: pg.Client, wanted?: string): Promise<TableRef> {
  const { rows } = await client.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const candidates = rows.filter((r) =>
    wanted
      ? r.table_name === wanted || `${r.table_schema}.${r.table_name}` === wanted
      : KV_TABLE.test(r.table_name),
  );
  if (candidates.length === 0) {
    throw new Error(
      wanted
        ? `Table ${wanted} not found.`
        : "No kv_store_<8 hex> table found; name it with --table.",
    );
  }
  if (candidates.length > 1) {
    throw new Error(
      `Several KV tables found (${candidates.map((c) => c.table_name).join(", ")}); choose one with --table.`,
    );
  }
  const found = candidates[0];
  if (!found) throw new Error("No KV table found.");
  return { schema: found.table_schema, name: found.table_name };
}

/** Each pass opens its own connection so a cursor never shares one with other queries. */
async function* streamKv(url: string, table: TableRef): AsyncIterable<KvRow> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const cursor = client.query(
      new Cursor<{ key: string; value: unknown }>(
        `SELECT key, value FROM ${ident(table.schema)}.${ident(table.name)} ORDER BY key`,
      ),
    );
    let next = cursor.read(BATCH);
    try {
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        // ask for the next batch before mapping this one: PostgreSQL (on another core) reads
        // and serialises it meanwhile instead of waiting for our next request
        next = cursor.read(BATCH);
        for (const row of rows) yield row; // already a { key, value } object
      }
    } finally {
      // a consumer that stops early leaves one read in flight; client.end() fails it
      next.catch(() => undefined);
    }
    await cursor.close();
  } finally {
    await client.end();
  }
}

async function readAuthUsers(client: pg.Client): Promise<AuthUser[]> {
  const exists = await client.query(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'auth' AND table_name = 'users'",
  );
  if (exists.rowCount === 0) return [];
  const columns = await client.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'auth' AND table_name = 'users'",
  );
  const have = new Set(columns.rows.map((r) => r.column_name));
  const wanted = [
    "id",
    "email",
    "encrypted_password",
    "email_confirmed_at",
    "confirmed_at",
    "created_at",
    "updated_at",
    "last_sign_in_at",
    "banned_until",
    "deleted_at",
    "raw_user_meta_data",
  ].filter((c) => have.has(c));
  // timestamps as ISO text so every source format yields the same strings
  const select = wanted.map((c) =>
    c.endsWith("_at") || c === "banned_until"
      ? `to_char(${ident(c)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${ident(c)}`
      : `${ident(c)}::text AS ${ident(c)}`,
  );
  const { rows } = await client.query<Record<string, string | null>>(
    `SELECT ${select.join(", ")} FROM auth.users ORDER BY id`,
  );
  return rows.flatMap((row) => authUserFromColumns((c) => row[c]) ?? []);
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
