/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: people — who may read whom.
//
// up:   - users: other signed-in users may read profiles, except deleted users and anyone in a
//         block relation with the caller; realtime events about a user reach only the user, their
//         friends and their room-mates (presence is not broadcast to strangers).
//       - users: private fields become hidden; the enrich hook unhides them per viewer (self,
//         moderators, friends/room-mates, privacy settings), so the default is "not shown".
//       - users: a hidden `searchText` (lowercased username + display name, kept by a model hook)
//         makes case-insensitive prefix search work for Cyrillic, which SQLite's LIKE cannot.
//       - notifications, friend_requests, friendships, blocks: each party reads only its own rows;
//         moderation_log: admins and moderators only. Writes stay with hooks and custom routes.
//       - moderation_log.action gains "room_read" (an admin reading a room they are not in).
// down: restores the previous rules, visibility and select values, drops `searchText`.

const USERS = "_pb_users_auth_";
const SELF = "id = @request.auth.id";

const HIDDEN = [
  "lastActiveAt",
  "status",
  "bannedUntil",
  "banReason",
  "mutedUntil",
  "gender",
  "age",
  "interests",
  "privacy",
  "timezone",
  "deletedAt",
  "legacyId",
];

const FRIEND_OR_ROOMMATE = [
  "friendships_via_userA.userB ?= @request.auth.id",
  "friendships_via_userB.userA ?= @request.auth.id",
  "room_members_via_user.room.room_members_via_room.user ?= @request.auth.id",
].join(" || ");

const USERS_READ =
  "@request.auth.id != '' && (id = @request.auth.id || (deletedAt = ''" +
  " && blocks_via_blocker.blocked != @request.auth.id" +
  " && blocks_via_blocked.blocker != @request.auth.id" +
  ` && (@request.context != 'realtime' || ${FRIEND_OR_ROOMMATE})))`;

const STAFF = "@request.auth.role = 'admin' || @request.auth.role = 'moderator'";

// collection -> [listRule/viewRule, deleteRule]
const RULES = {
  notifications: ["recipient = @request.auth.id", "recipient = @request.auth.id"],
  friend_requests: ["from = @request.auth.id || to = @request.auth.id", null],
  friendships: ["userA = @request.auth.id || userB = @request.auth.id", null],
  blocks: ["blocker = @request.auth.id", null],
  moderation_log: [STAFF, null],
};

const LOG_ACTIONS_ADDED = ["room_read"];

migrate(
  (app) => {
    const users = app.findCollectionByNameOrId(USERS);
    users.listRule = USERS_READ;
    users.viewRule = USERS_READ;
    for (const name of HIDDEN) {
      users.fields.getByName(name).hidden = true;
    }
    users.fields.add(new Field({ name: "searchText", type: "text", max: 200, hidden: true }));
    app.save(users);

    for (const [name, [read, del]] of Object.entries(RULES)) {
      const collection = app.findCollectionByNameOrId(name);
      collection.listRule = read;
      collection.viewRule = read;
      collection.deleteRule = del;
      app.save(collection);
    }

    const log = app.findCollectionByNameOrId("moderation_log");
    const action = log.fields.getByName("action");
    action.values = action.values.concat(LOG_ACTIONS_ADDED);
    app.save(log);

    // existing accounts (dashboard, import) become searchable too
    for (const user of app.findAllRecords(USERS)) {
      const text = user.getString("username") + " " + user.getString("displayName");
      const words = text
        .toLowerCase()
        .split(/\s+/)
        .filter((w) => w !== "");
      user.set("searchText", " " + words.join(" "));
      app.saveNoValidate(user);
    }
  },
  (app) => {
    const log = app.findCollectionByNameOrId("moderation_log");
    const action = log.fields.getByName("action");
    action.values = action.values.filter((v) => !LOG_ACTIONS_ADDED.includes(v));
    app.save(log);

    for (const name of Object.keys(RULES)) {
      const collection = app.findCollectionByNameOrId(name);
      collection.listRule = null;
      collection.viewRule = null;
      collection.deleteRule = null;
      app.save(collection);
    }

    const users = app.findCollectionByNameOrId(USERS);
    users.listRule = SELF;
    users.viewRule = SELF;
    for (const name of HIDDEN) {
      users.fields.getByName(name).hidden = false;
    }
    users.fields.removeByName("searchText");
    app.save(users);
  },
);
