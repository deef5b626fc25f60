// Hooks and crons. (Routes are in the route table, hooks-src/routes.ts; the build appends their
// registrations to pb_hooks/main.pb.js.) PocketBase serializes each handler and re-runs it in a
// pooled VM that sees no file scope, so every handler is a one-liner requiring the library at
// call time.
// Only `import type` is allowed here (ESLint and the build's scope check enforce it).

// Start-up: SQLite's WAL checkpoint threshold for the single writer (rules/wal.ts), idle read
// connections kept open (jsvm/read-pool.ts), and the test clock's starting time (jsvm/clock.ts:
// only with KONVERT_TEST_CLOCK=1)
onBootstrap((e) => {
  e.next();
  require(`${__hooks}/konvert.js`).wal.ensureWalAutocheckpoint(e.app);
  require(`${__hooks}/konvert.js`).readPool.keepReadConnections(e.app);
  require(`${__hooks}/konvert.js`).clock.initClock();
});
// People: sign-up checks, one sign-in failure budget per account and per IP for both sign-in
// routes (docs/operations.md), profile visibility and search text
onRecordCreateRequest((e) => require(`${__hooks}/konvert.js`).users.onSignupRequest(e), "users");
onRecordAuthWithPasswordRequest(
  (e) => require(`${__hooks}/konvert.js`).rateLimit.onPasswordSignIn(e),
  "users",
);
onRecordEnrich((e) => require(`${__hooks}/konvert.js`).profiles.onUserEnrich(e), "users");
onRecordCreate((e) => require(`${__hooks}/konvert.js`).profiles.onUserSave(e), "users");
onRecordUpdate((e) => require(`${__hooks}/konvert.js`).profiles.onUserSave(e), "users");
// Rooms: creation, and what members see of each other's rows
onRecordCreateRequest(
  (e) => require(`${__hooks}/konvert.js`).rooms.onRoomCreateRequest(e),
  "rooms",
);
onRecordEnrich(
  (e) => require(`${__hooks}/konvert.js`).memberPrivacy.onMembershipEnrich(e),
  "room_members",
);
onRecordsListRequest((e) => require(`${__hooks}/konvert.js`).listGuard.onRecordsList(e));
// Messages: the send
onRecordCreateRequest(
  (e) => require(`${__hooks}/konvert.js`).messages.onMessageCreateRequest(e),
  "messages",
);
// Realtime: topics authorized once per subscription; committed changes become events
onRealtimeSubscribeRequest((e) => require(`${__hooks}/konvert.js`).realtime.onSubscribe(e));
onRecordAfterCreateSuccess(
  (e) => require(`${__hooks}/konvert.js`).realtime.onRecordChange(e, "create"),
  "messages",
  "reactions",
  "pins",
  "polls",
  "poll_votes",
  "rooms",
  "room_members",
  "notifications",
  "blocks",
  "friendships",
  "friend_requests",
  "users",
);
onRecordAfterUpdateSuccess(
  (e) => require(`${__hooks}/konvert.js`).realtime.onRecordChange(e, "update"),
  "messages",
  "reactions",
  "pins",
  "polls",
  "poll_votes",
  "rooms",
  "room_members",
  "notifications",
  "blocks",
  "friendships",
  "friend_requests",
  "users",
);
onRecordAfterDeleteSuccess(
  (e) => require(`${__hooks}/konvert.js`).realtime.onRecordChange(e, "delete"),
  "messages",
  "reactions",
  "pins",
  "polls",
  "poll_votes",
  "rooms",
  "room_members",
  "notifications",
  "blocks",
  "friendships",
  "friend_requests",
  "users",
);
// Maintenance: expired tokens and store keys every hour; closed and stuck realtime connections
cronAdd("konvert-housekeeping", "17 * * * *", () =>
  require(`${__hooks}/konvert.js`).housekeeping.housekeeping(),
);
cronAdd("konvert-realtime-sweep", "* * * * *", () =>
  require(`${__hooks}/konvert.js`).realtime.sweepClosed(),
);
// With a replica: PocketBase's midnight TRUNCATE checkpoint (held writes ~10 s against
// Litestream's reader) replaced by a PASSIVE one (jsvm/db-maintenance.ts)
// Also: planner statistics brought up to date with the data (stale ones make scans of whole tables)
onBootstrap((e) => {
  e.next();
  const maintenance = require(`${__hooks}/konvert.js`).dbMaintenance;
  maintenance.replacePbDbOptimize(e.app);
  maintenance.refreshPlannerStats(e.app);
});
cronAdd("konvert-db-optimize", "0 0 * * *", () =>
  require(`${__hooks}/konvert.js`).dbMaintenance.dbOptimize($app),
);

// The original app's preflights: PocketBase's CORS middleware (pbCors, priority -1041) answers
// every OPTIONS request before any route runs, without Access-Control-Max-Age. A route middleware
// sorting before it adds the original's 600 s; being on this OPTIONS route only, no other request
// pays the VM call. (A CORS mechanism, not an API route, so it is not in the route table.)
routerAdd(
  "OPTIONS",
  "/functions/v1/make-server-b0f1e6d5/{path...}",
  (e) => e.noContent(204), // not reached: pbCors ends the chain
  new Middleware(
    (e) => require(`${__hooks}/konvert.js`).compatCors.preflightMaxAge(e),
    -1050,
    "konvertCorsMaxAge",
  ),
);
