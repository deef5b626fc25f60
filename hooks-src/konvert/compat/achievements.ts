// R70–R74: achievements over the legacy API. The server decides progress and unlocks from
// stored data (spec B-fixes: the original trusted any caller with any user id), so the client's
// progress reports are answered with the server's state, and only client-claimable achievements
// can be unlocked on request. Each user reads and reports only for themselves.
import * as achievements from "../jsvm/achievements/routes.ts";
import { asActionError } from "../actions/errors.ts";
import { handle, legacy, legacyBody, legacyCaller } from "./http.ts";

interface Item {
  achievement: { key: string };
  progress: { progress: number; unlockedAt: string; updated: string } | null;
}
interface Listing {
  items: Item[];
  stats?: {
    messagesSent: number;
    currentStreak: number;
    longestStreak: number;
    lastActiveDay: string;
    voice?: number;
    photos?: number;
    files?: number;
    videos?: number;
    replies?: number;
  };
}

function entryOf(item: Item): Record<string, unknown> {
  const unlockedAt = item.progress?.unlockedAt ?? "";
  const entry: Record<string, unknown> = {
    achievementId: item.achievement.key,
    progress: item.progress?.progress ?? 0,
    isUnlocked: unlockedAt !== "",
  };
  if (unlockedAt !== "") entry["unlockedAt"] = unlockedAt.replace(" ", "T");
  return entry;
}

/** The caller's own listing; other users' ids are refused (the original let anyone write). */
function ownListing(e: core.RequestEvent, me: core.Record): Listing {
  if (e.request!.pathValue("userId") !== me.id) legacy(403, "Нет доступа");
  return achievements.listAchievements(e.app, me, "") as unknown as Listing;
}

/** GET /achievements/{userId} -> AchievementProfile; others see unlocked, non-secret ones. */
export function profile(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const userId = e.request!.pathValue("userId");
    const listing = achievements.listAchievements(e.app, me, userId) as unknown as Listing;
    const map: Record<string, unknown> = {};
    for (const item of listing.items) {
      if (item.achievement.key !== "") map[item.achievement.key] = entryOf(item);
    }
    e.json(200, { userId, achievements: map, lastUpdated: new Date().toISOString() });
  });
}

function stateOf(listing: Listing, key: unknown): Record<string, unknown> {
  const item = listing.items.find((i) => i.achievement.key === key);
  return item ? entryOf(item) : { achievementId: String(key), progress: 0, isUnlocked: false };
}

/** POST /achievements/{userId}/progress {achievementId} -> {success, achievement} (server state). */
export function progress(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const body = legacyBody(e);
    e.json(200, { success: true, achievement: stateOf(ownListing(e, me), body["achievementId"]) });
  });
}

/** POST /achievements/{userId}/unlock {achievementId} -> {success, newUnlock, achievement} */
export function unlock(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const key = legacyBody(e)["achievementId"];
    let newUnlock = false;
    ownListing(e, me);
    if (typeof key === "string" && key !== "") {
      try {
        newUnlock = achievements.claimAchievement(e.app, me, key).newUnlock;
      } catch (err) {
        // decided by the server (or unknown): nothing to claim, the state below says where it is
        if (asActionError(err) === null) throw err;
      }
    }
    e.json(200, { success: true, newUnlock, achievement: stateOf(ownListing(e, me), key) });
  });
}

/** GET /achievements/{userId}/stats -> the counters the original meant to return (B22). */
export function stats(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const s = ownListing(e, me).stats;
    e.json(200, {
      totalMessages: s?.messagesSent ?? 0,
      voiceMessages: s?.voice ?? 0,
      videoMessages: s?.videos ?? 0,
      images: s?.photos ?? 0,
      files: s?.files ?? 0,
      replies: s?.replies ?? 0,
    });
  });
}

/** POST /achievements/{userId}/activity -> the streak (kept by the server as messages are sent). */
export function activity(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const s = ownListing(e, me).stats;
    e.json(200, {
      currentStreak: s?.currentStreak ?? 0,
      lastActivityDate: s?.lastActiveDay ?? "",
      longestStreak: s?.longestStreak ?? 0,
    });
  });
}
