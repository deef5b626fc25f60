// The one registration file. PocketBase serializes each handler and re-runs it in a pooled VM
// that sees no file scope, so every handler is a one-liner requiring the library at call time.
// Only `import type` is allowed here (ESLint and the build's scope check enforce it).

// SQLite's WAL checkpoint threshold for the single writer (rules/wal.ts), from the start; the
// test clock's starting time (jsvm/clock.ts: only with KONVERT_TEST_CLOCK=1)
onBootstrap((e) => {
  e.next();
  require(`${__hooks}/konvert.js`).wal.ensureWalAutocheckpoint(e.app);
  require(`${__hooks}/konvert.js`).clock.initClock();
});
// Konvert's health: hooks version, migrations, a write probe, free disk (503 when unwritable)
routerAdd("GET", "/api/konvert/health", (e) => require(`${__hooks}/konvert.js`).health.health(e));
// The test clock (404 unless the server was started with KONVERT_TEST_CLOCK=1; superusers only)
routerAdd("GET", "/api/konvert/test/clock", (e) =>
  require(`${__hooks}/konvert.js`).clock.onGetClock(e),
);
routerAdd("POST", "/api/konvert/test/clock", (e) =>
  require(`${__hooks}/konvert.js`).clock.onSetClock(e),
);
onRecordCreateRequest((e) => require(`${__hooks}/konvert.js`).users.onSignupRequest(e), "users");
onRecordCreateRequest(
  (e) => require(`${__hooks}/konvert.js`).rooms.onRoomCreateRequest(e),
  "rooms",
);
// Supabase import tool (superuser only; raw SQL upserts, no per-record hooks)
routerAdd("POST", "/api/konvert/import/rows", (e) =>
  require(`${__hooks}/konvert.js`).importer.onImportRows(e),
);
routerAdd("POST", "/api/konvert/import/bulk", (e) =>
  require(`${__hooks}/konvert.js`).importBulk.onImportBulk(e),
);
routerAdd("POST", "/api/konvert/import/read", (e) =>
  require(`${__hooks}/konvert.js`).importer.onImportRead(e),
);
routerAdd(
  "POST",
  "/api/konvert/import/file",
  (e) => require(`${__hooks}/konvert.js`).importer.onImportFile(e),
  $apis.bodyLimit(62914560), // 60 MiB: Supabase objects may be 50 MB, the default limit is 32 MB
);
// People (issue #5): profile visibility and search text, profiles, presence, moderation,
// friends, blocks, account lifecycle. Routes answer 401 to anonymous callers themselves (callerOf).
// One failure budget per account and per IP for both sign-in routes (docs/operations.md)
onRecordAuthWithPasswordRequest(
  (e) => require(`${__hooks}/konvert.js`).rateLimit.onPasswordSignIn(e),
  "users",
);
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
// Rooms, DMs, read state, pins, E2EE keys (issue #3)
onRecordEnrich(
  (e) => require(`${__hooks}/konvert.js`).memberPrivacy.onMembershipEnrich(e),
  "room_members",
);
onRecordsListRequest((e) => require(`${__hooks}/konvert.js`).listGuard.onRecordsList(e));
routerAdd("GET", "/api/konvert/rooms", (e) => require(`${__hooks}/konvert.js`).roomList.list(e));
routerAdd("GET", "/api/konvert/rooms/{id}", (e) =>
  require(`${__hooks}/konvert.js`).roomList.one(e),
);
routerAdd("DELETE", "/api/konvert/rooms/{id}", (e) =>
  require(`${__hooks}/konvert.js`).roomAdmin.deleteRoom(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/join", (e) =>
  require(`${__hooks}/konvert.js`).membership.join(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/leave", (e) =>
  require(`${__hooks}/konvert.js`).membership.leave(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/invite", (e) =>
  require(`${__hooks}/konvert.js`).membership.invite(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/remove", (e) =>
  require(`${__hooks}/konvert.js`).membership.remove(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/pin", (e) =>
  require(`${__hooks}/konvert.js`).roomAdmin.pin(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/unpin", (e) =>
  require(`${__hooks}/konvert.js`).roomAdmin.unpin(e),
);
routerAdd("POST", "/api/konvert/rooms/{id}/read", (e) =>
  require(`${__hooks}/konvert.js`).readState.markAsRead(e),
);
routerAdd("GET", "/api/konvert/rooms/{id}/key", (e) =>
  require(`${__hooks}/konvert.js`).e2ee.roomKey(e),
);
routerAdd("PUT", "/api/konvert/rooms/{id}/keys", (e) =>
  require(`${__hooks}/konvert.js`).e2ee.saveRoomKeys(e),
);
routerAdd("GET", "/api/konvert/rooms/{id}/public-keys", (e) =>
  require(`${__hooks}/konvert.js`).e2ee.memberPublicKeys(e),
);
routerAdd("PUT", "/api/konvert/me/public-key", (e) =>
  require(`${__hooks}/konvert.js`).e2ee.updatePublicKey(e),
);
routerAdd("GET", "/api/konvert/dms", (e) => require(`${__hooks}/konvert.js`).dms.list(e));
routerAdd("POST", "/api/konvert/dms", (e) => require(`${__hooks}/konvert.js`).dms.open(e));
routerAdd("DELETE", "/api/konvert/dms/{id}", (e) => require(`${__hooks}/konvert.js`).dms.hide(e));
routerAdd("POST", "/api/konvert/favorites", (e) =>
  require(`${__hooks}/konvert.js`).favorites.open(e),
);
// Messages, reactions, mentions, notifications, typing (issue #4)
onRecordCreateRequest(
  (e) => require(`${__hooks}/konvert.js`).messages.onMessageCreateRequest(e),
  "messages",
);
routerAdd(
  "GET",
  "/api/konvert/rooms/{id}/messages",
  (e) => require(`${__hooks}/konvert.js`).history.list(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "POST",
  "/api/konvert/rooms/{id}/typing",
  (e) => require(`${__hooks}/konvert.js`).typing.ping(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "PATCH",
  "/api/konvert/messages/{id}",
  (e) => require(`${__hooks}/konvert.js`).messages.edit(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "DELETE",
  "/api/konvert/messages/{id}",
  (e) => require(`${__hooks}/konvert.js`).messages.remove(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "POST",
  "/api/konvert/messages/{id}/forward",
  (e) => require(`${__hooks}/konvert.js`).messages.forward(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "POST",
  "/api/konvert/messages/{id}/reactions",
  (e) => require(`${__hooks}/konvert.js`).reactions.add(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "DELETE",
  "/api/konvert/messages/{id}/reactions",
  (e) => require(`${__hooks}/konvert.js`).reactions.remove(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "GET",
  "/api/konvert/notifications",
  (e) => require(`${__hooks}/konvert.js`).notifications.list(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "POST",
  "/api/konvert/notifications/read-all",
  (e) => require(`${__hooks}/konvert.js`).notifications.markAllRead(e),
  $apis.requireAuth("users"),
);
routerAdd(
  "DELETE",
  "/api/konvert/notifications/{id}",
  (e) => require(`${__hooks}/konvert.js`).notifications.remove(e),
  $apis.requireAuth("users"),
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
// Achievements and streaks (issue #6); progress is tracked inside the event hooks themselves.
routerAdd("GET", "/api/konvert/achievements", (e) =>
  require(`${__hooks}/konvert.js`).achievements.list(e),
);
routerAdd("POST", "/api/konvert/achievements/{id}/unlock", (e) =>
  require(`${__hooks}/konvert.js`).achievements.claim(e),
);
routerAdd("POST", "/api/konvert/admin/achievements/recompute", (e) =>
  require(`${__hooks}/konvert.js`).achievements.recompute(e),
);
// Legacy HTTP API of the original frontend (issue #9, docs/compat.md): spec §3 paths under the
// original function prefix; the handlers answer 401 themselves.
// Preflights: PocketBase's CORS middleware (pbCors, priority -1041) answers every OPTIONS request
// before any route runs, without Access-Control-Max-Age. A route middleware sorting before it
// adds the original's 600 s; being on this OPTIONS route only, no other request pays the VM call.
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
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/health", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.health(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/auth/signup", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.signup(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/auth/signin", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.signin(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/auth/me", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.me(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/auth/signout", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.signout(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/auth/refresh", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.refresh(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/auth/activity", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.activity(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/users/search", (e) =>
  require(`${__hooks}/konvert.js`).compatUsers.search(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/users/{userId}", (e) =>
  require(`${__hooks}/konvert.js`).compatUsers.one(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/friend", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.addFriend(e),
);
routerAdd("PUT", "/functions/v1/make-server-b0f1e6d5/users/public-key", (e) =>
  require(`${__hooks}/konvert.js`).compatKeys.savePublicKey(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/rooms", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.list(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.create(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/favorites", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.openFavorites(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/dm", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.openAsRoom(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/key", (e) =>
  require(`${__hooks}/konvert.js`).compatKeys.roomKey(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/keys", (e) =>
  require(`${__hooks}/konvert.js`).compatKeys.saveRoomKeys(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/join", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.join(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/leave", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.leave(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/invite", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.invite(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/pin", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.pin(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/pin", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.unpin(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/pin/{messageId}", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.unpin(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}/mark-read", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.markRead(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/rooms/{roomId}", (e) =>
  require(`${__hooks}/konvert.js`).compatRooms.remove(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/messages", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.send(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/messages/{roomId}", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.list(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/messages/{roomId}/search", (e) =>
  require(`${__hooks}/konvert.js`).compatSearch.inRoom(e),
);
routerAdd("PUT", "/functions/v1/make-server-b0f1e6d5/messages/{messageId}", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.edit(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/messages/{messageId}", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.remove(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/messages/{messageId}/react", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.react(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/messages/{messageId}/react", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.unreact(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/dm/create", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.create(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/dm/list", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.list(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/dm/{dmId}/messages", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.messages(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/dm/{dmId}/messages", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.send(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/dm/{dmId}/read", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.read(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/dm/{dmId}", (e) =>
  require(`${__hooks}/konvert.js`).compatDms.remove(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/users/friends/list", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.friendList(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/users/{userId}/friend", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.unfriend(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/block", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.block(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/unblock", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.unblock(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/friend-requests/{userId}/check", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.check(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/friend-requests/{userId}", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.sendRequest(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/friend-requests/{requestKey}/accept", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.accept(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/friend-requests/{requestKey}/reject", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.reject(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/notifications", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.listNotifications(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/notifications/{notificationId}/read", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.readNotification(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/notifications/{notificationId}", (e) =>
  require(`${__hooks}/konvert.js`).compatPeople.deleteNotification(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/polls", (e) =>
  require(`${__hooks}/konvert.js`).compatMessages.createPoll(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/polls/{pollId}", (e) =>
  require(`${__hooks}/konvert.js`).compatPolls.get(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/polls/{pollId}/vote", (e) =>
  require(`${__hooks}/konvert.js`).compatPolls.vote(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/storage/upload", (e) =>
  require(`${__hooks}/konvert.js`).compatStorage.upload(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/profile/avatar", (e) =>
  require(`${__hooks}/konvert.js`).compatStorage.avatar(e),
);
routerAdd("PUT", "/functions/v1/make-server-b0f1e6d5/profile", (e) =>
  require(`${__hooks}/konvert.js`).compatProfile.update(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/profile/change-password", (e) =>
  require(`${__hooks}/konvert.js`).compatProfile.changePassword(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/profile/change-email", (e) =>
  require(`${__hooks}/konvert.js`).compatProfile.changeEmail(e),
);
routerAdd("PUT", "/functions/v1/make-server-b0f1e6d5/users/{userId}/role", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.changeRole(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/ban", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.ban(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/unban", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.unban(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/mute", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.mute(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/users/{userId}/unmute", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.unmute(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/admin/cleanup-azkaban", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.cleanupAzkaban(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/users/{userId}", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.deleteUser(e),
);
routerAdd("DELETE", "/functions/v1/make-server-b0f1e6d5/users/{userId}/permanent", (e) =>
  require(`${__hooks}/konvert.js`).compatModeration.deleteUser(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/heartbeat", (e) =>
  require(`${__hooks}/konvert.js`).compatAuth.activity(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/achievements/{userId}", (e) =>
  require(`${__hooks}/konvert.js`).compatAchievements.profile(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/achievements/{userId}/progress", (e) =>
  require(`${__hooks}/konvert.js`).compatAchievements.progress(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/achievements/{userId}/unlock", (e) =>
  require(`${__hooks}/konvert.js`).compatAchievements.unlock(e),
);
routerAdd("GET", "/functions/v1/make-server-b0f1e6d5/achievements/{userId}/stats", (e) =>
  require(`${__hooks}/konvert.js`).compatAchievements.stats(e),
);
routerAdd("POST", "/functions/v1/make-server-b0f1e6d5/achievements/{userId}/activity", (e) =>
  require(`${__hooks}/konvert.js`).compatAchievements.activity(e),
);
// Realtime topics (issue #15): authorized once per subscription, events routed by an index
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
routerAdd(
  "GET",
  "/api/konvert/admin/realtime",
  (e) => require(`${__hooks}/konvert.js`).realtime.stats(e),
  $apis.requireSuperuserAuth(),
);
routerAdd(
  "GET",
  "/api/konvert/admin/users-without-password",
  (e) => require(`${__hooks}/konvert.js`).passwordResets.list(e),
  $apis.requireSuperuserAuth(),
);
cronAdd("konvert-housekeeping", "17 * * * *", () =>
  require(`${__hooks}/konvert.js`).housekeeping.housekeeping(),
);
cronAdd("konvert-realtime-sweep", "* * * * *", () =>
  require(`${__hooks}/konvert.js`).realtime.sweepClosed(),
);
