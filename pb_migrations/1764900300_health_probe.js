/// <reference path="../types/pocketbase-jsvm.d.ts" />

// One row that `GET /api/konvert/health` rewrites on every call: proof that the database takes a
// write (a read-only data dir, a full disk or a lost file lock all fail it), without touching
// PocketBase's own tables. A plain table, not a collection: nothing reads it through the API.

migrate(
  (app) => {
    app
      .db()
      .newQuery(
        "CREATE TABLE IF NOT EXISTS konvert_health_probe " +
          "(id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL)",
      )
      .execute();
  },
  (app) => {
    app.db().newQuery("DROP TABLE IF EXISTS konvert_health_probe").execute();
  },
);
