/// <reference path="../types/pocketbase-jsvm.d.ts" />

// user_stats.silentReads: group messages read since the user last wrote (silent_listener), moved
// out of the `counters` JSON into a column of its own. Almost every send has to know that it is
// 0, and a column is checked without parsing the JSON, whose size grows with the per-room
// counters of an active user.

migrate(
  (app) => {
    const stats = app.findCollectionByNameOrId("user_stats");
    stats.fields.add(new NumberField({ name: "silentReads", min: 0, onlyInt: true }));
    app.save(stats);
    app
      .db()
      .newQuery(
        "UPDATE user_stats SET silentReads = MAX(0, CAST(COALESCE(json_extract(counters, " +
          "'$.silentReads'), 0) AS INTEGER)), counters = json_remove(counters, '$.silentReads') " +
          "WHERE json_valid(counters) AND json_type(counters) = 'object'",
      )
      .execute();
  },
  (app) => {
    app
      .db()
      .newQuery(
        "UPDATE user_stats SET counters = json_set(CASE WHEN json_valid(counters) AND " +
          "json_type(counters) = 'object' THEN counters ELSE '{}' END, '$.silentReads', silentReads) " +
          "WHERE silentReads > 0",
      )
      .execute();
    const stats = app.findCollectionByNameOrId("user_stats");
    stats.fields.removeByName("silentReads");
    app.save(stats);
  },
);
