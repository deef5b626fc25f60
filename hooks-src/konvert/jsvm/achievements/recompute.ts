// Rebuilding every user's stats and unlocks from stored history (after an import, or after the
// catalogue's thresholds changed). Idempotent: the same history gives the same stats; unlocks are
// only ever added, and earned ones (imported included) keep their `unlockedAt`. Each user is
// rebuilt in a transaction of its own, so the single writer is never held for the whole run.
import {
  OOPS_WINDOW_MS,
  progressOf,
  reached,
  SPEED_COUNT,
  SPEED_WINDOW_MS,
  statsFromHistory,
  type AchievementKey,
  type History,
} from "../../rules/achievements.ts";
import { localTime, zoneOf } from "./local-time.ts";
import {
  catalogueMap,
  loadStats,
  readCatalogue,
  saveStats,
  thresholdsOf,
  type CatalogueEntry,
} from "./stats.ts";
import { unlock } from "./unlock.ts";

export interface RecomputeResult {
  users: number;
  unlocked: number;
}

export function recomputeAll(app: CoreApp, onlyUser: string | null): RecomputeResult {
  const result: RecomputeResult = { users: 0, unlocked: 0 };
  const entries = catalogueMap(readCatalogue(app));
  const ids = onlyUser !== null ? [onlyUser] : allUserIds(app);
  for (const id of ids) {
    app.runInTransaction((tx) => {
      result.unlocked += recomputeUser(tx, tx.findRecordById("users", id), entries);
    });
    result.users += 1;
  }
  return result;
}

function allUserIds(app: CoreApp): string[] {
  const rows = arrayOf(new DynamicModel({ id: "" }));
  app.db().newQuery("SELECT id FROM users ORDER BY id").all(rows);
  return (rows as unknown as { id: string }[]).map((r) => r.id);
}

/** Rebuilds one user; returns how many achievements it newly unlocked (silently: no notices). */
function recomputeUser(
  tx: CoreApp,
  user: core.Record,
  entries: Map<string, CatalogueEntry>,
): number {
  const row = loadStats(tx, user.id);
  const { stats, earned } = statsFromHistory(historyOf(tx, user), row.stats);
  saveStats(tx, row, stats);
  let unlocked = 0;
  for (const key of new Set<string>([...earned, ...reached(stats, thresholdsOf(entries))])) {
    const entry = entries.get(key);
    if (entry && unlock(tx, user.id, entry, { notify: false })) unlocked += 1;
  }
  // Rows still locked (e.g. imported client-reported progress) now show the server's progress.
  const keyOf = new Map([...entries.values()].map((e) => [e.id, e]));
  for (const locked of tx.findRecordsByFilter(
    "user_achievements",
    "user = {:user} && unlockedAt = ''",
    "",
    0,
    0,
    { user: user.id },
  )) {
    const entry = keyOf.get(locked!.getString("achievement"));
    if (!entry) continue;
    const progress = Math.min(progressOf(stats, entry.key as AchievementKey), entry.maxProgress);
    if (locked!.getInt("progress") !== progress) {
      locked!.set("progress", progress);
      tx.save(locked!);
    }
  }
  return unlocked;
}

