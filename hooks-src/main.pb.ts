// The one registration file. PocketBase serializes each handler and re-runs it in a pooled VM
// that sees no file scope, so every handler is a one-liner requiring the library at call time.
// Only `import type` is allowed here (ESLint and the build's scope check enforce it).

onRecordCreateRequest((e) => require(`${__hooks}/konvert.js`).users.onSignupRequest(e), "users");
onRecordCreateRequest(
  (e) => require(`${__hooks}/konvert.js`).rooms.onRoomCreateRequest(e),
  "rooms",
);
// Supabase import tool (superuser only; raw SQL upserts, no per-record hooks)
routerAdd("POST", "/api/konvert/import/rows", (e) =>
  require(`${__hooks}/konvert.js`).importer.onImportRows(e),
);
routerAdd("POST", "/api/konvert/import/read", (e) =>
  require(`${__hooks}/konvert.js`).importer.onImportRead(e),
);
routerAdd("POST", "/api/konvert/import/file", (e) =>
  require(`${__hooks}/konvert.js`).importer.onImportFile(e),
);
// People (issue #5): profile visibility and search text, profiles, presence, moderation,
// friends, blocks, account lifecycle. Routes answer 401 to anonymous callers themselves (callerOf).
onRecordEnrich((e) => require(`${__hooks}/konvert.js`).profiles.onUserEnrich(e), "users");
onRecordCreate((e) => require(`${__hooks}/konvert.js`).profiles.onUserSave(e), "users");
onRecordUpdate((e) => require(`${__hooks}/konvert.js`).profiles.onUserSave(e), "users");
routerAdd("GET", "/api/konvert/users/search", (e) =>
  require(`${__hooks}/konvert.js`).profiles.search(e),
);
routerAdd("POST", "/api/konvert/profile", (e) =>
  require(`${__hooks}/konvert.js`).profiles.update(e),
);
routerAdd("POST", "/api/konvert/profile/avatar", (e) =>
  require(`${__hooks}/konvert.js`).profiles.uploadAvatar(e),
);
routerAdd("DELETE", "/api/konvert/profile/avatar", (e) =>
  require(`${__hooks}/konvert.js`).profiles.removeAvatar(e),
);
routerAdd("POST", "/api/konvert/presence/heartbeat", (e) =>
  require(`${__hooks}/konvert.js`).presence.heartbeat(e),
);
routerAdd("POST", "/api/konvert/users/{id}/ban", (e) =>
  require(`${__hooks}/konvert.js`).moderation.ban(e),
);
routerAdd("POST", "/api/konvert/users/{id}/unban", (e) =>
  require(`${__hooks}/konvert.js`).moderation.unban(e),
);
routerAdd("POST", "/api/konvert/users/{id}/mute", (e) =>
  require(`${__hooks}/konvert.js`).moderation.mute(e),
);
routerAdd("POST", "/api/konvert/users/{id}/unmute", (e) =>
  require(`${__hooks}/konvert.js`).moderation.unmute(e),
);
routerAdd("POST", "/api/konvert/users/{id}/role", (e) =>
  require(`${__hooks}/konvert.js`).moderation.changeRole(e),
);
routerAdd("DELETE", "/api/konvert/users/{id}", (e) =>
  require(`${__hooks}/konvert.js`).account.deleteByAdmin(e),
);
routerAdd("POST", "/api/konvert/blocks/{id}", (e) =>
  require(`${__hooks}/konvert.js`).blocks.block(e),
);
routerAdd("DELETE", "/api/konvert/blocks/{id}", (e) =>
  require(`${__hooks}/konvert.js`).blocks.unblock(e),
);
routerAdd("POST", "/api/konvert/friends/requests", (e) =>
  require(`${__hooks}/konvert.js`).friends.sendRequest(e),
);
routerAdd("POST", "/api/konvert/friends/requests/{id}/accept", (e) =>
  require(`${__hooks}/konvert.js`).friends.accept(e),
);
routerAdd("POST", "/api/konvert/friends/requests/{id}/reject", (e) =>
  require(`${__hooks}/konvert.js`).friends.reject(e),
);
routerAdd("POST", "/api/konvert/friends/requests/{id}/cancel", (e) =>
  require(`${__hooks}/konvert.js`).friends.cancel(e),
);
routerAdd("DELETE", "/api/konvert/friends/{id}", (e) =>
  require(`${__hooks}/konvert.js`).friends.remove(e),
);
routerAdd("POST", "/api/konvert/notifications/{id}/read", (e) =>
  require(`${__hooks}/konvert.js`).friends.markNotificationRead(e),
);
routerAdd("POST", "/api/konvert/account/password", (e) =>
  require(`${__hooks}/konvert.js`).account.changePassword(e),
);
routerAdd("POST", "/api/konvert/account/email", (e) =>
  require(`${__hooks}/konvert.js`).account.changeEmail(e),
);
routerAdd("POST", "/api/konvert/account/delete", (e) =>
  require(`${__hooks}/konvert.js`).account.deleteOwn(e),
);
routerAdd("GET", "/api/konvert/account/export", (e) =>
  require(`${__hooks}/konvert.js`).account.exportData(e),
);
// Message search and polls (issue #4). Anonymous callers get 401 from the handlers (callerOf).
routerAdd("GET", "/api/konvert/search", (e) => require(`${__hooks}/konvert.js`).search.search(e));
routerAdd("GET", "/api/konvert/polls/{id}", (e) =>
  require(`${__hooks}/konvert.js`).polls.results(e),
);
routerAdd("POST", "/api/konvert/polls/{id}/vote", (e) =>
  require(`${__hooks}/konvert.js`).polls.vote(e),
);
routerAdd("DELETE", "/api/konvert/polls/{id}/vote", (e) =>
  require(`${__hooks}/konvert.js`).polls.retract(e),
);
