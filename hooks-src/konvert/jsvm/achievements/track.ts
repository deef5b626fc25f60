// The one entry point event hooks call, inside their own transaction: at most one stats write,
// plus a user_achievements row and a notification for each achievement the event unlocks.
// PocketBase has a single writer, so concurrent events for one user apply one after another and
// an achievement unlocks once (the unique (user, achievement) index is the last guard).
import {
  applyEvent,
  crossed,
  crossingCounts,
  dayOf,
  isCountOnlySend,
  oneShotsOfSend,
  SPEED_COUNT,
  touchedBy,
  type AchievementEvent,
  type AchievementKey,
  type MessageSent,
  type Stats,
  type Thresholds,
} from "../../rules/achievements.ts";
import { sendsInWindowSql, speedWindowStart } from "./events.ts";
import {
  cachedEntry,
  cachedThresholds,
  countSend,
  countSendSql,
  loadStats,
  saveStats,
} from "./stats.ts";
import { unlock, unlockedIds } from "./unlock.ts";

/**
 * What a user has unlocked, kept in PocketBase's app store for a minute: bursts of sends keep
 * "earning" unlocked achievements, and this spares a query per event. A stale entry can only
 * delay re-unlocking an achievement an admin revoked; unlock() itself checks the database.
 */
const UNLOCKED_TTL_MS = 60_000;
const UNLOCKED_KEY = "konvert.achievements.unlocked.";

/** The remembered ids as `a,b,c`, or null when there is no fresh entry. Stored as one text,
 * `<ms>|<ids>`: a string crosses the JSVM bridge as is, an object is converted field by field. */
function cachedUnlocked(userId: string): string | null {
  const kept: unknown = $app.store().get(UNLOCKED_KEY + userId);
  if (typeof kept !== "string") return null;
  const bar = kept.indexOf("|");
  if (Date.now() - Number(kept.slice(0, bar)) >= UNLOCKED_TTL_MS) return null;
  return kept.slice(bar + 1);
}

function knownUnlocked(app: CoreApp, userId: string): { ids: Set<string>; changed: boolean } {
  const cached = cachedUnlocked(userId);
  if (cached !== null) {
    return { ids: new Set(cached === "" ? [] : cached.split(",")), changed: false };
  }
  return { ids: unlockedIds(app, userId), changed: true };
}

function rememberUnlocked(userId: string, ids: Set<string>): void {
  $app.store().set(UNLOCKED_KEY + userId, `${Date.now()}|${[...ids].join(",")}`);
}

export type { AchievementEvent } from "../../rules/achievements.ts";

/** Operators can switch tracking off (e.g. to measure its cost); on unless set to "off". */
let off: boolean | undefined; // per VM: the environment does not change while serving
function trackingOff(): boolean {
  off ??= $os.getenv("KONVERT_ACHIEVEMENTS") === "off";
  return off;
}

/** Records the event for the user; a null event (one that cannot matter) writes nothing. */
export function track(tx: CoreApp, userId: string, event: AchievementEvent | null): void {
  if (event === null || userId === "" || trackingOff()) return;
  // Joins the caller's transaction, or opens one for callers outside any.
  if (tx.isTransactional()) trackIn(tx, userId, event);
  else tx.runInTransaction((inner) => trackIn(inner, userId, event));
}

function trackIn(inner: CoreApp, userId: string, event: AchievementEvent): void {
  const thresholds = cachedThresholds(inner);
  const keys =
    countedOnly(inner, userId, event, thresholds) ?? earnedByRow(inner, userId, event, thresholds);
  if (keys.length === 0) return;
  // events keep earning what is already unlocked (every fast burst "earns" speed): one query
  // rules those out instead of a look-up per key
  const unlocked = knownUnlocked(inner, userId);
  for (const key of new Set(keys)) {
    const entry = cachedEntry(inner, key);
    if (!entry || unlocked.ids.has(entry.id)) continue;
    unlock(inner, userId, entry, { notify: true });
    unlocked.ids.add(entry.id); // unlocked now, or found unlocked by unlock() itself
    unlocked.changed = true;
  }
  if (unlocked.changed) rememberUnlocked(userId, unlocked.ids);
}

/**
 * A count-only send as one increment: what it earned, or null when it needs the general path.
 * Only its one-shots: countSend() refuses the counts at which something unlocks.
 */