function historyOf(tx: CoreApp, user: core.Record): History {
  const u = { u: user.id };
  const zone = zoneOf(user);
  const minutes = strings(
    tx,
    "SELECT DISTINCT substr(created, 1, 16) AS v FROM messages WHERE author = {:u} ORDER BY v",
    u,
  ).map((m) => localTime(m + ":00.000Z", zone));
  const dmStarts = strings(
    tx,
    `SELECT m.created AS v FROM room_members rm
       JOIN rooms r ON r.id = rm.room AND r.type = 'dm'
       JOIN messages m ON m.id = (SELECT f.id FROM messages f WHERE f.room = r.id ORDER BY f.created, f.id LIMIT 1)
     WHERE rm.user = {:u} AND m.author = {:u}`,
    u,
  ).map((created) => localTime(created, zone).slice(0, 10));
  return {
    messagesByType: counts(
      tx,
      "SELECT type AS k, COUNT(*) AS n FROM messages WHERE author = {:u} GROUP BY type",
      u,
    ),
    videosByRoom: counts(
      tx,
      "SELECT room AS k, COUNT(*) AS n FROM messages WHERE author = {:u} AND type = 'video' GROUP BY room",
      u,
    ),
    repliedTo: number(
      tx,
      "SELECT COUNT(DISTINCT replyTo) AS n FROM messages WHERE author = {:u} AND replyTo != ''",
      u,
    ),
    savedToFavorites: number(
      tx,
      `SELECT COUNT(*) AS n FROM messages m JOIN rooms r ON r.id = m.room
       WHERE m.author = {:u} AND m.forwardedFrom != '' AND r.type = 'favorites' AND r.createdBy = {:u}`,
      u,
    ),
    localMinutes: minutes,
    speedShooter:
      number(
        tx,
        `SELECT COUNT(*) AS n FROM (
           SELECT created, LAG(created, ${SPEED_COUNT - 1}) OVER (ORDER BY created) AS first
           FROM messages WHERE author = {:u})
         WHERE first IS NOT NULL AND (julianday(created) - julianday(first)) * 86400000 <= ${SPEED_WINDOW_MS}`,
        u,
      ) > 0,
    dmStartDays: dmStarts,
    maxMentions: number(
      tx,
      `SELECT COUNT(*) AS n FROM messages m JOIN mentions mn ON mn.message = m.id
       WHERE m.author = {:u} GROUP BY m.id ORDER BY n DESC LIMIT 1`,
      u,
    ),
    reactionsGiven: number(tx, "SELECT COUNT(*) AS n FROM reactions WHERE user = {:u}", u),
    reactionsByRoom: counts(
      tx,
      "SELECT room AS k, COUNT(*) AS n FROM reactions WHERE user = {:u} GROUP BY room",
      u,
    ),
    emojis: strings(tx, "SELECT DISTINCT emoji AS v FROM reactions WHERE user = {:u}", u),
    reactionsReceived: number(
      tx,
      "SELECT COUNT(*) AS n FROM reactions WHERE messageAuthor = {:u} AND user != {:u}",
      u,
    ),
    bestMessage: number(
      tx,
      `SELECT COUNT(*) AS n FROM reactions WHERE messageAuthor = {:u} AND user != {:u}
       GROUP BY message ORDER BY n DESC LIMIT 1`,
      u,
    ),
    groups: number(
      tx,
      "SELECT COUNT(*) AS n FROM rooms WHERE createdBy = {:u} AND type IN ('public', 'private')",
      u,
    ),
    invitedAtLeast: number(
      tx,
      `SELECT COUNT(*) AS n FROM room_members rm JOIN rooms r ON r.id = rm.room
       WHERE r.createdBy = {:u} AND r.type = 'private' AND rm.user != {:u}`,
      u,
    ),
    pins: number(tx, "SELECT COUNT(*) AS n FROM pins WHERE pinnedBy = {:u}", u),
    friends: number(
      tx,
      "SELECT COUNT(*) AS n FROM friendships WHERE userA = {:u} OR userB = {:u}",
      u,
    ),
    // Deleted by the author: deletions by others are in the moderation log.
    quickDelete:
      number(
        tx,
        `SELECT COUNT(*) AS n FROM messages m
         WHERE m.author = {:u} AND m.deletedAt != ''
           AND (julianday(m.deletedAt) - julianday(m.created)) * 86400000 <= ${OOPS_WINDOW_MS}
           AND NOT EXISTS (SELECT 1 FROM moderation_log l WHERE l.action = 'delete_message'
                           AND json_extract(l.data, '$.message') = m.id)`,
        u,
      ) > 0,
  };
}

function number(tx: CoreApp, sql: string, params: Record<string, unknown>): number {
  const rows = arrayOf(new DynamicModel({ n: 0 }));
  tx.db().newQuery(sql).bind(params).all(rows);
  return (rows as unknown as { n: number }[])[0]?.n ?? 0;
}

function counts(tx: CoreApp, sql: string, params: Record<string, unknown>): Record<string, number> {
  const rows = arrayOf(new DynamicModel({ k: "", n: 0 }));
  tx.db().newQuery(sql).bind(params).all(rows);
  const out: Record<string, number> = {};
  for (const r of rows as unknown as { k: string; n: number }[]) out[r.k] = r.n;
  return out;
}

function strings(tx: CoreApp, sql: string, params: Record<string, unknown>): string[] {
  const rows = arrayOf(new DynamicModel({ v: "" }));
  tx.db().newQuery(sql).bind(params).all(rows);
  return (rows as unknown as { v: string }[]).map((r) => r.v);
}
