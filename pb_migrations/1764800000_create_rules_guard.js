/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Create rules that refuse by themselves what the hooks would refuse, so a PocketBase started on
// this data dir without Konvert's hooks (a plain binary, by mistake) cannot store a forged role,
// a message in someone else's name or into someone else's room. The hooks stay the first wall:
// PocketBase checks these rules before the create hook runs, so they name only conditions that an
// honest client never trips (its mistakes still get the hook's messages naming the field; a
// forged field gets PocketBase's plain "Failed to create record.").
//
// Conditions on the request body: `@request.body.x:isset` is true when the body names x at all.
// PocketBase drops hidden fields (bannedUntil, searchText, …) from non-superusers' bodies before
// the rule, so naming them here only documents them.

const unset = (fields) => fields.map((f) => `@request.body.${f}:isset = false`).join(" && ");

const USERS_CREATE = unset([
  "role",
  "status",
  "lastActiveAt",
  "bannedUntil",
  "banReason",
  "mutedUntil",
  "deletedAt",
  "legacyId",
  "searchText",
]);

// The typed client sends no author (the hook sets the caller): a missing author passes here and
// the hook fills it in. Membership, bans, mutes and blocks stay with the hooks: a rule here would
// answer a non-member or a banned user with PocketBase's bare 400 before the hook could give its
// 403/404 with a reason (tried: it turned "You are not a member of this room." into "Failed to
// create record.").
const MESSAGES_CREATE =
  `@request.auth.id != '' && ` +
  `(@request.body.author:isset = false || @request.body.author = @request.auth.id) && ` +
  `@request.body.type != 'system' && ` +
  unset(["editedAt", "deletedAt", "forwardedFrom", "legacyId", "seq"]);

const ROOMS_CREATE =
  `@request.auth.id != '' && (@request.body.type = 'private' || @request.body.type = 'public') && ` +
  `(@request.body.createdBy:isset = false || @request.body.createdBy = @request.auth.id) && ` +
  unset([
    "system",
    "dmKey",
    "deletedAt",
    "legacyId",
    "lastMessage",
    "lastMessageAt",
    "pinnedMessage",
  ]);

const BEFORE = {
  users: "",
  messages: "@request.auth.id != ''",
  rooms: "@request.auth.id != ''",
};
const AFTER = { users: USERS_CREATE, messages: MESSAGES_CREATE, rooms: ROOMS_CREATE };

migrate(
  (app) => {
    for (const [name, rule] of Object.entries(AFTER)) {
      const collection = app.findCollectionByNameOrId(name);
      collection.createRule = rule;
      app.save(collection);
    }
  },
  (app) => {
    for (const [name, rule] of Object.entries(BEFORE)) {
      const collection = app.findCollectionByNameOrId(name);
      collection.createRule = rule;
      app.save(collection);
    }
  },
);