function countedOnly(
  inner: CoreApp,
  userId: string,
  event: AchievementEvent,
  thresholds: Thresholds,
): AchievementKey[] | null {
  if (event.kind !== "message_sent" || !isCountOnlySend(event)) return null;
  const crossing = countOnlyCrossings(event, thresholds);
  return countSend(inner, userId, dayOf(event.local), crossing) ? oneShotsOfSend(event) : null;
}

/**
 * A send's tracking as one statement of the send's own prepared transaction (jsvm/messages.ts),
 * decided before it: null when tracking writes nothing (switched off); undefined when the send
 * needs track(): it is not count-only, or it earns a one-shot the user has not unlocked. Else
 * countSend()'s UPDATE with its positional arguments (asked for in the transaction), which
 * changes no row (and the send takes the general path) when the stats need more than the
 * increment, the count crosses a threshold, or, while speed_shooter is pending, the new message
 * completes a fast burst (the same count as earlierSendsInWindow(), the new message included).
 */
export function sendCountStatement(
  app: CoreApp,
  userId: string,
  event: AchievementEvent,
  speedPending: boolean,
): { sql: string; args: () => unknown[] } | null | undefined {
  if (userId === "" || trackingOff()) return null;
  if (event.kind !== "message_sent" || !isCountOnlySend(event)) return undefined;
  const shots = oneShotsOfSend(event);
  if (shots.length > 0) {
    const unlocked = knownUnlocked(app, userId);
    if (unlocked.changed) rememberUnlocked(userId, unlocked.ids);
    for (const key of shots) {
      const entry = cachedEntry(app, key);
      if (entry && !unlocked.ids.has(entry.id)) return undefined;
    }
  }
  const sql = countOnlySql(countOnlyCrossings(event, cachedThresholds(app)));
  const today = dayOf(event.local);
  if (!speedPending) return { sql, args: () => [userId, today] };
  return {
    sql: `${sql} AND ${sendsInWindowSql("?1", "?3")} < ${SPEED_COUNT}`,
    // the window ends when the statement runs, as in earlierSendsInWindow()
    args: () => [userId, today, speedWindowStart()],
  };
}

/** countSendSql() of the crossing counts of the last catalogue copy (this VM's). */
let countOnlySqlMemo: { crossings: readonly number[]; sql: string } | undefined;
function countOnlySql(crossings: readonly number[]): string {
  if (countOnlySqlMemo?.crossings !== crossings) {
    countOnlySqlMemo = { crossings, sql: countSendSql(crossings, "?1", "?2") };
  }
  return countOnlySqlMemo.sql;
}

/** crossingCounts() per catalogue copy: every count-only send touches the same keys. */
let countOnlyMemo: { thresholds: Thresholds; counts: number[] } | undefined;
function countOnlyCrossings(event: MessageSent, thresholds: Thresholds): number[] {
  if (countOnlyMemo?.thresholds !== thresholds) {
    countOnlyMemo = { thresholds, counts: crossingCounts(event, thresholds) };
  }
  return countOnlyMemo.counts;
}

function earnedByRow(
  inner: CoreApp,
  userId: string,
  event: AchievementEvent,
  thresholds: Thresholds,
): AchievementKey[] {
  const change = applyToRow(inner, userId, event);
  return [...change.earned, ...crossed(change.before, change.after, thresholds, touchedBy(event))];
}

/** The general path: the event applied to the stats row, which is written if anything changed. */
function applyToRow(
  inner: CoreApp,
  userId: string,
  event: AchievementEvent,
): { before: Stats; after: Stats; earned: AchievementKey[] } {
  let row = loadStats(inner, userId, true);
  let outcome = applyEvent(row.stats, event);
  if (!saveStats(inner, row, outcome.stats)) {
    // the remembered row was stale: read it, apply the event to what is stored
    row = loadStats(inner, userId);
    outcome = applyEvent(row.stats, event);
    if (!saveStats(inner, row, outcome.stats)) throw new Error("Stats changed while saving.");
  }
  return { before: row.stats, after: outcome.stats, earned: outcome.earned };
}

/**
 * Whether a send by the user can still earn the speed achievement (asked before the write
 * transaction, so that most sends, by users who have it, skip counting recent messages in it).
 */
export function speedPending(app: CoreApp, userId: string): boolean {
  if (trackingOff()) return false;
  const entry = cachedEntry(app, "speed_shooter");
  if (!entry) return false;
  const cached = cachedUnlocked(userId);
  if (cached !== null) return !`,${cached},`.includes(`,${entry.id},`);
  const unlocked = knownUnlocked(app, userId);
  if (unlocked.changed) rememberUnlocked(userId, unlocked.ids);
  return !unlocked.ids.has(entry.id);
}
