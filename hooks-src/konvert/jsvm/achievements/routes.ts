// Achievement routes. A user sees their own progress and streaks; anyone signed in sees another
// user's unlocked, non-secret achievements only. Secret achievements stay masked until unlocked.
import {
  currentStreakOn,
  progressOf,
  type AchievementKey,
  type Stats,
} from "../../rules/achievements.ts";
import { callerOf, findActiveUser } from "../access.ts";
import { nowDate } from "../clock.ts";
import { fail } from "../../actions/errors.ts";
import { bodyOf, pathParam } from "../http.ts";
import { localTime, zoneOf } from "./local-time.ts";
import { recomputeAll } from "./recompute.ts";
import { loadStats, type CatalogueEntry } from "./stats.ts";
import { findUnlockRow, unlock } from "./unlock.ts";

const CATALOGUE_FIELDS = [
  "key",
  "title",
  "description",
  "category",
  "rarity",
  "maxProgress",
  "secret",
  "clientClaimable",
  "icon",
  "sortOrder",
] as const;
/** What a secret achievement shows before it is unlocked. */
const MASKED = new Set(["key", "title", "description", "icon"]);

interface Item {
  achievement: Record<string, unknown>;
  progress: Record<string, unknown> | null;
}

/** The achievements action: the caller's own listing when `requested` is empty or theirs. */
export function listAchievements(
  app: CoreApp,
  me: core.Record,
  requested: string,
): Record<string, unknown> {
  const own = requested === "" || requested === me.id;
  const user = own ? me : findActiveUser(app, requested);
  const stats = own ? loadStats(app, me.id).stats : null;
  const unlockRows = new Map(
    app
      .findRecordsByFilter("user_achievements", "user = {:user}", "", 0, 0, { user: user.id })
      .map((r) => [r!.getString("achievement"), r!]),
  );
  const items: Item[] = [];
  for (const a of app.findRecordsByFilter("achievements", "", "sortOrder,key", 0, 0)) {
    const row = unlockRows.get(a!.id);
    const unlocked = row !== undefined && row.getString("unlockedAt") !== "";
    const secret = a!.getBool("secret");
    if (!own && (!unlocked || secret)) continue;
    items.push({
      achievement: catalogueJson(a!, secret && !unlocked),
      progress: unlocked ? rowJson(row) : ownProgress(a!, user.id, stats, secret),
    });
  }
  const body: Record<string, unknown> = { user: user.id, items };
  if (own) body["stats"] = statsJson(stats, localTime(nowDate(), zoneOf(me)).slice(0, 10));
  return body;
}

/** GET /api/konvert/achievements?userId= */
export function list(e: core.RequestEvent): void {
  const me = callerOf(e);
  e.json(200, listAchievements(e.app, me, e.request!.url!.query().get("userId")));
}

function catalogueJson(a: core.Record, masked: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: a.id,
    collectionId: a.collection().id,
    collectionName: "achievements",
    created: a.getString("created"),
    updated: a.getString("updated"),
  };
  for (const field of CATALOGUE_FIELDS)
    out[field] = masked && MASKED.has(field) ? "" : a.get(field);
  return out;
}

function rowJson(row: core.Record): Record<string, unknown> {
  return {
    id: row.id,
    collectionId: row.collection().id,
    collectionName: "user_achievements",
    user: row.getString("user"),
    achievement: row.getString("achievement"),
    progress: row.getInt("progress"),
    unlockedAt: row.getString("unlockedAt"),
    created: row.getString("created"),
    updated: row.getString("updated"),
  };
}

/** Progress not unlocked yet, from the stats (no row is written until it unlocks). */
function ownProgress(
  a: core.Record,
  userId: string,
  stats: Stats | null,
  secret: boolean,
): Record<string, unknown> | null {
  if (stats === null || secret) return null;
  const progress = Math.min(
    progressOf(stats, a.getString("key") as AchievementKey),
    a.getInt("maxProgress"),
  );
  if (progress === 0) return null;
  return {
    id: "",
    collectionName: "user_achievements",
    user: userId,
    achievement: a.id,
    progress,
    unlockedAt: "",
    created: "",
    updated: "",
  };
}

function statsJson(stats: Stats | null, today: string): Record<string, unknown> {
  const c = stats?.counters;
  return {
    messagesSent: stats?.messagesSent ?? 0,
    reactionsGiven: stats?.reactionsGiven ?? 0,
    reactionsReceived: stats?.reactionsReceived ?? 0,
    currentStreak: stats ? currentStreakOn(stats, today) : 0,
    longestStreak: stats?.longestStreak ?? 0,
    lastActiveDay: stats?.lastActiveDay ?? "",
    voice: c?.voice ?? 0,
    photos: c?.photos ?? 0,
    files: c?.files ?? 0,
    videos: Object.values(c?.videosByRoom ?? {}).reduce((a, b) => a + b, 0),
    replies: c?.replies ?? 0,
  };
}

/**
 * POST /api/konvert/achievements/{id}/unlock — `id` is the key or the record id. Only
 * achievements the catalogue marks client-claimable (conditions only the client can observe);
 * everything else is decided by the server and refused with 403.
 */
export function claim(e: core.RequestEvent): void {
  e.json(200, claimAchievement(e.app, callerOf(e), pathParam(e, "id")));
}

/** The claim action: a client-claimable achievement unlocks for the caller. */
export function claimAchievement(
  app: CoreApp,
  me: core.Record,
  ref: string,
): { newUnlock: boolean; achievement: Record<string, unknown>; progress: Record<string, unknown> } {
  let achievement: core.Record | null = null;
  try {
    achievement = app.findFirstRecordByFilter("achievements", "key = {:ref} || id = {:ref}", {
      ref,
    });
  } catch {
    // reported below
  }
  if (!achievement) return fail("achievement.not_found");
  if (!achievement.getBool("clientClaimable")) fail("achievement.not_claimable");
  const entry: CatalogueEntry = {
    id: achievement.id,
    key: achievement.getString("key"),
    title: achievement.getString("title"),
    icon: achievement.getString("icon"),
    maxProgress: Math.max(1, achievement.getInt("maxProgress")),
  };
  let newUnlock = false;
  app.runInTransaction((tx) => {
    newUnlock = unlock(tx, me.id, entry, { notify: true });
  });
  const row = findUnlockRow(app, me.id, achievement.id)!;
  return { newUnlock, achievement: catalogueJson(achievement, false), progress: rowJson(row) };
}

/** POST /api/konvert/admin/achievements/recompute {userId?} — superusers only. */
export function recompute(e: core.RequestEvent): void {
  if (!e.hasSuperuserAuth()) {
    fail("superuser.required", "Only superusers can recompute achievements.");
  }
  const userId = bodyOf(e)["userId"];
  let only: string | null = null;
  if (typeof userId === "string" && userId !== "") only = findActiveUser(e.app, userId).id;
  e.json(200, recomputeAll(e.app, only));
}
