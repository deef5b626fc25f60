// Session tokens of the legacy API. The access token is a PocketBase auth token (same signing
// key, `id`/`type`/`collectionId` claims) that also carries `sub`, so PocketBase itself verifies
// it on every request and the original client can read `sub`/`exp` from it. Refresh tokens are
// random strings; only their SHA-256 is stored, and each one works once.
import { clockAdjustable, nowMs } from "../jsvm/clock.ts";

/** One hour, like Supabase's default: the client refreshes when under ten minutes remain. */
const DEFAULT_ACCESS_TTL_SECONDS = 3600;

/**
 * Access-token lifetime; `KONVERT_COMPAT_ACCESS_TTL` (seconds) overrides it, which tests use to
 * see a token expire. Under 600 s the original client refreshes on every check, so keep it above.
 */
export function accessTtlSeconds(): number {
  const raw = Number.parseInt($os.getenv("KONVERT_COMPAT_ACCESS_TTL"), 10);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_ACCESS_TTL_SECONDS;
}
/** Sixty days without use and the user signs in again. */
const REFRESH_TTL_MS = 60 * 24 * 3600 * 1000;

export function accessToken(user: core.Record): string {
  const collection = user.collection();
  return $security.createJWT(
    {
      id: user.id,
      sub: user.id,
      type: "auth",
      collectionId: collection.id,
      refreshable: true,
      role: "authenticated",
      // The expiry on the clock (jsvm/clock.ts). PocketBase checks `exp` against real time;
      // this one is checked only where the clock can move (accessExpiredOnClock).
      clockExp: Math.floor(nowMs() / 1000) + accessTtlSeconds(),
    },
    user.tokenKey() + collection.authToken.secret,
    accessTtlSeconds(),
  );
}

/**
 * True when the request's access token has expired on a moved clock (test servers only): with the
 * clock at real time PocketBase's own `exp` check says the same, so production skips the work.
 */
export function accessExpiredOnClock(e: core.RequestEvent): boolean {
  if (!clockAdjustable()) return false;
  const header = e.request?.header.get("Authorization") ?? "";
  const token = header.replace(/^Bearer\s+/i, "");
  if (token === "") return false;
  let exp: unknown;
  try {
    exp = $security.parseUnverifiedJWT(token)["clockExp"];
  } catch {
    return false; // PocketBase has already judged the signature
  }
  return typeof exp === "number" && nowMs() >= exp * 1000;
}

function hashOf(token: string): string {
  return $security.sha256(token);
}

/** Stores a new refresh token for the user and returns it (call inside the caller's transaction). */
export function issueRefreshToken(app: CoreApp, userId: string): string {
  const token = $security.randomString(48);
  const row = new Record(app.findCachedCollectionByNameOrId("compat_refresh_tokens"));
  row.set("user", userId);
  row.set("tokenHash", hashOf(token));
  // a deadline, so on the clock (jsvm/clock.ts)
  row.set("expiresAt", new DateTime(new Date(nowMs() + REFRESH_TTL_MS).toISOString()));
  app.save(row);
  return token;
}

/**
 * Spends a refresh token: the row goes and a new one replaces it, in one transaction (PocketBase
 * runs one writer at a time, so the same token never works twice). Returns the user, or null when
 * the token is unknown, spent, expired, or its account is gone.
 */
export function rotateRefreshToken(
  app: CoreApp,
  token: string,
): { user: core.Record; refreshToken: string } | null {
  let result: { user: core.Record; refreshToken: string } | null = null;
  app.runInTransaction((tx) => {
    let row: core.Record;
    try {
      row = tx.findFirstRecordByFilter("compat_refresh_tokens", "tokenHash = {:h}", {
        h: hashOf(token),
      });
    } catch {
      return;
    }
    tx.delete(row);
    if (row.getDateTime("expiresAt").unix() * 1000 < nowMs()) return;
    let user: core.Record;
    try {
      user = tx.findRecordById("users", row.getString("user"));
    } catch {
      return;
    }
    if (user.getString("deletedAt") !== "") return;
    result = { user, refreshToken: issueRefreshToken(tx, user.id) };
  });
  return result;
}

/** Revokes one refresh token (sign-out); unknown tokens are ignored. */
export function revokeRefreshToken(app: CoreApp, token: string): void {
  try {
    app.delete(
      app.findFirstRecordByFilter("compat_refresh_tokens", "tokenHash = {:h}", {
        h: hashOf(token),
      }),
    );
  } catch {
    // already spent or never issued
  }
}
