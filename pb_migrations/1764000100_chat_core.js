/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: core chat collections.
//   rooms, room_members, messages (+ rooms.pinnedMessage / rooms.lastMessage, added after messages
//   exists because of the rooms <-> messages cycle), mentions, reactions, pins, polls, poll_votes.
// All API rules are null (superuser only) except: rooms list/view/create, room_members list/view.
// Server-owned fields are written by hooks.

// --- field helpers (kept local: a migration must not depend on code that may change later) ---

function text(name, max, opts) {
  return Object.assign({ name, type: "text", max }, opts);
}
function num(name, opts) {
  return Object.assign({ name, type: "number", onlyInt: true }, opts);
}
function bool(name) {
  return { name, type: "bool" };
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

// A user may list/view a non-deleted room iff a room_members row of this room has user = the
// caller. The back-relation joins room_members ON room_members.room = rooms.id (index-backed);
// an `@collection.room_members:m` alias would cross-join every membership row instead (4-5x
// slower at 400 rooms, measured).
const ROOM_MEMBER_RULE = "deletedAt = '' && room_members_via_room.user ?= @request.auth.id";

migrate(
  (app) => {
    const usersId = app.findCollectionByNameOrId("users").id;

    const rooms = base(
      "rooms",
      [
        text("name", 100, { presentable: true }),
        select("type", ["public", "private", "dm", "favorites"], { required: true }),
        select("system", ["jail"]),
        rel("createdBy", usersId),
        date("lastMessageAt"),
        text("dmKey", 64),
        num("keyVersion", { min: 0 }),
        date("deletedAt"),
        text("legacyId", 64),
      ],
      [
        "CREATE UNIQUE INDEX `idx_rooms_dmKey` ON `rooms` (`dmKey`) WHERE `dmKey` != ''",
        "CREATE UNIQUE INDEX `idx_rooms_favorites_owner` ON `rooms` (`createdBy`) WHERE `type` = 'favorites'",
        "CREATE UNIQUE INDEX `idx_rooms_system` ON `rooms` (`system`) WHERE `system` != ''",
        "CREATE UNIQUE INDEX `idx_rooms_legacyId` ON `rooms` (`legacyId`) WHERE `legacyId` != ''",
        "CREATE INDEX `idx_rooms_type` ON `rooms` (`type`)",
        "CREATE INDEX `idx_rooms_lastMessageAt` ON `rooms` (`lastMessageAt`)",
      ],
      // list/view rules reference room_members, so they are set once that collection exists
      { createRule: "@request.auth.id != ''" },
    );
    app.save(rooms);

    const roomMembers = base(
      "room_members",
      [
        rel("room", rooms.id, CASCADE),
        rel("user", usersId, CASCADE),
        select("role", ["owner", "admin", "member"], { required: true }),
        date("lastReadAt"),
        date("mentionsReadAt"),
        date("reactionsReadAt"),
        text("encryptedKey", 8192),
        num("keyVersion", { min: 0 }),
        bool("hidden"),
        date("mutedUntil"),
      ],
      [
        "CREATE UNIQUE INDEX `idx_room_members_room_user` ON `room_members` (`room`, `user`)",
        "CREATE INDEX `idx_room_members_user_room` ON `room_members` (`user`, `room`)",
      ],
      {
        listRule: "user = @request.auth.id",
        viewRule: "user = @request.auth.id",
      },
    );
    app.save(roomMembers);

    const messages = base(
      "messages",
      [
        rel("room", rooms.id, CASCADE),
        rel("author", usersId), // empty for system messages
        text("content", 20000), // plaintext limit (10 000) is enforced by hooks; ciphertext is longer
        select("type", ["text", "image", "audio", "voice", "video", "file", "poll", "system"], {
          required: true,
        }),
        date("editedAt"),
        date("deletedAt"),
        {
          name: "attachments",
          type: "file",
          maxSelect: 10,
          maxSize: 52428800,
          mimeTypes: [],
          thumbs: [],
          protected: true,
        },
        text("legacyId", 64),
      ],
      [
        "CREATE INDEX `idx_messages_room_created` ON `messages` (`room`, `created`)",
        "CREATE INDEX `idx_messages_author_created` ON `messages` (`author`, `created`)",
        "CREATE UNIQUE INDEX `idx_messages_legacyId` ON `messages` (`legacyId`) WHERE `legacyId` != ''",
      ],
    );
    app.save(messages);

    // self relations need the collection id, so they are added after the first save
    messages.fields.addAt(
      3,
      new Field(rel("replyTo", messages.id)),
      new Field(rel("forwardedFrom", messages.id)),
    );
    messages.addIndex("idx_messages_replyTo", false, "`replyTo`", "");
    app.save(messages);

    // close the rooms <-> messages cycle and set the membership-based rules
    rooms.listRule = ROOM_MEMBER_RULE;
    rooms.viewRule = ROOM_MEMBER_RULE;
    rooms.fields.addAt(
      4,
      new Field(rel("pinnedMessage", messages.id)),
      new Field(rel("lastMessage", messages.id)),
    );
    app.save(rooms);

    app.save(
      base(
        "mentions",
        [
          rel("message", messages.id, CASCADE),
          rel("room", rooms.id, CASCADE),
          rel("user", usersId, CASCADE),
        ],
        [
          "CREATE UNIQUE INDEX `idx_mentions_message_user` ON `mentions` (`message`, `user`)",
          "CREATE INDEX `idx_mentions_user_room_created` ON `mentions` (`user`, `room`, `created`)",
        ],
      ),
    );

    app.save(
      base(
        "reactions",
        [
          rel("message", messages.id, CASCADE),
          rel("user", usersId, CASCADE),
          text("emoji", 32, { required: true }),
          // denormalised from the message so "reactions on my messages in this room since X" is one
          // indexed COUNT
          rel("room", rooms.id, CASCADE),
          rel("messageAuthor", usersId),
        ],
        [
          "CREATE UNIQUE INDEX `idx_reactions_message_user_emoji` ON `reactions` (`message`, `user`, `emoji`)",
          "CREATE INDEX `idx_reactions_author_room_created` ON `reactions` (`messageAuthor`, `room`, `created`)",
          "CREATE INDEX `idx_reactions_message` ON `reactions` (`message`)",
        ],
      ),
    );

    app.save(
      base(
        "pins",
        [
          rel("room", rooms.id, CASCADE),
          rel("message", messages.id, CASCADE),
          rel("pinnedBy", usersId),
        ],
        [
          "CREATE UNIQUE INDEX `idx_pins_room_message` ON `pins` (`room`, `message`)",
          "CREATE INDEX `idx_pins_room_created` ON `pins` (`room`, `created`)",
        ],
      ),
    );

    const polls = base(
      "polls",
      [
        rel("message", messages.id, CASCADE),
        rel("room", rooms.id, CASCADE),
        text("question", 500, { required: true }),
        json("options", 16384), // array of 2..10 option strings (validated by hooks)
        bool("anonymous"),
        bool("multiple"),
        date("closedAt"),
        rel("createdBy", usersId),
      ],
      [
        "CREATE UNIQUE INDEX `idx_polls_message` ON `polls` (`message`)",
        "CREATE INDEX `idx_polls_room` ON `polls` (`room`)",
      ],
    );
    app.save(polls);

    app.save(
      base(
        "poll_votes",
        [
          rel("poll", polls.id, CASCADE),
          rel("user", usersId, CASCADE),
          num("option", { min: 0, max: 9 }),
        ],
        [
          "CREATE UNIQUE INDEX `idx_poll_votes_poll_user_option` ON `poll_votes` (`poll`, `user`, `option`)",
          "CREATE INDEX `idx_poll_votes_poll` ON `poll_votes` (`poll`)",
        ],
      ),
    );
  },
  (app) => {
    for (const name of ["poll_votes", "polls", "pins", "reactions", "mentions"]) {
      app.delete(app.findCollectionByNameOrId(name));
    }

    // break the rooms <-> messages cycle before dropping messages
    const rooms = app.findCollectionByNameOrId("rooms");
    rooms.fields.removeByName("pinnedMessage");
    rooms.fields.removeByName("lastMessage");
    app.save(rooms);

    for (const name of ["messages", "room_members", "rooms"]) {
      app.delete(app.findCollectionByNameOrId(name));
    }
  },
);
