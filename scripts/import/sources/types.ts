// What every source format yields: KV rows (re-readable, streamed) and the auth users.

export interface KvRow {
  key: string;
  /** The parsed JSON value, as stored in the jsonb column. */
  value: unknown;
}

/** A row of Supabase's auth.users (only the columns the import reads). */
export interface AuthUser {
  id: string;
  email: string;
  encryptedPassword: string;
  emailConfirmedAt: string;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string;
  bannedUntil: string;
  deletedAt: string;
  metadata: Record<string, unknown>;
}

export interface Source {
  /** Human description for the report, without secrets. */
  describe: string;
  /** Streams every KV row; may be called once per pass. */
  kv(): AsyncIterable<KvRow>;
  authUsers(): Promise<AuthUser[]>;
  /** The number of KV rows, where the source can tell cheaply (for progress totals). */
  count?(): Promise<number | undefined>;
  close(): Promise<void>;
}

export const KV_TABLE = /^kv_store_[0-9a-f]{8}$/;

/** auth.users columns by name (CSV header, COPY column list, INSERT column list). */
export function authUserFromColumns(get: (column: string) => unknown): AuthUser | undefined {
  const text = (c: string): string => {
    const v = get(c);
    return v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  };
  const id = text("id");
  if (!id) return undefined;
  let metadata: unknown = get("raw_user_meta_data");
  if (typeof metadata === "string" && metadata !== "") {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      metadata = {};
    }
  }
  return {
    id,
    email: text("email"),
    encryptedPassword: text("encrypted_password"),
    emailConfirmedAt: text("email_confirmed_at") || text("confirmed_at"),
    createdAt: text("created_at"),
    updatedAt: text("updated_at"),
    lastSignInAt: text("last_sign_in_at"),
    bannedUntil: text("banned_until"),
    deletedAt: text("deleted_at"),
    metadata:
      typeof metadata === "object" && metadata !== null && !Array.isArray(metadata)
        ? (metadata as Record<string, unknown>)
        : {},
  };
}

/** KV values in text form (dumps, CSV) are JSON text. */
export function parseJsonText(text: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`The value of key "${key}" is not valid JSON.`);
  }
}
