/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: files uploaded through the legacy API (`POST /storage/upload`, docs/compat.md). The
// original client puts the returned URL into message text forever, so the file is not protected
// (PocketBase's file tokens expire in minutes): the URL is unguessable (random record id plus
// PocketBase's random file-name suffix) and keeps the original extension, which the client uses
// to tell voice and video from other links. Superuser-only rules; the route writes them.

migrate(
  (app) => {
    const users = app.findCollectionByNameOrId("users");
    const collection = new Collection({
      type: "base",
      name: "compat_uploads",
      listRule: null,
      viewRule: null,
      createRule: null,
      updateRule: null,
      deleteRule: null,
      fields: [
        {
          name: "owner",
          type: "relation",
          collectionId: users.id,
          maxSelect: 1,
          required: true,
          cascadeDelete: false,
        },
        {
          name: "file",
          type: "file",
          maxSelect: 1,
          maxSize: 52428800,
          required: true,
          protected: false,
        },
        { name: "created", type: "autodate", onCreate: true, onUpdate: false },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
      indexes: ["CREATE INDEX idx_compat_uploads_owner ON compat_uploads (owner)"],
    });
    app.save(collection);
  },
  (app) => {
    app.delete(app.findCollectionByNameOrId("compat_uploads"));
  },
);
