/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: the typed client's Storage module (client/pocketbase/storage.ts) uploads through the
// records API of `compat_uploads`, the store the legacy `POST /storage/upload` already writes, so
// both clients hand out the same kind of path (`<record id>/<file name>`) and URL. The file stays
// unprotected (the URL goes into message text and must not expire, see 1764600100); these rules
// only govern the records: each user creates, lists and deletes their own, nobody edits one
// (a new file is a new upload), and a deleted account uploads nothing.

const OWN = "@request.auth.id != '' && owner = @request.auth.id";
const RULES = {
  listRule: OWN,
  viewRule: OWN,
  createRule:
    "@request.auth.collectionName = 'users' && @request.auth.deletedAt = '' && " +
    "@request.body.owner = @request.auth.id",
  updateRule: null,
  deleteRule: OWN,
};

migrate(
  (app) => {
    const collection = app.findCollectionByNameOrId("compat_uploads");
    Object.assign(collection, RULES);
    app.save(collection);
  },
  (app) => {
    const collection = app.findCollectionByNameOrId("compat_uploads");
    for (const rule of Object.keys(RULES)) collection[rule] = null;
    app.save(collection);
  },
);
