/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: long-lived refresh tokens of the legacy HTTP API (docs/compat.md). The original
// frontend refreshes after its access token expired, which PocketBase's own auth-refresh cannot
// do, so the compat layer keeps its own tokens: only a SHA-256 of each is stored, one row per
// token, deleted when used (rotation), on sign-out and when the account goes. Superuser only.

migrate(
  (app) => {
    const users = app.findCollectionByNameOrId("users");
    const collection = new Collection({
      type: "base",
      name: "compat_refresh_tokens",
      listRule: null,
      viewRule: null,
      createRule: null,
      updateRule: null,
      deleteRule: null,
      fields: [
        {
          name: "user",
          type: "relation",
          collectionId: users.id,
          maxSelect: 1,
          required: true,
          cascadeDelete: true,
        },
        { name: "tokenHash", type: "text", required: true, max: 64 },
        { name: "expiresAt", type: "date", required: true },
        { name: "created", type: "autodate", onCreate: true, onUpdate: false },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
      indexes: [
        "CREATE UNIQUE INDEX idx_compat_refresh_tokens_hash ON compat_refresh_tokens (tokenHash)",
        "CREATE INDEX idx_compat_refresh_tokens_user ON compat_refresh_tokens (user)",
      ],
    });
    app.save(collection);
  },
  (app) => {
    app.delete(app.findCollectionByNameOrId("compat_refresh_tokens"));
  },
);
