// Hourly housekeeping: what would otherwise only grow, and the planner's statistics. Expired legacy
// refresh tokens, the search index's queue (indexed, jsvm/search.ts), and the per-user, per-IP
// and per-room keys hooks keep in the app store (throttles, rate-limit logs and caches, all safe
// to drop once old: a dropped cache costs one read, a log older than its window holds nothing
// that still counts).
import { nowDate } from "./clock.ts";
import { refreshPlannerStats } from "./db-maintenance.ts";
import { flushSearchIndex } from "./search.ts";

/** Store keys by prefix, and how long each may live unused. */
const STORE_KEYS: { prefix: string; maxAgeMs: number; stampOf: (value: unknown) => number }[] = [
  // rate-limit logs: times of the last sends or failed sign-ins, newest last (jsvm/rate-limit.ts;
  // the longest window is 15 minutes)
  {
    prefix: "rl:",
    maxAgeMs: 3_600_000,
    stampOf: (v) => {
      const log = Array.from((v as unknown[] | null | undefined) ?? []);
      return Number(log[log.length - 1] ?? 0) || 0;
    },
  },
  // typing throttles: the time of the last ping (jsvm/typing.ts)
  { prefix: "typing:", maxAgeMs: 60_000, stampOf: (v) => (typeof v === "number" ? v : 0) },
  // unlocked-achievement sets: "<ms>|ids" (jsvm/achievements/track.ts)
  {
    prefix: "konvert.achievements.unlocked.",
    maxAgeMs: 3_600_000,
    stampOf: (v) => (typeof v === "string" ? Number(v.slice(0, v.indexOf("|"))) || 0 : 0),
  },
  // remembered stats rows (JSON with `updated`, jsvm/achievements/stats.ts)
  {
    prefix: "konvert.stats.row.",
    maxAgeMs: 3_600_000,
    stampOf: (v) => {
      if (typeof v !== "string") return 0;
      const updated = /"updated":"([^"]*)"/.exec(v)?.[1] ?? "";
      const ms = Date.parse(updated.replace(" ", "T"));
      return Number.isFinite(ms) ? ms : 0;
    },
  },
];

/** Cron `konvert-housekeeping`. */
export function housekeeping(): void {
  const app = $app;
  app
    .db()
    .newQuery("DELETE FROM compat_refresh_tokens WHERE expiresAt != '' AND expiresAt < {:now}")
    .bind({ now: nowDate() })
    .execute();
  const now = Date.now();
  const all = app.store().getAll() as Record<string, unknown>;
  for (const key in all) {
    const rule = STORE_KEYS.find((r) => key.startsWith(r.prefix));
    if (rule && now - rule.stampOf(all[key]) > rule.maxAgeMs) app.store().remove(key);
  }
  // messages sent since the last search, so the queue never waits long for one
  flushSearchIndex(app);
  refreshPlannerStats(app);
}
