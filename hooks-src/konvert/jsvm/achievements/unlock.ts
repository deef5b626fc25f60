// Unlocking: one user_achievements row per user and achievement (unique index), `unlockedAt` set
// once. The owner hears of it through the row's realtime event and a notification.
import { notify } from "../notifications.ts";
import { sqlText } from "../sql-scalar.ts";
import type { CatalogueEntry } from "./stats.ts";

export function findUnlockRow(
  app: CoreApp,
  userId: string,
  achievementId: string,
): core.Record | null {
  try {
    return app.findFirstRecordByFilter(
      "user_achievements",
      "user = {:user} && achievement = {:achievement}",
      { user: userId, achievement: achievementId },
    );
  } catch {
    return null;
  }
}

/** Ids of the achievements the user has unlocked, in one query. */
export function unlockedIds(app: CoreApp, userId: string): Set<string> {
  const ids = sqlText(
    app,
    "SELECT COALESCE(group_concat(achievement), '') AS v FROM user_achievements " +
      "WHERE user = {:user} AND unlockedAt != ''",
    { user: userId },
  );
  return new Set(ids === "" ? [] : ids.split(","));
}

/** Unlocks unless already unlocked; true when this call unlocked it. */
export function unlock(
  tx: CoreApp,
  userId: string,
  entry: CatalogueEntry,
  options: { notify: boolean },
): boolean {
  const existing = findUnlockRow(tx, userId, entry.id);
  if (existing && existing.getString("unlockedAt") !== "") return false;
  const row =
    existing ??
    new Record(tx.findCachedCollectionByNameOrId("user_achievements"), {
      user: userId,
      achievement: entry.id,
    });
  row.set("progress", entry.maxProgress);
  row.set("unlockedAt", new DateTime());
  tx.save(row);
  if (options.notify) {
    notify(tx, {
      recipient: userId,
      type: "achievement",
      data: { achievement: entry.key, title: entry.title, icon: entry.icon },
    });
  }
  return true;
}
