/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Rooms issue: who sees which rooms and memberships, and the index behind unread counts.
//  - Signed-in users see public rooms and rooms they belong to; while banned (bannedUntil in the
//    future) they see only the jail room. Deleted rooms are invisible.
//  - Members see each other's membership rows (the hooks hide other members' keys/watermarks).
//  - Unread counts are COUNTs over (room, created > watermark, author != me, not deleted): a
//    covering index answers them without touching message rows.

const NOT_BANNED = "(@request.auth.bannedUntil = '' || @request.auth.bannedUntil <= @now)";
const IS_MEMBER = "room_members_via_room.user ?= @request.auth.id";
const ROOM_RULE =
  `@request.auth.id != '' && deletedAt = '' && (` +
  `(${NOT_BANNED} && system = '' && (type = 'public' || ${IS_MEMBER})) || ` +
  `(system = 'jail' && @request.auth.bannedUntil > @now && ${IS_MEMBER}))`;
const MEMBERSHIP_RULE =
  `@request.auth.id != '' && (user = @request.auth.id || (room.deletedAt = '' && ` +
  `room.room_members_via_room.user ?= @request.auth.id && (${NOT_BANNED} || room.system = 'jail')))`;

const OLD_ROOM_RULE = "deletedAt = '' && room_members_via_room.user ?= @request.auth.id";
const OLD_MEMBERSHIP_RULE = "user = @request.auth.id";
const OLD_INDEX = "CREATE INDEX `idx_messages_room_created` ON `messages` (`room`, `created`)";
const NEW_INDEX =
  "CREATE INDEX `idx_messages_room_created_author` ON `messages` (`room`, `created`, `author`, `deletedAt`)";

function setRules(app, roomRule, membershipRule) {
  const rooms = app.findCollectionByNameOrId("rooms");
  rooms.listRule = roomRule;
  rooms.viewRule = roomRule;
  app.save(rooms);
  const members = app.findCollectionByNameOrId("room_members");
  members.listRule = membershipRule;
  members.viewRule = membershipRule;
  app.save(members);
}

function replaceIndex(app, from, to) {
  const messages = app.findCollectionByNameOrId("messages");
  messages.indexes = messages.indexes.filter((index) => index !== from).concat([to]);
  app.save(messages);
}

migrate(
  (app) => {
    setRules(app, ROOM_RULE, MEMBERSHIP_RULE);
    replaceIndex(app, OLD_INDEX, NEW_INDEX);
  },
  (app) => {
    setRules(app, OLD_ROOM_RULE, OLD_MEMBERSHIP_RULE);
    replaceIndex(app, NEW_INDEX, OLD_INDEX);
  },
);
