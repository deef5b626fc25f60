/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: reshape the default `users` auth collection (_pb_users_auth_).
//
// up:   drops the default `name` field (we use `displayName`), tightens `avatar`, adds the profile /
//       presence / moderation / E2EE / import fields, adds the username (NOCASE), legacyId and
//       lastActiveAt indexes, enables username as a password identity field and sets the API rules
//       (public signup validated by a hook; a user may only list/view itself; no client update/delete).
// down: restores the collection exactly as PocketBase 0.40.6 creates it on a fresh data dir.

const USERS = "_pb_users_auth_";

const IMAGE_MIME_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];

// PocketBase 0.40.6 defaults of the users collection (what `down` restores).
const DEFAULT_NAME_FIELD = {
  id: "text1579384326",
  name: "name",
  type: "text",
  system: false,
  hidden: false,
  presentable: false,
  required: false,
  primaryKey: false,
  min: 0,
  max: 255,
  pattern: "",
  autogeneratePattern: "",
};
const DEFAULT_NAME_FIELD_POSITION = 6; // id, password, tokenKey, email, emailVisibility, verified, name
const DEFAULT_AVATAR = {
  maxSize: 0,
  mimeTypes: ["image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"],
  thumbs: [],
};
const DEFAULT_RULE = "id = @request.auth.id";

// fields added by `up`, in order (inserted right before `created`)
const NEW_FIELDS = [
  { name: "username", type: "text", required: true, min: 0, max: 32, presentable: true },
  { name: "displayName", type: "text", max: 64 },
  { name: "role", type: "select", maxSelect: 1, values: ["admin", "moderator", "vip", "user"] },
  { name: "status", type: "select", maxSelect: 1, values: ["online", "offline"] },
  { name: "lastActiveAt", type: "date" },
  { name: "bannedUntil", type: "date" },
  { name: "banReason", type: "text", max: 500 },
  { name: "mutedUntil", type: "date" },
  { name: "publicKey", type: "text", max: 8192 },
  { name: "timezone", type: "text", max: 64 },
  { name: "gender", type: "text", max: 32 },
  { name: "age", type: "number", onlyInt: true, min: 0, max: 150 },
  { name: "interests", type: "text", max: 500 },
  { name: "privacy", type: "json", maxSize: 2048 },
  { name: "deletedAt", type: "date" },
  { name: "legacyId", type: "text", max: 64 },
];

const NEW_INDEXES = [
  ["idx_users_username", true, "`username` COLLATE NOCASE", ""],
  ["idx_users_legacyId", true, "`legacyId`", "`legacyId` != ''"],
  ["idx_users_lastActiveAt", false, "`lastActiveAt`", ""],
];

function indexOfField(collection, name) {
  const names = collection.fields.fieldNames();
  for (let i = 0; i < names.length; i++) {
    if (names[i] === name) {
      return i;
    }
  }
  return names.length;
}

migrate(
  (app) => {
    const users = app.findCollectionByNameOrId(USERS);

    users.listRule = "id = @request.auth.id";
    users.viewRule = "id = @request.auth.id";
    users.createRule = ""; // public signup; the signup hook validates username/password/fields
    users.updateRule = null; // profile changes go through hooks/custom routes
    users.deleteRule = null;

    users.fields.removeByName("name");

    const avatar = users.fields.getByName("avatar");
    avatar.maxSelect = 1;
    avatar.maxSize = 5 * 1024 * 1024;
    avatar.mimeTypes = IMAGE_MIME_TYPES;
    avatar.thumbs = ["64x64", "256x256"];
    avatar.protected = false;

    users.fields.addAt(indexOfField(users, "created"), ...NEW_FIELDS.map((f) => new Field(f)));

    for (const [name, unique, columns, where] of NEW_INDEXES) {
      users.addIndex(name, unique, columns, where);
    }

    // login with e-mail or username (username lookup is case-insensitive thanks to the NOCASE index)
    users.passwordAuth.enabled = true;
    users.passwordAuth.identityFields = ["email", "username"];
    users.oauth2.mappedFields.name = "displayName";

    app.save(users);
  },
  (app) => {
    const users = app.findCollectionByNameOrId(USERS);

    users.listRule = DEFAULT_RULE;
    users.viewRule = DEFAULT_RULE;
    users.createRule = "";
    users.updateRule = DEFAULT_RULE;
    users.deleteRule = DEFAULT_RULE;

    users.passwordAuth.identityFields = ["email"];

    for (const [name] of NEW_INDEXES) {
      users.removeIndex(name);
    }

    for (const f of NEW_FIELDS) {
      users.fields.removeByName(f.name);
    }

    const avatar = users.fields.getByName("avatar");
    avatar.maxSize = DEFAULT_AVATAR.maxSize;
    avatar.mimeTypes = DEFAULT_AVATAR.mimeTypes;
    avatar.thumbs = DEFAULT_AVATAR.thumbs;

    users.fields.addAt(DEFAULT_NAME_FIELD_POSITION, new Field(DEFAULT_NAME_FIELD));
    users.oauth2.mappedFields.name = "name";

    app.save(users);
  },
);
