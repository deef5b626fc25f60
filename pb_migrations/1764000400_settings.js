/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: application settings.
//   meta.appName = "Konvert", rate limiting enabled with Konvert's rules, batch API enabled.
//
// `up` stores the values it replaces in the `_params` table (row id BACKUP_KEY; PocketBase reads
// only its own "settings" row there) and `down` restores them from it, so a deployment that had
// tuned these settings before gets its own values back. Without the row (should not happen)
// `down` falls back to PocketBase 0.40.6's defaults.

const BACKUP_KEY = "konvert_settings_backup_1764000400";

// Order matters for prefix rules ("/…/"): PocketBase takes the first prefix rule (in this list's
// order) that matches, so the more specific "/api/konvert/" must precede "/api/".
// Counting is per client IP (users behind one NAT share the budget); superusers are exempt.
const RATE_LIMIT_RULES = [
  // password / OAuth2 / OTP sign-in
  { label: "*:auth", audience: "", duration: 10, maxRequests: 10 },
  // endpoints that send e-mails
  { label: "*:requestPasswordReset", audience: "", duration: 60, maxRequests: 5 },
  { label: "*:requestVerification", audience: "", duration: 60, maxRequests: 5 },
  // public signup (guests); "*:create" below only applies to signed-in users
  { label: "users:create", audience: "@guest", duration: 60, maxRequests: 20 },
  // record creates through the standard API by signed-in users
  { label: "*:create", audience: "@auth", duration: 10, maxRequests: 60 },
  // each batch call may carry up to batch.maxRequests (50) operations
  { label: "/api/batch", audience: "", duration: 1, maxRequests: 5 },
  // Konvert's custom routes
  { label: "/api/konvert/", audience: "", duration: 10, maxRequests: 120 },
  // everything else under /api/
  { label: "/api/", audience: "", duration: 10, maxRequests: 300 },
];

const BATCH = { enabled: true, maxRequests: 50, timeout: 3, maxBodySize: 0 };

// PocketBase 0.40.6 defaults (fallback for `down` only)
const PB_DEFAULTS = {
  appName: "Acme",
  rateLimits: {
    enabled: false,
    excludedIPs: [],
    rules: [
      { label: "*:auth", audience: "", duration: 3, maxRequests: 2 },
      { label: "*:create", audience: "", duration: 5, maxRequests: 20 },
      { label: "/api/batch", audience: "", duration: 1, maxRequests: 3 },
      { label: "/api/", audience: "", duration: 10, maxRequests: 300 },
    ],
  },
  batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
};

function snapshot(settings) {
  // JSON round-trip turns the Go structs into plain JS data
  return JSON.parse(
    JSON.stringify({
      appName: settings.meta.appName,
      rateLimits: settings.rateLimits,
      batch: settings.batch,
    }),
  );
}

function apply(settings, values) {
  settings.meta.appName = values.appName;
  settings.rateLimits.enabled = values.rateLimits.enabled;
  settings.rateLimits.excludedIPs = values.rateLimits.excludedIPs || [];
  settings.rateLimits.rules = values.rateLimits.rules || [];
  settings.batch.enabled = values.batch.enabled;
  settings.batch.maxRequests = values.batch.maxRequests;
  settings.batch.timeout = values.batch.timeout;
  settings.batch.maxBodySize = values.batch.maxBodySize;
}

migrate(
  (app) => {
    const settings = app.settings();

    app
      .db()
      .newQuery(
        "INSERT INTO {{_params}} ([[id]], [[value]], [[created]], [[updated]]) " +
          "VALUES ({:id}, {:value}, strftime('%Y-%m-%d %H:%M:%fZ'), strftime('%Y-%m-%d %H:%M:%fZ')) " +
          "ON CONFLICT ([[id]]) DO UPDATE SET [[value]] = excluded.[[value]], [[updated]] = excluded.[[updated]]",
      )
      .bind({ id: BACKUP_KEY, value: JSON.stringify(snapshot(settings)) })
      .execute();

    apply(settings, {
      appName: "Konvert",
      rateLimits: {
        enabled: true,
        excludedIPs: settings.rateLimits.excludedIPs,
        rules: RATE_LIMIT_RULES,
      },
      batch: BATCH,
    });

    app.save(settings);
  },
  (app) => {
    const settings = app.settings();

    const row = new DynamicModel({ value: "" });
    let previous = PB_DEFAULTS;
    try {
      app
        .db()
        .newQuery("SELECT [[value]] FROM {{_params}} WHERE [[id]] = {:id}")
        .bind({ id: BACKUP_KEY })
        .one(row);
      previous = JSON.parse(row.value);
    } catch {
      // no backup row: restore PocketBase defaults
    }

    apply(settings, previous);
    app.save(settings);

    app
      .db()
      .newQuery("DELETE FROM {{_params}} WHERE [[id]] = {:id}")
      .bind({ id: BACKUP_KEY })
      .execute();
  },
);
