// Unlocking: one user_achievements row per user and achievement (unique index), `unlockedAt` set
// once. The owner hears of it through the row's realtime event and a notification.
import { notify } from "../notifications.ts";
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
  const row = new DynamicModel({ ids: "" });
  app
    .db()
    .newQuery(
      "SELECT COALESCE(group_concat(achievement), '') AS ids FROM user_achievements " +
        "WHERE user = {:user} AND unlockedAt != ''",
    )
    .bind({ user: userId })
    .one(row);
  const ids = (row as unknown as { ids: string }).ids;
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
    new Record(tx.findCollectionByNameOrId("user_achievements"), {
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
