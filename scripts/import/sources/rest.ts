// Supabase's REST API with the service-role key: the KV table through PostgREST, paginated past
// the project's max-rows cap (1000 by default) in key order. auth.users come from the Auth admin
// API, which never returns password hashes: those users are all listed for a password reset.
import { isObject } from "../convert.ts";
import { KV_TABLE, type AuthUser, type KvRow, type Source } from "./types.ts";

const PAGE = 1000;

export async function restSource(
  baseUrl: string,
  serviceKey: string,
  table?: string,
): Promise<Source> {
  const base = baseUrl.replace(/\/+$/, "");
  const headers = { apikey: serviceKey, Authorization: `Bearer ${serviceKey}` };
  const kvTable = table ?? (await detectTable(base, headers));
  return {
    describe: `Supabase REST ${base} table ${kvTable}`,
    kv: () => restKv(base, headers, kvTable),
    authUsers: () => restUsers(base, headers),
    count: async () => {
      // PostgREST counts on request: "Content-Range: 0-0/<total>"
      const res = await fetch(`${base}/rest/v1/${kvTable}?select=key&limit=1`, {
        headers: { ...headers, Prefer: "count=exact" },
      });
      const total = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1];
      return res.ok && total ? Number(total) : undefined;
    },
    close: () => Promise.resolve(),
  };
}

async function detectTable(base: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${base}/rest/v1/`, { headers });
  if (!res.ok) throw new Error(`Supabase REST answered ${res.status} when listing tables.`);
  const spec = (await res.json()) as { paths?: Record<string, unknown> };
  const tables = Object.keys(spec.paths ?? {})
    .map((p) => p.replace(/^\//, ""))
    .filter((t) => KV_TABLE.test(t));
  if (tables.length !== 1) {
    throw new Error(
      tables.length === 0
        ? "No kv_store_<8 hex> table exposed by the REST API; name it with --table."
        : `Several KV tables (${tables.join(", ")}); choose one with --table.`,
    );
  }
  return tables[0] ?? "";
}

async function* restKv(
  base: string,
  headers: Record<string, string>,
  table: string,
): AsyncIterable<KvRow> {
  for (let offset = 0; ; offset += PAGE) {
    const url = `${base}/rest/v1/${table}?select=key,value&order=key.asc&limit=${PAGE}&offset=${offset}`;
    const res = await fetch(url, {
      headers: { ...headers, Range: `${offset}-${offset + PAGE - 1}` },
    });
    if (!res.ok) throw new Error(`Supabase REST answered ${res.status} for ${table} at ${offset}.`);
    const rows = (await res.json()) as { key: string; value: unknown }[];
    for (const row of rows) yield { key: row.key, value: row.value };
    if (rows.length === 0) break;
  }
}

async function restUsers(base: string, headers: Record<string, string>): Promise<AuthUser[]> {
  const users: AuthUser[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${base}/auth/v1/admin/users?page=${page}&per_page=1000`, { headers });
    if (!res.ok) throw new Error(`Supabase Auth answered ${res.status} when listing users.`);
    const body = (await res.json()) as { users?: Record<string, unknown>[] };
    const batch = body.users ?? [];
    for (const u of batch) {
      const text = (k: string): string => {
        const v = u[k];
        return typeof v === "string" ? v : "";
      };
      users.push({
        id: text("id"),
        email: text("email"),
        encryptedPassword: "", // never exposed by the admin API
        emailConfirmedAt: text("email_confirmed_at"),
        createdAt: text("created_at"),
        updatedAt: text("updated_at"),
        lastSignInAt: text("last_sign_in_at"),
        bannedUntil: text("banned_until"),
        deletedAt: text("deleted_at"),
        metadata: isObject(u["user_metadata"]) ? u["user_metadata"] : {},
      });
    }
    if (batch.length === 0) break;
  }
  return users;
}
