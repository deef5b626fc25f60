// Profiles: who sees which fields, search, profile edits and avatars.
import { isActiveAt } from "../rules/moderation.ts";
import {
  fieldsHiddenByPrivacy,
  parseProfileUpdate,
  searchPattern,
  searchTextFor,
} from "../rules/profile.ts";
import { isStaff } from "../rules/rooms.ts";
import { callerOf, canSeePresenceOf, roleOf } from "./access.ts";
import { bindWith, userScope } from "../rules/scopes.ts";
import { nowMs } from "./clock.ts";
import { badRequest } from "./errors.ts";
import { fail } from "../actions/errors.ts";
import { allowOnly, onlineNow, userResponse } from "./people.ts";

/** Fields the schema hides from everyone; unhidden here per viewer. */
const PRIVATE_FIELDS = [
  "lastActiveAt",
  "status",
  "bannedUntil",
  "banReason",
  "mutedUntil",
  "gender",
  "age",
  "interests",
  "privacy",
  "timezone",
  "deletedAt",
  // moves with every presence heartbeat and profile change: the owner's and staff's only
  "updated",
];
const PROFILE_FIELDS = ["gender", "age", "interests"];
const PRESENCE_FIELDS = ["lastActiveAt", "status"];
const MODERATION_FIELDS = ["bannedUntil", "banReason", "mutedUntil"];

/** Keeps the lowercased search words in step with username and display name, whoever saves. */
export function onUserSave(e: core.RecordEvent): void {
  const user = e.record!;
  user.set("searchText", searchTextFor(user.getString("username"), user.getString("displayName")));
  e.next();
}

/**
 * Shapes every user record a client receives (lists, views, expands, auth responses, realtime):
 * the owner sees everything; others see the public profile minus what privacy settings withhold;
 * presence only between friends and room-mates; moderation state only for staff. `status` is
 * derived from `lastActiveAt`, and `banned`/`muted` are computed by time, never stored.
 */
export function onUserEnrich(e: core.RecordEnrichEvent): void {
  const user = e.record!;
  const viewer = e.requestInfo?.auth;
  if (viewer && !viewer.isSuperuser()) {
    const self = viewer.collection().name === "users" && viewer.id === user.id;
    const staff = self ? false : isStaff(roleOf(viewer));
    const shown: string[] = [];
    if (self) shown.push(...PRIVATE_FIELDS);
    else {
      const withheld = fieldsHiddenByPrivacy(privacyOf(user));
      shown.push(...PROFILE_FIELDS.filter((f) => !withheld.includes(f)));
      const presenceAllowed = !withheld.includes("lastActiveAt") || staff;
      if (presenceAllowed && (staff || canSeePresenceOf(e.app, viewer.id, user.id))) {
        shown.push(...PRESENCE_FIELDS);
      }
      if (staff) shown.push(...MODERATION_FIELDS, "updated");
    }
    user.unhide(...shown);
    if (shown.includes("status")) user.set("status", onlineNow(user) ? "online" : "offline");
    if (self || staff) {
      const now = nowMs(); // ban and mute deadlines are on the clock
      user.withCustomData(true);
      user.set("banned", isActiveAt(user.getString("bannedUntil"), now));
      user.set("muted", isActiveAt(user.getString("mutedUntil"), now));
    }
  }
  e.next();
}

/** JSON fields come back from the VM as raw bytes; the string form parses reliably. */
function privacyOf(user: core.Record): unknown {
  const raw = user.getString("privacy");
  try {
    return raw === "" ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

const SEARCH_PAGE_MAX = 50;

/** GET /api/konvert/users/search?q=&page=&perPage= — word-prefix search over username and display name. */
export function search(e: core.RequestEvent): void {
  const caller = callerOf(e);
  const query = e.requestInfo().query;
  const parsed = searchPattern(query["q"]);
  if ("problem" in parsed) return badRequest("q", parsed.problem);
  const page = positiveInt(query["page"], 1, "page", 1_000_000);
  const perPage = positiveInt(query["perPage"], 20, "perPage", SEARCH_PAGE_MAX);

  const records = arrayOf(new Record(e.app.findCachedCollectionByNameOrId("users")));
  // canSeeUser: accounts that exist, neither side blocking the other (the caller is left out)
  const visible = userScope.visibleTo(caller.id).where("users.id");
  e.app
    .recordQuery("users")
    .andWhere($dbx.exp("searchText LIKE {:p} ESCAPE '\\'", { p: parsed.pattern }))
    .andWhere($dbx.exp("id != {:me}", { me: caller.id }))
    .andWhere($dbx.exp(visible.sql, bindWith(visible, {})))
    .orderBy("searchText ASC") // starts with the lowercased username
    .limit(perPage + 1)
    .offset((page - 1) * perPage)
    .all(records);
  const items = records.slice(0, perPage);
  $apis.enrichRecords(e, items);
  e.json(200, { page, perPage, hasMore: records.length > perPage, items });
}

function positiveInt(raw: unknown, fallback: number, field: string, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    return badRequest(field, `${field} must be a whole number from 1 to ${max}.`);
  }
  return value;
}

/** POST /api/konvert/profile — partial update of the caller's own profile fields. */
export function update(e: core.RequestEvent): void {
  const caller = callerOf(e);
  const parsed = parseProfileUpdate(e.requestInfo().body);
  if (parsed.problem !== null) return fail("profile.invalid", parsed.problem, parsed.field);
  const user = e.app.findRecordById("users", caller.id);
  for (const [key, value] of Object.entries(parsed.changes)) user.set(key, value);
  e.app.save(user);
  userResponse(e, user);
}

/** POST /api/konvert/profile/avatar (multipart, field `avatar`) — replaces the avatar. */
export function uploadAvatar(e: core.RequestEvent): void {
  const caller = callerOf(e);
  let files: (filesystem.File | undefined)[];
  try {
    files = e.findUploadedFiles("avatar");
  } catch {
    return fail("profile.avatar.invalid", "Attach the image as the multipart field 'avatar'.");
  }
  const file = files[0];
  if (!file || files.length !== 1)
    return fail("profile.avatar.invalid", "Attach exactly one image.");
  const field = e.app
    .findCachedCollectionByNameOrId("users")
    .fields.getByName("avatar") as core.FileField;
  if (file.size > field.maxSize) return fail("profile.avatar.invalid");
  const user = e.app.findRecordById("users", caller.id);
  user.set("avatar", file);
  try {
    // The file field sniffs the content type itself (an SVG renamed .png is still refused).
    e.app.save(user);
  } catch {
    return fail("profile.avatar.invalid");
  }
  userResponse(e, user);
}

/** DELETE /api/konvert/profile/avatar */
export function removeAvatar(e: core.RequestEvent): void {
  const caller = callerOf(e);
  allowOnly(e.requestInfo().body, []);
  const user = e.app.findRecordById("users", caller.id);
  user.set("avatar", null);
  e.app.save(user);
  userResponse(e, user);
}
