/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: a deleted account (users.deletedAt set) cannot authenticate by any PocketBase method
// (password, OAuth2, OTP, token refresh all pass through the collection's authRule). The app's own
// deletion also scrambles the password, but imported accounts deleted in Supabase, or any row
// written with SQL, may still hold a working one: the rule does not depend on it.

const USERS = "_pb_users_auth_";
const RULE = "deletedAt = ''";

migrate(
  (app) => {
    const users = app.findCollectionByNameOrId(USERS);
    users.authRule = RULE;
    app.save(users);
  },
  (app) => {
    const users = app.findCollectionByNameOrId(USERS);
    users.authRule = ""; // PocketBase's default, what it was before
    app.save(users);
  },
);
