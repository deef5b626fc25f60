/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: password guessing is now stopped by failure budgets per account and per IP shared by
// both sign-in routes (hooks-src/konvert/jsvm/rate-limit.ts). PocketBase's per-IP request limits
// on the two routes (10 / 10 s each) stay only as flood protection, raised so that an attacker
// behind an office NAT no longer locks every colleague out of signing in. `up` keeps the rules it
// changed in `_params` and `down` puts them back.

const BACKUP_KEY = "konvert_rate_limits_backup_1764800000";
const RAISED = {
  "*:auth": 60,
  "/functions/v1/make-server-b0f1e6d5/auth/signin": 60,
};

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
    settings.rateLimits.rules = current.map((rule) =>
      rule.label in RAISED && rule.duration === 10 && rule.maxRequests === 10
        ? { ...rule, maxRequests: RAISED[rule.label] }
        : rule,
    );
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
