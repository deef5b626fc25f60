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
  /**
   * The number of KV rows counted on the source itself (live sources), checked against what
   * each pass reads; also the progress total.
   */
  count?(): Promise<number | undefined>;
  /** A format that carries no row count or terminator of its own (CSV): needs --expect-rows. */
  uncounted?: boolean;
  close(): Promise<void>;
}

/**
 * What a source does with a sign that its input is incomplete or malformed (a dump without its
 * terminators or trailer, a line that does not parse): `problem` throws, unless the run allows a
 * partial import, and then it is recorded for the top of the report and the line is skipped.
 */
export interface SourceChecks {
  problem(message: string): void;
}

/** The default: every problem aborts the run. */
export const STRICT: SourceChecks = {
  problem: (message) => {
    throw new IncompleteSourceError(message);
  },
};

export class IncompleteSourceError extends Error {
  constructor(message: string) {
    super(
      `${message}\nThe source is incomplete or malformed. Nothing was written; fix the export, or ` +
        "re-run with --allow-partial to import what is there (the report then lists what is missing).",
    );
    this.name = "IncompleteSourceError";
  }
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

/** KV values in text form (dumps, CSV) are JSON text; `where` names the file and line. */
export function parseJsonText(
  text: string,
  key: string,
  where: string,
  checks: SourceChecks,
): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    checks.problem(`${where}: the value of key "${key}" is not valid JSON.`);
    return { ok: false };
  }
}

/** The first characters of a bad line, for messages. */
export function preview(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}
