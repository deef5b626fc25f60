/// <reference path="../types/pocketbase-jsvm.d.ts" />

// The single jail room ("Азкабан") where banned users are confined. It exists from the start so
// that no ban has to create it (the original created it lazily and duplicated it on every ban);
// rooms.system = 'jail' has a unique index, so a second one cannot appear.
const JAIL_ID = "jailroom0000000";

migrate(
  (app) => {
    const jail = new Record(app.findCollectionByNameOrId("rooms"));
    jail.set("id", JAIL_ID);
    jail.set("name", "🔒 Азкабан");
    jail.set("type", "private");
    jail.set("system", "jail");
    jail.set("keyVersion", 0);
    app.save(jail);
  },
  (app) => {
    app.delete(app.findRecordById("rooms", JAIL_ID));
  },
);
