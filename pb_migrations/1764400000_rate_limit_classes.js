/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: rate limits tuned per route class (auth, e-mail senders, create, search, heartbeat).
//
// Limits count per client IP. Behind a reverse proxy that IP is only the client's when the
// instance trusts the proxy's header (settings.trustedProxy, applied by `npm run setup` /
// scripts/lib/instance-settings.ts, see docs/operations.md); otherwise every client shares the
// proxy's budget.
//
// Like 1764000400_settings.js, `up` keeps the rules it replaces in `_params` and `down` puts them
// back, so a deployment's own tuning survives a rollback.

const BACKUP_KEY = "konvert_rate_limits_backup_1764400000";

// First match wins for exact labels; prefix labels ("…/") are tried in list order, so the more
// specific prefixes precede "/api/konvert/" and "/api/".
const RULES = [
  // auth: password / OAuth2 / OTP sign-in; guessing passwords is the attack to slow down
  { label: "*:auth", audience: "", duration: 10, maxRequests: 10 },
  // token refresh: a client refreshes on start and every few minutes, a tab storm stays under this
  { label: "*:authRefresh", audience: "", duration: 60, maxRequests: 30 },
  // routes that send e-mail or codes: each call costs an SMTP send
  { label: "*:requestOTP", audience: "", duration: 60, maxRequests: 5 },
  { label: "*:requestPasswordReset", audience: "", duration: 60, maxRequests: 5 },
  { label: "*:requestVerification", audience: "", duration: 60, maxRequests: 5 },
  { label: "*:requestEmailChange", audience: "", duration: 60, maxRequests: 5 },
  // create: public signup by guests, then record creates (messages, reactions…) by signed-in users
  { label: "users:create", audience: "@guest", duration: 60, maxRequests: 20 },
  { label: "*:create", audience: "@auth", duration: 10, maxRequests: 60 },
  // each batch call may carry up to batch.maxRequests (50) operations
  { label: "/api/batch", audience: "", duration: 1, maxRequests: 5 },
  // search: full-text and prefix queries are the most expensive reads
  { label: "/api/konvert/users/search", audience: "", duration: 10, maxRequests: 30 },
  { label: "/api/konvert/search", audience: "", duration: 10, maxRequests: 30 },
  // heartbeat: one call per open tab every ~30 s; writes are coalesced server-side
  { label: "/api/konvert/presence/", audience: "", duration: 60, maxRequests: 120 },
  // the rest of Konvert's custom routes
  { label: "/api/konvert/", audience: "", duration: 10, maxRequests: 120 },
  // everything else under /api/ (lists, views, realtime subscriptions, files)
  { label: "/api/", audience: "", duration: 10, maxRequests: 300 },
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
    saveParam(app, BACKUP_KEY, JSON.stringify(settings.rateLimits.rules));
    settings.rateLimits.rules = RULES;
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
