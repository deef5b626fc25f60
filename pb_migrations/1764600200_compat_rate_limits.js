/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: rate limits for the legacy HTTP API (docs/compat.md). Its routes live outside /api/,
// so no earlier rule covers them. Sign-in and sign-up get the limits of their /api/ twins; the
// rest gets a budget sized for the original frontend's polling (spec §5: rooms every 2–3 s,
// messages every 3 s, notifications, DMs, polls and friend checks every few seconds, per tab).
// `up` prepends these rules and keeps the list it changed in `_params`; `down` restores it.

const BACKUP_KEY = "konvert_rate_limits_backup_1764600200";
const PREFIX = "/functions/v1/make-server-b0f1e6d5/";

const RULES = [
  { label: PREFIX + "auth/signin", audience: "", duration: 10, maxRequests: 10 },
  { label: PREFIX + "auth/signup", audience: "", duration: 60, maxRequests: 20 },
  { label: PREFIX + "auth/refresh", audience: "", duration: 60, maxRequests: 30 },
  { label: PREFIX + "users/search", audience: "", duration: 10, maxRequests: 30 },
  { label: PREFIX, audience: "", duration: 10, maxRequests: 300 },
];

function saveParam(app, id, value) {
  app
    .db()
    .newQuery(
      "INSERT INTO {{_params}} ([[id]], [[value]], [[created]], [[updated]]) " +
        "VALUES ({:id}, {:value}, strftime('%Y-%m-%d %H:%M:%fZ'), strftime('%Y-%m-%d %H:%M:%fZ')) " +
        "ON CONFLICT ([[id]]) DO UPDATE SET [[value]] = excluded.[[value]], [[updated]] = excluded.[[updated]]",
    )
    .bind({ id, value })
    .execute();
}

migrate(
  (app) => {
    const settings = app.settings();
    // JSON round-trip turns the Go structs into plain JS data
    const current = JSON.parse(JSON.stringify(settings.rateLimits.rules));
    saveParam(app, BACKUP_KEY, JSON.stringify(current));
    settings.rateLimits.rules = RULES.concat(current.filter((r) => !r.label.startsWith(PREFIX)));
    app.save(settings);
  },
  (app) => {
    const settings = app.settings();
    const row = new DynamicModel({ value: "" });
    try {
      app
        .db()
        .newQuery("SELECT [[value]] FROM {{_params}} WHERE [[id]] = {:id}")
        .bind({ id: BACKUP_KEY })
        .one(row);
      settings.rateLimits.rules = JSON.parse(row.value);
      app.save(settings);
    } catch {
      // no saved rules (should not happen): keep the current ones rather than guess
    }
    app
      .db()
      .newQuery("DELETE FROM {{_params}} WHERE [[id]] = {:id}")
      .bind({ id: BACKUP_KEY })
      .execute();
  },
);
