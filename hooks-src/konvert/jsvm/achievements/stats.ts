// A user's stats row (one per user, unique index) and the catalogue, read and written with plain
// SQL: the row changes on every message, nothing hooks or subscribes to it (API rules are
// superuser-only), and skipping the record machinery keeps tracking cheap on the send path.
import { countersFrom, type Stats, type Thresholds } from "../../rules/achievements.ts";
import { realNowDate } from "../clock.ts";
import { sqlText } from "../sql-scalar.ts";

export interface StatsRow {
  /** "" when the user has no row yet (it is inserted on save). */
  id: string;
  userId: string;
  stats: Stats;
  /** The row's `rev` and `updated` as read: a save changes the row only if both still match. */
  rev: string;
  updated: string;
  /** `counters` as stored: a save writes the column only when its text changes. */
  countersText: string;
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** The last row this server wrote per user, as JSON text in the app store (shared by the VMs). */
const ROW_KEY = "konvert.stats.row.";

interface StoredStats extends Omit<Stats, "counters"> {
  id: string;
  counters: string;
  rev: string;
  updated: string;
}

/**
 * The user's stats. With `remembered`, the row this server last wrote is used without a query:
 * saveStats() then writes only if the row is still that one, so a stale copy costs a retry,
 * never a lost update.
 */
export function loadStats(app: CoreApp, userId: string, remembered = false): StatsRow {
  if (remembered) {
    const kept: unknown = app.store().get(ROW_KEY + userId);
    if (typeof kept === "string") return rowFrom(kept, userId);
  }
  // one JSON text instead of a typed row: each column read through the JSVM bridge costs more
  // than SQLite building the text
  const text = sqlText(
    app,
    "SELECT COALESCE((SELECT json_object('id',id,'messagesSent',messagesSent," +
      "'reactionsGiven',reactionsGiven,'reactionsReceived',reactionsReceived," +
      "'currentStreak',currentStreak,'longestStreak',longestStreak,'lastActiveDay',lastActiveDay," +
      "'silentReads',silentReads," +
      "'counters',COALESCE(counters,''),'rev',rev,'updated',updated) " +
      "FROM user_stats WHERE user={:user}),'') AS v",
    { user: userId },
  );
  if (text === "") {
    return {
      id: "",
      userId,
      rev: "",
      updated: "",
      countersText: "",
      stats: {
        messagesSent: 0,
        reactionsGiven: 0,
        reactionsReceived: 0,
        currentStreak: 0,
        longestStreak: 0,
        lastActiveDay: "",
        silentReads: 0,
        counters: {},
      },
    };
  }
  return rowFrom(text, userId);
}

function rowFrom(text: string, userId: string): StatsRow {
  const { id, counters, rev, updated, ...numbers } = JSON.parse(text) as StoredStats;
  return {
    id,
    userId,
    rev,
    updated,
    countersText: counters,
    stats: { ...numbers, counters: parseCounters(counters) },
  };
}

function parseCounters(raw: string): Stats["counters"] {
  try {
    return countersFrom(JSON.parse(raw || "null"));
  } catch {
    return {}; // a malformed value starts over
  }
}

/** A token no other write of the row has (not a secret: it only tells writes apart). */
function newRev(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

const NUMBER_COLUMNS = [
  "messagesSent",
  "reactionsGiven",
  "reactionsReceived",
  "currentStreak",
  "longestStreak",
  "silentReads",
] as const;

/**
 * Writes the stats; false (and nothing written) when the row is no longer the one `row` was read
 * from — another writer, or a remembered copy from a transaction that rolled back. An update
 * sets only the columns that changed: each bound value costs on the hottest write path.
 */
export function saveStats(tx: CoreApp, row: StatsRow, stats: Stats): boolean {
  const counters = JSON.stringify(stats.counters);
  const rev = newRev();
  const now = realNowDate(); // `updated` is an event stamp, like PocketBase's (jsvm/clock.ts)
  const key = ROW_KEY + row.userId;
  if (row.id !== "") {
    const params: Record<string, string | number> = {
      rev,
      now,
      id: row.id,
      o: row.rev,
      u: row.updated,
      m: row.stats.messagesSent,
    };
    let set = "rev={:rev},updated={:now}";
    for (const column of NUMBER_COLUMNS) {
      if (stats[column] !== row.stats[column]) {
        set += `,${column}={:${column}}`;
        params[column] = stats[column];
      }
    }
    if (stats.lastActiveDay !== row.stats.lastActiveDay) {
      set += ",lastActiveDay={:lastActiveDay}";
      params["lastActiveDay"] = stats.lastActiveDay;
    }
    if (counters !== row.countersText) {
      set += ",counters={:counters}";
      params["counters"] = counters;
    }
    const result = tx
      .db()
      // the count too: count-only sends (countSend) change nothing else
      .newQuery(
        `UPDATE user_stats SET ${set} WHERE id={:id} AND rev={:o} AND updated={:u} AND messagesSent={:m}`,
      )
      .bind(params)
      .execute();
    if (result.rowsAffected() === 0) {
      tx.store().remove(key);
      return false;
    }
  } else {
    row.id = $security.randomStringWithAlphabet(15, ID_ALPHABET);
    tx.db()
      .newQuery(
        "INSERT INTO user_stats (id,user,messagesSent,reactionsGiven,reactionsReceived," +
          "currentStreak,longestStreak,lastActiveDay,silentReads,counters,rev,created,updated) " +
          "VALUES ({:id},{:user},{:messagesSent},{:reactionsGiven},{:reactionsReceived}," +
          "{:currentStreak},{:longestStreak},{:lastActiveDay},{:silentReads},{:counters},{:rev}," +
          "{:now},{:now})",
      )
      .bind({ ...stats, counters, rev, now, id: row.id, user: row.userId })
      .execute();
  }
  const stored: StoredStats = { ...stats, id: row.id, counters, rev, updated: now };
  tx.store().set(key, JSON.stringify(stored));
  return true;
}

/**
 * A count-only send (rules: isCountOnlySend) as one increment in SQL, without reading the row.
 * False, with nothing written, when the row needs the general path: no row yet, first activity
 * of the day, silent reads to reset, or a count in `crossing` (an unlock to hand out). The
 * statement is as short as it can be (preparing it is most of its cost): it leaves `rev` and
 * `updated` alone, and saveStats() guards on the count as well.
 */
export function countSend(
  tx: CoreApp,
  userId: string,
  today: string,
  crossing: readonly number[],
): boolean {
  if (countSql?.crossing !== crossing) {
    countSql = { crossing, sql: countSendSql(crossing, "{:user}", "{:today}") };
  }
  const result = tx.db().newQuery(countSql.sql).bind({ user: userId, today }).execute();
  return result.rowsAffected() === 1;
}

/**
 * countSend()'s UPDATE, with `user` and `today` as the placeholders to bind (the send's prepared
 * path, jsvm/messages.ts, runs it with positional arguments).
 */
export function countSendSql(crossing: readonly number[], user: string, today: string): string {
  const notCrossing =
    crossing.length === 0 ? "" : ` AND messagesSent+1 NOT IN (${crossing.map(Number).join(",")})`;
  return (
    "UPDATE user_stats SET messagesSent=messagesSent+1 " +
    `WHERE user=${user} AND lastActiveDay=${today} AND currentStreak>0 AND silentReads=0` +
    notCrossing
  );
}

/** countSend()'s statement for the last `crossing` list it was given (this VM's). */
let countSql: { crossing: readonly number[]; sql: string } | undefined;

export interface CatalogueEntry {
  id: string;
  key: string;
  title: string;
  icon: string;
  maxProgress: number;
}

/** How long a VM uses its copy of the catalogue: edits in the dashboard apply within this time. */
const CATALOGUE_TTL_MS = 30_000;
/** This VM's copy (module scope lives as long as the pooled VM): a JS map, no call into Go. */
let catalogue:
  { readAt: number; entries: Map<string, CatalogueEntry>; thresholds: Thresholds } | undefined;

/** One catalogue entry by key: the send path checks a threshold without a query. */
export function cachedEntry(app: CoreApp, key: string): CatalogueEntry | undefined {
  return fresh(app).get(key);
}

/** Thresholds from the same copy (checked on every event): one object per copy, so callers can
 * keep what they derive from it until the copy is read again. */
export function cachedThresholds(app: CoreApp): Thresholds {
  return current(app).thresholds;
}

function fresh(app: CoreApp): Map<string, CatalogueEntry> {
  return current(app).entries;
}

function current(app: CoreApp): NonNullable<typeof catalogue> {
  const now = Date.now();
  if (!catalogue || now - catalogue.readAt >= CATALOGUE_TTL_MS) {
    const entries = catalogueMap(readCatalogue(app));
    catalogue = { readAt: now, entries, thresholds: thresholdsOf(entries) };
  }
  return catalogue;
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
