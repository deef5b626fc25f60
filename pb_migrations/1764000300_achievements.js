/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Konvert: achievements catalogue (seeded with the 28 achievements of spec §4.11), per-user
// achievement progress and per-user activity stats.
// All API rules are null (superuser only); the achievement routes/hooks read and write them.
//
// clientClaimable = true only where the server cannot observe the condition:
//   perfect_taste (a custom chat theme is pure client state),
//   rescuer (reacts to the plaintext of an "add Sasha" plea; message text may be E2EE),
//   paradox (needs the plaintext "скоро буду"; message text may be E2EE).
// Everything else is awarded by server hooks from data the server stores.

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

// [key, category, rarity, maxProgress, secret, clientClaimable, icon, title, description]
// prettier-ignore
const ACHIEVEMENTS = [
  ["first_message", "basics", "common", 1, false, false, "✉️", "First Message", "Send your first message"],
  ["voice_master", "basics", "rare", 250, false, false, "🎙️", "Voice Master", "Send 250 voice messages"],
  ["reaction_brain", "basics", "epic", 10, false, false, "🧠", "Reaction Brain", "Use all the reaction emojis"],
  ["soul_of_party", "social", "common", 1, false, false, "🥳", "Soul of the Party", "Create your first group chat"],
  ["magnet", "social", "rare", 10, false, false, "🧲", "Magnet", "Invite 10 members"],
  ["popular_person", "social", "epic", 20, false, false, "🌟", "Popular Person", "Get 20 reactions on one message"],
  ["rescuer", "social", "rare", 1, true, true, "🛟", "Rescuer", "Add someone to a chat after an “add Sasha” plea"],
  ["silent_listener", "social", "epic", 1000, false, false, "🤫", "Silent Listener", "Read 1000 group messages without writing"],
  ["initiator", "social", "rare", 10, false, false, "💬", "Initiator", "Start 10 conversations in one day"],
  ["chatterbox", "master", "legendary", 10000, false, false, "🗣️", "Chatterbox", "Send 10 000 messages"],
  ["night_owl", "master", "rare", 1, false, false, "🦉", "Night Owl", "Send a message between 02:00 and 05:00"],
  ["speed_shooter", "master", "rare", 1, false, false, "⚡", "Speed Shooter", "Send 10 messages within 15 seconds"],
  ["quote_king", "master", "epic", 300, false, false, "👑", "Quote King", "Reply to 300 messages"],
  ["history_keeper", "master", "rare", 20, false, false, "📌", "History Keeper", "Pin 20 messages"],
  ["photographer", "media", "epic", 500, false, false, "📷", "Photographer", "Send 500 photos"],
  ["reactor", "media", "rare", 500, false, false, "☢️", "Reactor", "Leave 500 reactions in one room"],
  ["documentalist", "media", "rare", 200, false, false, "📁", "Documentalist", "Send 200 files"],
  ["collector", "media", "epic", 100, false, false, "⭐", "Collector", "Save 100 messages to Favorites"],
  ["self_director", "media", "rare", 50, false, false, "🎬", "Self Director", "Record 50 video circles in one room"],
  ["oops_all", "secret", "rare", 1, true, false, "🙊", "Oops!", "Delete a message within 2 seconds of sending it"],
  ["paradox", "secret", "epic", 1, true, true, "⏳", "Paradox", "Write “скоро буду” and come back 3 or more hours later"],
  ["chips_pretzel", "secret", "legendary", 50, false, false, "🥨", "Chips & Pretzel", "Have 50 friends"],
  ["ninja", "secret", "epic", 1, true, false, "🥷", "Ninja", "Write and delete a message before anyone sees it"],
  ["nostalgia", "secret", "rare", 1, true, false, "📜", "Nostalgia", "Find a message older than a year"],
  ["beacon", "secret", "rare", 1, true, false, "🗼", "Beacon", "Mention 5 people in one message"],
  ["perfect_taste", "secret", "rare", 1, true, true, "🎨", "Perfect Taste", "Set a custom chat theme"],
  ["striker", "challenges", "legendary", 30, false, false, "🔥", "Striker", "Keep a 30-day activity streak"],
  ["new_year_miracle", "challenges", "legendary", 1, true, false, "🎄", "New Year Miracle", "Send a message on January 1 between 00:00 and 00:01"],
];

const COLLECTIONS = ["achievements", "user_achievements", "user_stats"];

migrate(
  (app) => {
    const usersId = app.findCollectionByNameOrId("users").id;

    const achievements = base(
      "achievements",
      [
        text("key", 64, { required: true, presentable: true }),
        text("title", 200),
        text("description", 1000),
        select("category", ["basics", "social", "master", "media", "secret", "challenges"]),
        select("rarity", ["common", "rare", "epic", "legendary"]),
        num("maxProgress", { min: 1 }),
        bool("secret"),
        bool("clientClaimable"),
        text("icon", 200),
        num("sortOrder", { min: 0 }),
      ],
      ["CREATE UNIQUE INDEX `idx_achievements_key` ON `achievements` (`key`)"],
    );
    app.save(achievements);

    ACHIEVEMENTS.forEach((a, i) => {
      const [
        key,
        category,
        rarity,
        maxProgress,
        secret,
        clientClaimable,
        icon,
        title,
        description,
      ] = a;
      app.save(
        new Record(achievements, {
          key,
          title,
          description,
          category,
          rarity,
          maxProgress,
          secret,
          clientClaimable,
          icon,
          sortOrder: (i + 1) * 10,
        }),
      );
    });

    app.save(
      base(
        "user_achievements",
        [
          rel("user", usersId, CASCADE),
          rel("achievement", achievements.id, CASCADE),
          num("progress", { min: 0 }),
          date("unlockedAt"),
        ],
        [
          "CREATE UNIQUE INDEX `idx_user_achievements_user_achievement` ON `user_achievements` (`user`, `achievement`)",
        ],
      ),
    );

    app.save(
      base(
        "user_stats",
        [
          rel("user", usersId, CASCADE),
          num("messagesSent", { min: 0 }),
          num("reactionsGiven", { min: 0 }),
          num("reactionsReceived", { min: 0 }),
          num("currentStreak", { min: 0 }),
          num("longestStreak", { min: 0 }),
          text("lastActiveDay", 10), // 'YYYY-MM-DD' in the user's timezone
          json("counters", 65536),
        ],
        ["CREATE UNIQUE INDEX `idx_user_stats_user` ON `user_stats` (`user`)"],
      ),
    );
  },
  (app) => {
    for (const name of COLLECTIONS.slice().reverse()) {
      app.delete(app.findCollectionByNameOrId(name));
    }
  },
);
