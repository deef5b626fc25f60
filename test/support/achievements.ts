// Achievement helpers: read a user's achievements as they see them, seed stats and raw history.
import type { AchievementProgress } from "../../client/interface.ts";
import type { AchievementsPage } from "../../client/pocketbase/achievements.ts";
import { api } from "./api.ts";
import type { TestServer } from "./server.ts";
import type { TestUser } from "./users.ts";

export function page(user: TestUser, of?: TestUser): Promise<AchievementsPage> {
  return api<AchievementsPage>(
    user.client,
    "GET",
    `/achievements${of ? `?userId=${of.record.id}` : ""}`,
  );
}

function byKey(items: AchievementProgress[], key: string): AchievementProgress | undefined {
  return items.find((i) => i.achievement.key === key);
}

/** Keys the user has unlocked (as the user sees them). */
export async function unlocked(user: TestUser): Promise<string[]> {
  return (await page(user)).items
    .filter((i) => (i.progress?.unlockedAt ?? "") !== "")
    .map((i) => i.achievement.key);
}

export async function isUnlocked(user: TestUser, key: string): Promise<boolean> {
  return (await unlocked(user)).includes(key);
}

/** Progress as the user sees it (0 when none). */
export async function progress(user: TestUser, key: string): Promise<number> {
  return byKey((await page(user)).items, key)?.progress?.progress ?? 0;
}

/** Writes the user's stats row directly (superuser), as an import would. */
export async function seedStats(
  server: TestServer,
  user: TestUser,
  fields: Record<string, unknown>,
): Promise<void> {
  const existing = await server.admin
    .collection("user_stats")
    .getFirstListItem(`user = "${user.record.id}"`)
    .catch(() => null);
  if (existing) await server.admin.collection("user_stats").update(existing.id, fields);
  else await server.admin.collection("user_stats").create({ user: user.record.id, ...fields });
}

/** Raw rows through the import route: any `created`, no hooks, no tracking. */
export async function importRows(
  server: TestServer,
  collection: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  const result = await api<{ written: number; failed: unknown[] }>(
    server.admin,
    "POST",
    "/import/rows",
    { collection, rows },
  );
  if (result.failed.length > 0) throw new Error(JSON.stringify(result.failed.slice(0, 3)));
}

let sequence = 0;
/** A fresh 15-character record id. */
export function newId(): string {
  sequence += 1;
  return (Math.random().toString(36).slice(2, 9) + "t" + String(sequence).padStart(7, "0")).slice(
    0,
    15,
  );
}

/** A PocketBase date string. */
export function pbDate(date: Date): string {
  return date.toISOString().replace("T", " ");
}

export function recompute(server: TestServer, user?: TestUser): Promise<unknown> {
  return api(server.admin, "POST", "/admin/achievements/recompute", {
    userId: user?.record.id ?? "",
  });
}

/** The IANA zone (Etc/GMT±N) in which the local hour now is `hour`. */
export function zoneWithLocalHour(hour: number, now = new Date()): string {
  let offset = (((hour - now.getUTCHours()) % 24) + 24) % 24;
  if (offset > 14) offset -= 24;
  if (offset === 0) return "Etc/GMT";
  // Etc/GMT names have the POSIX sign: Etc/GMT-3 is three hours ahead of UTC.
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
