// Reading and writing a user's stats row (one per user, unique index) and the catalogue.
import { countersFrom, type Stats } from "../../rules/achievements.ts";

export interface StatsRow {
  record: core.Record;
  stats: Stats;
}

export function findStatsRecord(app: CoreApp, userId: string): core.Record | null {
  try {
    return app.findFirstRecordByFilter("user_stats", "user = {:user}", { user: userId });
  } catch {
    return null;
  }
}

/** The user's stats (zeros when the user has none yet); the row is created on save. */
export function loadStats(app: CoreApp, userId: string): StatsRow {
  const found = findStatsRecord(app, userId);
  const record = found ?? new Record(app.findCollectionByNameOrId("user_stats"), { user: userId });
  return { record, stats: statsOf(record) };
}

export function statsOf(record: core.Record): Stats {
  let counters: unknown = null;
  try {
    counters = JSON.parse(record.getString("counters") || "null");
  } catch {
    // a malformed value starts over
  }
  return {
    messagesSent: record.getInt("messagesSent"),
    reactionsGiven: record.getInt("reactionsGiven"),
    reactionsReceived: record.getInt("reactionsReceived"),
    currentStreak: record.getInt("currentStreak"),
    longestStreak: record.getInt("longestStreak"),
    lastActiveDay: record.getString("lastActiveDay"),
    counters: countersFrom(counters),
  };
}

export function saveStats(tx: CoreApp, row: StatsRow, stats: Stats): void {
  const { record } = row;
  record.set("messagesSent", stats.messagesSent);
  record.set("reactionsGiven", stats.reactionsGiven);
  record.set("reactionsReceived", stats.reactionsReceived);
  record.set("currentStreak", stats.currentStreak);
  record.set("longestStreak", stats.longestStreak);
  record.set("lastActiveDay", stats.lastActiveDay);
  record.set("counters", stats.counters);
  // An existing row only changes numbers the rules computed (and the counters json, bounded by
  // the rules): skipping validation saves the relation and unique-index checks on the hot path.
  if (record.isNew()) tx.save(record);
  else tx.saveNoValidate(record);
}

export interface CatalogueEntry {
  id: string;
  key: string;
  title: string;
  icon: string;
  maxProgress: number;
}

/** The catalogue keyed by achievement key (28 small rows). */
export function catalogue(app: CoreApp): Map<string, CatalogueEntry> {
  const rows = arrayOf(new DynamicModel({ id: "", key: "", title: "", icon: "", maxProgress: 0 }));
  app.db().newQuery("SELECT id, key, title, icon, maxProgress FROM achievements").all(rows);
  const entries = rows as unknown as CatalogueEntry[];
  return new Map(entries.map((a) => [a.key, { ...a, maxProgress: Math.max(1, a.maxProgress) }]));
}

export function thresholdsOf(entries: Map<string, CatalogueEntry>): Map<string, number> {
  return new Map([...entries].map(([key, a]) => [key, a.maxProgress]));
}
