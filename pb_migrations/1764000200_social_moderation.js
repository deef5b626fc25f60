/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: social and moderation collections.
//   notifications, friend_requests, friendships, blocks, moderation_log, kv_legacy.
// All API rules are null (superuser only); clients go through hooks / custom routes.

// --- field helpers (kept local: a migration must not depend on code that may change later) ---

function text(name, max, opts) {
  return Object.assign({ name, type: "text", max }, opts);
}
function date(name) {
  return { name, type: "date" };
}
function json(name, maxSize) {
  return { name, type: "json", maxSize };
}
function select(name, values, opts) {
  return Object.assign({ name, type: "select", maxSelect: 1, values }, opts);
}
// single relation; opts: { required, cascadeDelete }
function rel(name, collectionId, opts) {
  return Object.assign(
    { name, type: "relation", collectionId, maxSelect: 1, cascadeDelete: false },
    opts,
  );
}
function timestamps() {
  return [
    { name: "created", type: "autodate", onCreate: true, onUpdate: false },
    { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
  ];
}
function base(name, fields, indexes, rules) {
  return new Collection(
    Object.assign(
      {
        type: "base",
        name,
        listRule: null,
        viewRule: null,
        createRule: null,
        updateRule: null,
        deleteRule: null,
        fields: fields.concat(timestamps()),
        indexes,
      },
      rules,
    ),
  );
}

const CASCADE = { required: true, cascadeDelete: true };

const COLLECTIONS = [
  "notifications",
  "friend_requests",
  "friendships",
  "blocks",
  "moderation_log",
  "kv_legacy",
];

migrate(
  (app) => {
    const usersId = app.findCollectionByNameOrId("users").id;
    const roomsId = app.findCollectionByNameOrId("rooms").id;
    const messagesId = app.findCollectionByNameOrId("messages").id;

    app.save(
      base(
        "notifications",
        [
          rel("recipient", usersId, CASCADE),
          select(
            "type",
            [
              "friend_request",
              "friend_accepted",
              "mention",
              "reaction",
              "room_invite",
              "achievement",
              "admin_call",
              "moderator_call",
              "system",
            ],
            { required: true },
          ),
          rel("actor", usersId),
          rel("room", roomsId, { cascadeDelete: true }),
          rel("message", messagesId, { cascadeDelete: true }),
          json("data", 65536),
          date("readAt"),
          text("legacyId", 128),
        ],
        [
          "CREATE INDEX `idx_notifications_recipient_created` ON `notifications` (`recipient`, `created`)",
          "CREATE UNIQUE INDEX `idx_notifications_legacyId` ON `notifications` (`legacyId`) WHERE `legacyId` != ''",
        ],
      ),
    );

    app.save(
      base(
        "friend_requests",
        [
          rel("from", usersId, CASCADE),
          rel("to", usersId, CASCADE),
          text("pairKey", 64, { required: true }), // sorted "<a>:<b>"
          select("status", ["pending", "accepted", "rejected", "cancelled"], { required: true }),
        ],
        [
          // at most one pending request per unordered pair
          "CREATE UNIQUE INDEX `idx_friend_requests_pending_pair` ON `friend_requests` (`pairKey`) WHERE `status` = 'pending'",
          "CREATE INDEX `idx_friend_requests_to_status` ON `friend_requests` (`to`, `status`)",
          "CREATE INDEX `idx_friend_requests_from_status` ON `friend_requests` (`from`, `status`)",
        ],
      ),
    );

    app.save(
      base(
        "friendships",
        // one row per unordered pair, userA < userB by id (hooks sort)
        [rel("userA", usersId, CASCADE), rel("userB", usersId, CASCADE)],
        [
          "CREATE UNIQUE INDEX `idx_friendships_pair` ON `friendships` (`userA`, `userB`)",
          "CREATE INDEX `idx_friendships_userB` ON `friendships` (`userB`)",
        ],
      ),
    );

    app.save(
      base(
        "blocks",
        [rel("blocker", usersId, CASCADE), rel("blocked", usersId, CASCADE)],
        [
          "CREATE UNIQUE INDEX `idx_blocks_pair` ON `blocks` (`blocker`, `blocked`)",
          "CREATE INDEX `idx_blocks_blocked` ON `blocks` (`blocked`)",
        ],
      ),
    );

    app.save(
      base(
        "moderation_log",
        // the log outlives the people and rooms it mentions: no required, no cascade
        [
          rel("actor", usersId),
          rel("target", usersId),
          rel("room", roomsId),
          select(
            "action",
            [
              "ban",
              "unban",
              "mute",
              "unmute",
              "role_change",
              "delete_message",
              "delete_room",
              "delete_user",
              "pin",
              "unpin",
            ],
            { required: true },
          ),
          text("reason", 500),
          date("until"),
          json("data", 65536),
        ],
        [
          "CREATE INDEX `idx_moderation_log_target_created` ON `moderation_log` (`target`, `created`)",
          "CREATE INDEX `idx_moderation_log_actor_created` ON `moderation_log` (`actor`, `created`)",
        ],
      ),
    );

    app.save(
      base(
        "kv_legacy",
        // every imported Supabase KV row the importer could not map (nothing is dropped)
        [
          text("key", 1000, { required: true }),
          json("value", 5 * 1024 * 1024),
          text("reason", 1000),
        ],
        ["CREATE UNIQUE INDEX `idx_kv_legacy_key` ON `kv_legacy` (`key`)"],
      ),
    );
  },
  (app) => {
    for (const name of COLLECTIONS.slice().reverse()) {
      app.delete(app.findCollectionByNameOrId(name));
    }
  },
);
