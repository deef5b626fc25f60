// The one registration file. PocketBase serializes each handler and re-runs it in a pooled VM
// that sees no file scope, so every handler is a one-liner requiring the library at call time.
// Only `import type` is allowed here (ESLint and the build's scope check enforce it).

onRecordCreateRequest((e) => require(`${__hooks}/konvert.js`).users.onSignupRequest(e), "users");
onRecordCreateRequest(
  (e) => require(`${__hooks}/konvert.js`).rooms.onRoomCreateRequest(e),
  "rooms",
);
