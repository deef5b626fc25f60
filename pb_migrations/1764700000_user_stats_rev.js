/// <reference path="../types/pocketbase-jsvm.d.ts" />

// user_stats.rev: a random token the send path writes with every stats update. The hooks keep
// each user's last written row in PocketBase's app store and update it only where the token (and
// `updated`) still match, so an event costs one UPDATE instead of a SELECT plus an UPDATE. Any
// other writer (dashboard, import, a rolled-back transaction) leaves a row the token no longer
// matches, and the hook then reads the row again.

migrate(
  (app) => {
    const stats = app.findCollectionByNameOrId("user_stats");
    stats.fields.add(new TextField({ name: "rev", hidden: true, max: 40 }));
    app.save(stats);
  },
  (app) => {
    const stats = app.findCollectionByNameOrId("user_stats");
    stats.fields.removeByName("rev");
    app.save(stats);
  },
);
