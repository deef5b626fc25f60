// A user's stats row (one per user, unique index) and the catalogue, read and written with plain
// SQL: the row changes on every message, nothing hooks or subscribes to it (API rules are
// superuser-only), and skipping the record machinery keeps tracking cheap on the send path.
import {
  ACHIEVEMENT_KEYS,
  countersFrom,
  type Stats,
  type Thresholds,
} from "../../rules/achievements.ts";
import { nowDate } from "../clock.ts";
import { sqlText } from "../sql-scalar.ts";

export interface StatsRow {
  /** "" when the user has no row yet (it is inserted on save). */
  id: string;
  userId: string;
  stats: Stats;
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

interface StoredStats extends Omit<Stats, "counters"> {
  id: string;
  counters: string;
}

export function loadStats(app: CoreApp, userId: string): StatsRow {
  // one JSON text instead of a typed row: each column read through the JSVM bridge costs more
  // than SQLite building the text
  const text = sqlText(
    app,
    `SELECT COALESCE((SELECT json_object('id', id, 'messagesSent', messagesSent,
       'reactionsGiven', reactionsGiven, 'reactionsReceived', reactionsReceived,
       'currentStreak', currentStreak, 'longestStreak', longestStreak,
       'lastActiveDay', lastActiveDay, 'counters', COALESCE(counters, ''))
     FROM user_stats WHERE user = {:user}), '') AS v`,
    { user: userId },
  );
  if (text === "") {
    return {
      id: "",
      userId,
      stats: {
        messagesSent: 0,
        reactionsGiven: 0,
        reactionsReceived: 0,
        currentStreak: 0,
        longestStreak: 0,
        lastActiveDay: "",
        counters: {},
      },
    };
  }
  const { id, counters, ...numbers } = JSON.parse(text) as StoredStats;
  return { id, userId, stats: { ...numbers, counters: parseCounters(counters) } };
}

function parseCounters(raw: string): Stats["counters"] {
  try {
    return countersFrom(JSON.parse(raw || "null"));
  } catch {
    return {}; // a malformed value starts over
  }
}

export function saveStats(tx: CoreApp, row: StatsRow, stats: Stats): void {
  const now = nowDate();
  const values = {
    messagesSent: stats.messagesSent,
    reactionsGiven: stats.reactionsGiven,
    reactionsReceived: stats.reactionsReceived,
    currentStreak: stats.currentStreak,
    longestStreak: stats.longestStreak,
    lastActiveDay: stats.lastActiveDay,
    counters: JSON.stringify(stats.counters),
    now,
  };
  if (row.id !== "") {
    tx.db()
      .newQuery(
        `UPDATE user_stats SET messagesSent = {:messagesSent}, reactionsGiven = {:reactionsGiven},
           reactionsReceived = {:reactionsReceived}, currentStreak = {:currentStreak},
           longestStreak = {:longestStreak}, lastActiveDay = {:lastActiveDay},
           counters = {:counters}, updated = {:now}
         WHERE id = {:id}`,
      )
      .bind({ ...values, id: row.id })
      .execute();
    return;
  }
  row.id = $security.randomStringWithAlphabet(15, ID_ALPHABET);
  tx.db()
    .newQuery(
      `INSERT INTO user_stats (id, user, messagesSent, reactionsGiven, reactionsReceived,
         currentStreak, longestStreak, lastActiveDay, counters, created, updated)
       VALUES ({:id}, {:user}, {:messagesSent}, {:reactionsGiven}, {:reactionsReceived},
         {:currentStreak}, {:longestStreak}, {:lastActiveDay}, {:counters}, {:now}, {:now})`,
    )
    .bind({ ...values, id: row.id, user: row.userId })
    .execute();
}

export interface CatalogueEntry {
  id: string;
  key: string;
  title: string;
  icon: string;
  maxProgress: number;
}

/** How long the cached catalogue is used: edits in the dashboard apply within this time. */
const CATALOGUE_TTL_MS = 30_000;
const STORE_STAMP = "konvert.achievements.readAt";
const STORE_ENTRY = "konvert.achievements.entry.";
const STORE_MAX = "konvert.achievements.max.";

/**
 * One catalogue entry by key, from PocketBase's app store (shared by every VM), refreshed from
 * the database every CATALOGUE_TTL_MS: the send path checks a threshold without a query.
 */
export function cachedEntry(app: CoreApp, key: string): CatalogueEntry | undefined {
  const raw = fresh(app).get(STORE_ENTRY + key);
  return typeof raw === "string" ? (JSON.parse(raw) as CatalogueEntry) : undefined;
}

/** Thresholds from the same cache, kept as plain numbers (checked on every event). */
export function cachedThresholds(app: CoreApp): Thresholds {
  const store = fresh(app);
  return {
    get: (key) => {
      const max = store.get(STORE_MAX + key);
      return typeof max === "number" ? max : undefined;
    },
  };
}

function fresh(app: CoreApp): store.Store<string, unknown> {
  const cache = app.store();
  const readAt = cache.get(STORE_STAMP) as unknown;
  if (typeof readAt !== "number" || Date.now() - readAt >= CATALOGUE_TTL_MS) {
    const entries = readCatalogue(app);
    for (const known of ACHIEVEMENT_KEYS) {
      cache.remove(STORE_ENTRY + known);
      cache.remove(STORE_MAX + known);
    }
    for (const entry of entries) {
      cache.set(STORE_ENTRY + entry.key, JSON.stringify(entry));
      cache.set(STORE_MAX + entry.key, entry.maxProgress);
    }
    cache.set(STORE_STAMP, Date.now());
  }
  return cache;
}

/** The catalogue as stored now (routes that show it read it fresh). */
export function readCatalogue(app: CoreApp): CatalogueEntry[] {
  const rows = arrayOf(new DynamicModel({ id: "", key: "", title: "", icon: "", maxProgress: 0 }));
  app.db().newQuery("SELECT id, key, title, icon, maxProgress FROM achievements").all(rows);
  return (rows as unknown as CatalogueEntry[]).map((a) => ({
    id: a.id,
    key: a.key,
    title: a.title,
    icon: a.icon,
    maxProgress: Math.max(1, a.maxProgress),
  }));
}

export function catalogueMap(entries: readonly CatalogueEntry[]): Map<string, CatalogueEntry> {
  return new Map(entries.map((a) => [a.key, a]));
}

export function thresholdsOf(entries: Map<string, CatalogueEntry>): Thresholds {
  return { get: (key) => entries.get(key)?.maxProgress };
}
