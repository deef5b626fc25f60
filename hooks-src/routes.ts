// The route table: every HTTP route Konvert adds to PocketBase, grouped by capability. The build
// (build.mjs) appends a self-contained one-line registration per route to pb_hooks/main.pb.js (the
// scope check proves it) and writes the route tables of docs/api.md and docs/compat.md. A route
// is added here, never by hand in main.pb.ts. Only data: this file is read at build time.
//
// auth, enforced by the generated registration before the handler runs:
//   anonymous  anyone (monitoring)
//   user       a signed-in user (PocketBase's requireAuth("users")): 401 without, 403 for a superuser
//   superuser  PocketBase's requireSuperuserAuth(): 401 without, 403 for a user
//   test       superusers, and only on a server started with KONVERT_TEST_CLOCK=1 (404 otherwise):
//              the handler checks, so a server without the flag does not even say 401
//   legacy     the original app's API: the compat layer reads its own bearer tokens and answers as
//              the original did (some routes, such as sign-in, are for anonymous callers)
// Handlers still read their caller through the same helpers (callerOf…), a second wall.

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Auth = "anonymous" | "user" | "superuser" | "test" | "legacy";

export interface Route {
  method: Method;
  /** under /api/konvert for doc "api"; under LEGACY_PREFIX for doc "compat" */
  path: string;
  /** `<namespace>.<function>` of pb_hooks/konvert.js, called with the request event */
  handler: string;
  auth: Auth;
  /** bytes, when the default (32 MiB) does not fit */
  bodyLimit?: number;
  /** docs/api.md's description (typed routes) */
  summary?: string;
}

export interface RouteGroup {
  /** marker of the generated table in its doc: <!-- routes:ID --> … <!-- /routes:ID --> */
  id: string;
  /** docs/api.md (typed API) or docs/compat.md (the original app's API) */
  doc: "api" | "compat";
  title: string;
  routes: Route[];
}

/** Where the original app's routes live (its Supabase function's path). */
export const LEGACY_PREFIX = "/functions/v1/make-server-b0f1e6d5";

