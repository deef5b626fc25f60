// Users as the legacy API returns them (snake_case, `avatar` as a permanent URL).
import { legacyUser, type UserFacts } from "../rules/compat-shapes.ts";
import { isStaff } from "../rules/rooms.ts";
import { canSeePresenceOf, roleOf } from "../jsvm/access.ts";
import { nowMs, realNowMs } from "../jsvm/clock.ts";
import { publicBaseUrl } from "./http.ts";

/** JSON fields come back from the VM as raw bytes; the string form parses reliably. */
function jsonOf(record: core.Record, field: string): unknown {
  const raw = record.getString(field);
  try {
    return raw === "" ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

/** The avatar is a non-protected file with a random suffix: its URL never expires. */
export function fileUrl(e: core.RequestEvent, record: core.Record, name: string): string {
  if (name === "") return "";
  return `${publicBaseUrl(e)}/api/files/${record.collection().name}/${record.id}/${encodeURIComponent(name)}`;
}

export function factsOf(e: core.RequestEvent, u: core.Record): UserFacts {
  return {
    id: u.id,
    email: u.email(),
    username: u.getString("username"),
    displayName: u.getString("displayName"),
    role: u.getString("role"),
    lastActiveAt: u.getString("lastActiveAt"),
    created: u.getString("created"),
    bannedUntil: u.getString("bannedUntil"),
    mutedUntil: u.getString("mutedUntil"),
    avatarUrl: fileUrl(e, u, u.getString("avatar")),
    gender: u.getString("gender"),
    age: u.getInt("age"),
    interests: u.getString("interests"),
    privacy: jsonOf(u, "privacy"),
    publicKey: u.getString("publicKey"),
  };
}

function idsOf(app: CoreApp, sql: string, me: string): string[] {
  const rows = arrayOf(new DynamicModel({ id: "" }));
  app.db().newQuery(sql).bind({ me }).all(rows);
  return (rows as unknown as { id: string }[]).map((r) => r.id);
}

/** The caller's own object: everything, plus friends and blocks (the UI reads them). */
export function selfUser(e: core.RequestEvent, me: core.Record): Record<string, unknown> {
  const friends = idsOf(
    e.app,
    "SELECT CASE WHEN userA = {:me} THEN userB ELSE userA END AS id FROM friendships WHERE userA = {:me} OR userB = {:me}",
    me.id,
  );
  const blockedUsers = idsOf(
    e.app,
    "SELECT blocked AS id FROM blocks WHERE blocker = {:me}",
    me.id,
  );
  return legacyUser(
    factsOf(e, me),
    { self: true, staff: false, presence: true, friends, blockedUsers },
    nowMs(),
    realNowMs(),
  );
}

/** Another user as the viewer may see them (privacy, presence between acquaintances, staff). */
export function otherUser(
  e: core.RequestEvent,
  viewer: core.Record | null,
  user: core.Record,
  withPresence = true,
): Record<string, unknown> {
  if (viewer && viewer.id === user.id) return selfUser(e, user);
  const staff = viewer !== null && isStaff(roleOf(viewer));
  const presence =
    viewer !== null && withPresence && (staff || canSeePresenceOf(e.app, viewer.id, user.id));
  return legacyUser(factsOf(e, user), { self: false, staff, presence }, nowMs(), realNowMs());
}