export const ROUTE_GROUPS: RouteGroup[] = [
  {
    id: "operations",
    doc: "api",
    title: "Operations",
    routes: [
      {
        method: "GET",
        path: "/api/konvert/health",
        handler: "health.health",
        auth: "anonymous",
        summary:
          'hooks version, migrations applied/pending, a write probe, free disk, replication lag (with a replica); 200 `{"status":"ok"}` or 503 with `problems` (docs/operations.md, "Health"). 404 means PocketBase runs without Konvert\'s hooks',
      },
    ],
  },
  {
    id: "rooms",
    doc: "api",
    title: "Rooms, DMs, read state, keys",
    routes: [
      {
        method: "GET",
        path: "/api/konvert/rooms",
        handler: "roomList.list",
        auth: "user",
        summary:
          "my rooms (not DMs) with last-message preview and unread / mention / reaction counts, newest activity first; `?include=public` adds public rooms not joined",
      },
      {
        method: "GET",
        path: "/api/konvert/rooms/{id}",
        handler: "roomList.one",
        auth: "user",
        summary: "one room as the list shows it",
      },
      {
        method: "DELETE",
        path: "/api/konvert/rooms/{id}",
        handler: "roomAdmin.deleteRoom",
        auth: "user",
        summary: "soft delete (owner, moderators, admins; logged when staff)",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/join",
        handler: "membership.join",
        auth: "user",
        summary: "join a public room (idempotent)",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/leave",
        handler: "membership.leave",
        auth: "user",
        summary: "leave; an owner hands over to the oldest room admin, else the oldest member",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/invite",
        handler: "membership.invite",
        auth: "user",
        summary:
          "`{userId}`: a member adds someone (not into DMs, favorites or the jail; not across blocks)",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/remove",
        handler: "membership.remove",
        auth: "user",
        summary: "`{userId}`: owner, room admins (plain members), moderators, admins",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/pin",
        handler: "roomAdmin.pin",
        auth: "user",
        summary: "`{messageId}`: the message becomes the current pin (owner, VIP members, staff)",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/unpin",
        handler: "roomAdmin.unpin",
        auth: "user",
        summary:
          "`{messageId?}`: removes a pin (default: the current); the previous pin becomes current",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/read",
        handler: "readState.markAsRead",
        auth: "user",
        summary: "`{clearMentions?, clearReactions?}`: moves my watermarks",
      },
      {
        method: "GET",
        path: "/api/konvert/rooms/{id}/key",
        handler: "e2ee.roomKey",
        auth: "user",
        summary: "my wrapped room key and its version, and the room's current key version",
      },
      {
        method: "PUT",
        path: "/api/konvert/rooms/{id}/keys",
        handler: "e2ee.saveRoomKeys",
        auth: "user",
        summary: "`{encryptedKeys: {userId: wrappedKey}}` (owner and staff)",
      },
      {
        method: "GET",
        path: "/api/konvert/rooms/{id}/public-keys",
        handler: "e2ee.memberPublicKeys",
        auth: "user",
        summary: "members' public keys, for wrapping a room key",
      },
      {
        method: "PUT",
        path: "/api/konvert/me/public-key",
        handler: "e2ee.updatePublicKey",
        auth: "user",
        summary: "`{publicKey}`",
      },
      {
        method: "GET",
        path: "/api/konvert/dms",
        handler: "dms.list",
        auth: "user",
        summary: "my direct conversations with counts and the other person's public profile",
      },
      {
        method: "POST",
        path: "/api/konvert/dms",
        handler: "dms.open",
        auth: "user",
        summary: "`{userId}`: the conversation with that user, created on first use (one per pair)",
      },
      {
        method: "DELETE",
        path: "/api/konvert/dms/{id}",
        handler: "dms.hide",
        auth: "user",
        summary: "hide a conversation for me until its next message",
      },
      {
        method: "POST",
        path: "/api/konvert/favorites",
        handler: "favorites.open",
        auth: "user",
        summary: "my favorites room, created on first use",
      },
      {
        method: "GET",
        path: "/api/konvert/rooms/{id}/messages",
        handler: "history.list",
        auth: "user",
        summary:
          "history, newest first: `?limit=50` (≤ 200), `?before=<messageId>`; `?as=admin` lets an admin read any room read-only (logged)",
      },
      {
        method: "POST",
        path: "/api/konvert/rooms/{id}/typing",
        handler: "typing.ping",
        auth: "user",
        summary:
          "typing ping to the room's members (throttled to one per 2 s); only from someone who may write there",
      },
    ],
  },
  {
    id: "messages",
    doc: "api",
    title: "Messages, reactions, notifications, search, polls",
    routes: [
      {
        method: "POST",
        path: "/api/konvert/notifications/{id}/read",
        handler: "friends.markNotificationRead",
        auth: "user",
        summary: "mark one read",
      },
      {
        method: "POST",
        path: "/api/konvert/messages",
        handler: "messages.create",
        auth: "user",
        summary:
          "`{room, content, type?, replyTo?, mentions?, poll?}`: send (JSON; the records API's create is the same send, and the one for files); answers the message as the records API does",
      },
      {
        method: "PATCH",
        path: "/api/konvert/messages/{id}",
        handler: "messages.edit",
        auth: "user",
        summary: "`{content, mentions?}`: the author edits; mentions are recomputed",
      },
      {
        method: "DELETE",
        path: "/api/konvert/messages/{id}",
        handler: "messages.remove",
        auth: "user",
        summary:
          "tombstone (author, room owner, moderators, admins): content, files, mentions, reactions, poll, pins and unread notifications go; members hear a `message` `update`",
      },
      {
        method: "POST",
        path: "/api/konvert/messages/{id}/forward",
        handler: "messages.forward",
        auth: "user",
        summary: "`{roomId}`: a copy (files included) marked `forwardedFrom`",
      },
      {
        method: "POST",
        path: "/api/konvert/messages/{id}/reactions",
        handler: "reactions.add",
        auth: "user",
        summary: "`{emoji}`: add (idempotent; one emoji grapheme)",
      },
      {
        method: "DELETE",
        path: "/api/konvert/messages/{id}/reactions",
        handler: "reactions.remove",
        auth: "user",
        summary: "`?emoji=`: remove (idempotent)",
      },
      {
        method: "GET",
        path: "/api/konvert/notifications",
        handler: "notifications.list",
        auth: "user",
        summary: "mine, unread first, `?page=&perPage=` (the newest 100 are kept)",
      },
      {
        method: "POST",
        path: "/api/konvert/notifications/read-all",
        handler: "notifications.markAllRead",
        auth: "user",
        summary: "mark all read",
      },
      {
        method: "DELETE",
        path: "/api/konvert/notifications/{id}",
        handler: "notifications.remove",
        auth: "user",
        summary: "delete one",
      },
      {
        method: "GET",
        path: "/api/konvert/search",
        handler: "search.search",
        auth: "user",
        summary: "`?q=&page=&perPage=`: full-text over live messages of my rooms",
      },
      {
        method: "GET",
        path: "/api/konvert/polls/{id}",
        handler: "polls.results",
        auth: "user",
        summary: "results; voters only for non-anonymous polls",
      },
      {
        method: "POST",
        path: "/api/konvert/polls/{id}/vote",
        handler: "polls.vote",
        auth: "user",
        summary: "`{options: number[]}`: vote or change the vote",
      },
      {
        method: "DELETE",
        path: "/api/konvert/polls/{id}/vote",
        handler: "polls.retract",
        auth: "user",
        summary: "retract my vote",
      },
    ],
  },
  {
    id: "people",
    doc: "api",
    title: "People and moderation",
    routes: [
      {
        method: "GET",
        path: "/api/konvert/users/search",
        handler: "profiles.search",
        auth: "user",
        summary:
          "`?q=&page=`: by username or display-name prefix, any script, without blocked or deleted users",
      },
      {
        method: "POST",
        path: "/api/konvert/profile",
        handler: "profiles.update",
        auth: "user",
        summary: "display name, gender, age, interests, privacy, time zone",
      },
      {
        method: "POST",
        path: "/api/konvert/profile/avatar",
        handler: "profiles.uploadAvatar",
        auth: "user",
        summary: "multipart `avatar` (image ≤ 5 MB; SVG refused)",
      },
      {
        method: "DELETE",
        path: "/api/konvert/profile/avatar",
        handler: "profiles.removeAvatar",
        auth: "user",
        summary: "remove the avatar",
      },
      {
        method: "POST",
        path: "/api/konvert/presence/heartbeat",
        handler: "presence.heartbeat",
        auth: "user",
        summary: "marks me active (one write per minute at most)",
      },
      {
        method: "POST",
        path: "/api/konvert/users/{id}/ban",
        handler: "moderation.ban",
        auth: "user",
        summary: "`{hours?, reason?}`: timed, or permanent without `hours` (`null` is refused)",
      },
      {
        method: "POST",
        path: "/api/konvert/users/{id}/unban",
        handler: "moderation.unban",
        auth: "user",
        summary: "end a ban early",
      },
      {
        method: "POST",
        path: "/api/konvert/users/{id}/mute",
        handler: "moderation.mute",
        auth: "user",
        summary: "`{hours: 1–720, reason?}`",
      },
      {
        method: "POST",
        path: "/api/konvert/users/{id}/unmute",
        handler: "moderation.unmute",
        auth: "user",
        summary: "end a mute early",
      },
      {
        method: "POST",
        path: "/api/konvert/users/{id}/role",
        handler: "moderation.changeRole",
        auth: "user",
        summary: "`{role}` (admins; the last admin stays)",
      },
      {
        method: "DELETE",
        path: "/api/konvert/users/{id}",
        handler: "account.deleteByAdmin",
        auth: "user",
        summary: "an admin deletes an account",
      },
      {
        method: "POST",
        path: "/api/konvert/blocks/{id}",
        handler: "blocks.block",
        auth: "user",
        summary: "block a user",
      },
      {
        method: "DELETE",
        path: "/api/konvert/blocks/{id}",
        handler: "blocks.unblock",
        auth: "user",
        summary: "unblock",
      },
      {
        method: "POST",
        path: "/api/konvert/friends/requests",
        handler: "friends.sendRequest",
        auth: "user",
        summary: "`{userId}`: send (a request the other way auto-accepts)",
      },
      {
        method: "POST",
        path: "/api/konvert/friends/requests/{id}/accept",
        handler: "friends.accept",
        auth: "user",
        summary: "accept",
      },
      {
        method: "POST",
        path: "/api/konvert/friends/requests/{id}/reject",
        handler: "friends.reject",
        auth: "user",
        summary: "reject",
      },
      {
        method: "POST",
        path: "/api/konvert/friends/requests/{id}/cancel",
        handler: "friends.cancel",
        auth: "user",
        summary: "cancel my own request",
      },
      {
        method: "DELETE",
        path: "/api/konvert/friends/{id}",
        handler: "friends.remove",
        auth: "user",
        summary: "end a friendship",
      },
      {
        method: "POST",
        path: "/api/konvert/account/password",
        handler: "account.changePassword",
        auth: "user",
        summary: "`{oldPassword, newPassword}`: other sessions stop working",
      },
      {
        method: "POST",
        path: "/api/konvert/account/email",
        handler: "account.changeEmail",
        auth: "user",
        summary: "`{password, newEmail}`",
      },
      {
        method: "POST",
        path: "/api/konvert/account/delete",
        handler: "account.deleteOwn",
        auth: "user",
        summary:
          "delete my account: every message becomes a tombstone, as `DELETE /messages/{id}` leaves it",
      },
      {
        method: "GET",
        path: "/api/konvert/account/export",
        handler: "account.exportData",
        auth: "user",
        summary: "everything of mine as one JSON document",
      },
    ],
  },
  {
    id: "achievements",
    doc: "api",
    title: "Achievements",
    routes: [
      {
        method: "GET",
        path: "/api/konvert/achievements",
        handler: "achievements.list",
        auth: "user",
        summary: "`?userId=`: my progress, or another user's unlocked non-secret achievements",
      },
      {
        method: "POST",
        path: "/api/konvert/achievements/{id}/unlock",
        handler: "achievements.claim",
        auth: "user",
        summary: "claim a client-claimable achievement (others are refused)",
      },
      {
        method: "POST",
        path: "/api/konvert/admin/achievements/recompute",
        handler: "achievements.recompute",
        auth: "superuser",
        summary: "superuser: rebuild progress and streaks from history",
      },
      {
        method: "GET",
        path: "/api/konvert/admin/realtime",
        handler: "realtime.stats",
        auth: "superuser",
        summary: "superuser: open connections, index size, who listens to `?room=ID`",
      },
      {
        method: "POST",
        path: "/api/konvert/admin/db/optimize",
        handler: "dbMaintenance.onOptimize",
        auth: "superuser",
        summary:
          "superuser: brings SQLite's planner statistics up to date (after an import into a running server)",
      },
      {
        method: "GET",
        path: "/api/konvert/admin/users-without-password",
        handler: "passwordResets.list",
        auth: "superuser",
        summary:
          "superuser: users who can only get in by a password reset (`npm run reset-passwords`)",
      },
    ],
  },
  {
    id: "import",
    doc: "api",
    title: "Import",
    routes: [
      {
        method: "POST",
        path: "/api/konvert/import/rows",
        handler: "importer.onImportRows",
        auth: "superuser",
        summary: "upsert a batch of rows without per-record hooks",
      },
      {
        method: "POST",
        path: "/api/konvert/import/bulk",
        handler: "importBulk.onImportBulk",
        auth: "superuser",
        summary:
          '`{phase: "begin"|"end"}`: pause / rebuild indexes and search index around a bulk load',
      },
      {
        method: "POST",
        path: "/api/konvert/import/read",
        handler: "importer.onImportRead",
        auth: "superuser",
        summary: "read stored rows back for `--verify`",
      },
      {
        method: "POST",
        path: "/api/konvert/import/file",
        handler: "importer.onImportFile",
        auth: "superuser",
        bodyLimit: 62914560,
        summary: "attach an imported file",
      },
    ],
  },
  {
    id: "test",
    doc: "api",
    title: "Test routes",
    routes: [
      {
        method: "GET",
        path: "/api/konvert/test/clock",
        handler: "clock.onGetClock",
        auth: "test",
        summary: "`{offsetMs, now}`: how far the rules' clock is from real time, and its time",
      },
      {
        method: "POST",
        path: "/api/konvert/test/clock",
        handler: "clock.onSetClock",
        auth: "test",
        summary: "`{at: ISO date}` (the clock runs on from there) or `{offsetMs}` (0 = real time)",
      },
      {
        method: "POST",
        path: "/api/konvert/test/realtime-barrier",
        handler: "realtime.onBarrier",
        auth: "test",
        summary:
          '`{token, users}`: sends `{type: "barrier", token}` on each user\'s `feed` connections; a client that hears it has heard everything sent to it before (`test/support/expect-realtime.ts`)',
      },
    ],
  },
  {
    id: "legacy-sign-up-sign-in-sessions",
    doc: "compat",
    title: "Sign-up, sign-in, sessions",
    routes: [
      {
        method: "GET",
        path: "/health",
        handler: "compatAuth.health",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/auth/signup",
        handler: "compatAuth.signup",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/auth/signin",
        handler: "compatAuth.signin",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/auth/me",
        handler: "compatAuth.me",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/auth/signout",
        handler: "compatAuth.signout",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/auth/refresh",
        handler: "compatAuth.refresh",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/auth/activity",
        handler: "compatAuth.activity",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/heartbeat",
        handler: "compatAuth.activity",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-users",
    doc: "compat",
    title: "Users",
    routes: [
      {
        method: "GET",
        path: "/users/search",
        handler: "compatUsers.search",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/users/{userId}",
        handler: "compatUsers.one",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-friends-blocks-notifications",
    doc: "compat",
    title: "Friends, blocks, notifications",
    routes: [
      {
        method: "POST",
        path: "/users/{userId}/friend",
        handler: "compatPeople.addFriend",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/users/friends/list",
        handler: "compatPeople.friendList",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/users/{userId}/friend",
        handler: "compatPeople.unfriend",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/users/{userId}/block",
        handler: "compatPeople.block",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/users/{userId}/unblock",
        handler: "compatPeople.unblock",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/friend-requests/{userId}/check",
        handler: "compatPeople.check",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/friend-requests/{userId}",
        handler: "compatPeople.sendRequest",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/friend-requests/{requestKey}/accept",
        handler: "compatPeople.accept",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/friend-requests/{requestKey}/reject",
        handler: "compatPeople.reject",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/notifications",
        handler: "compatPeople.listNotifications",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/notifications/{notificationId}/read",
        handler: "compatPeople.readNotification",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/notifications/{notificationId}",
        handler: "compatPeople.deleteNotification",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-profile",
    doc: "compat",
    title: "Profile",
    routes: [
      {
        method: "PUT",
        path: "/profile",
        handler: "compatProfile.update",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/profile/change-password",
        handler: "compatProfile.changePassword",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/profile/change-email",
        handler: "compatProfile.changeEmail",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-moderation",
    doc: "compat",
    title: "Moderation",
    routes: [
      {
        method: "PUT",
        path: "/users/{userId}/role",
        handler: "compatModeration.changeRole",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/users/{userId}/ban",
        handler: "compatModeration.ban",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/users/{userId}/unban",
        handler: "compatModeration.unban",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/users/{userId}/mute",
        handler: "compatModeration.mute",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/users/{userId}/unmute",
        handler: "compatModeration.unmute",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/admin/cleanup-azkaban",
        handler: "compatModeration.cleanupAzkaban",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/users/{userId}",
        handler: "compatModeration.deleteUser",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/users/{userId}/permanent",
        handler: "compatModeration.deleteUser",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-rooms",
    doc: "compat",
    title: "Rooms",
    routes: [
      {
        method: "GET",
        path: "/rooms",
        handler: "compatRooms.list",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms",
        handler: "compatRooms.create",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/favorites",
        handler: "compatRooms.openFavorites",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/{roomId}/join",
        handler: "compatRooms.join",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/{roomId}/leave",
        handler: "compatRooms.leave",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/{roomId}/invite",
        handler: "compatRooms.invite",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/{roomId}/pin",
        handler: "compatRooms.pin",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/rooms/{roomId}/pin",
        handler: "compatRooms.unpin",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/rooms/{roomId}/pin/{messageId}",
        handler: "compatRooms.unpin",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/{roomId}/mark-read",
        handler: "compatRooms.markRead",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/rooms/{roomId}",
        handler: "compatRooms.remove",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-dms",
    doc: "compat",
    title: "DMs",
    routes: [
      {
        method: "POST",
        path: "/rooms/dm",
        handler: "compatDms.openAsRoom",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/dm/create",
        handler: "compatDms.create",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/dm/list",
        handler: "compatDms.list",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/dm/{dmId}/messages",
        handler: "compatDms.messages",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/dm/{dmId}/messages",
        handler: "compatDms.send",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/dm/{dmId}/read",
        handler: "compatDms.read",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/dm/{dmId}",
        handler: "compatDms.remove",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-keys",
    doc: "compat",
    title: "Keys",
    routes: [
      {
        method: "PUT",
        path: "/users/public-key",
        handler: "compatKeys.savePublicKey",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/rooms/{roomId}/key",
        handler: "compatKeys.roomKey",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/rooms/{roomId}/keys",
        handler: "compatKeys.saveRoomKeys",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-messages-and-polls",
    doc: "compat",
    title: "Messages and polls",
    routes: [
      {
        method: "POST",
        path: "/messages",
        handler: "compatMessages.send",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/messages/{roomId}",
        handler: "compatMessages.list",
        auth: "legacy",
      },
      {
        method: "PUT",
        path: "/messages/{messageId}",
        handler: "compatMessages.edit",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/messages/{messageId}",
        handler: "compatMessages.remove",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/messages/{messageId}/react",
        handler: "compatMessages.react",
        auth: "legacy",
      },
      {
        method: "DELETE",
        path: "/messages/{messageId}/react",
        handler: "compatMessages.unreact",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/polls",
        handler: "compatMessages.createPoll",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/polls/{pollId}",
        handler: "compatPolls.get",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/polls/{pollId}/vote",
        handler: "compatPolls.vote",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-search",
    doc: "compat",
    title: "Search",
    routes: [
      {
        method: "GET",
        path: "/messages/{roomId}/search",
        handler: "compatSearch.inRoom",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-files",
    doc: "compat",
    title: "Files",
    routes: [
      {
        method: "POST",
        path: "/storage/upload",
        handler: "compatStorage.upload",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/profile/avatar",
        handler: "compatStorage.avatar",
        auth: "legacy",
      },
    ],
  },
  {
    id: "legacy-achievements",
    doc: "compat",
    title: "Achievements",
    routes: [
      {
        method: "GET",
        path: "/achievements/{userId}",
        handler: "compatAchievements.profile",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/achievements/{userId}/progress",
        handler: "compatAchievements.progress",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/achievements/{userId}/unlock",
        handler: "compatAchievements.unlock",
        auth: "legacy",
      },
      {
        method: "GET",
        path: "/achievements/{userId}/stats",
        handler: "compatAchievements.stats",
        auth: "legacy",
      },
      {
        method: "POST",
        path: "/achievements/{userId}/activity",
        handler: "compatAchievements.activity",
        auth: "legacy",
      },
    ],
  },
];
