/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Fields only their owner may learn become hidden in the schema. PocketBase then leaves them out
// of every response and event and, above all, refuses them in `filter` and `sort` for everyone
// but superusers. Hiding them only while shaping the response (an enrich hook) was not enough:
// `filter=user='X' && encryptedKey~'abc'` answered "yes" or "no" about someone else's wrapped
// room key, one character at a time, and `readSeq>=N` told when another member read a message.
// The enrich hooks unhide them for their owner (jsvm/member-privacy.ts, jsvm/profiles.ts).
//
//  - room_members: keys, read watermarks, hiding, the room mute, and `updated`, which moves with
//    every one of them (a read moves it). The membership rule no longer lets realtime deliver
//    other members' rows: an update event said when another member read. Joins, leaves and role
//    changes reach members through Konvert's `room/<id>` topic.
//  - users: `updated`, which moves with every presence heartbeat (presence is for friends and
//    room-mates, behind a privacy switch). (`email` cannot be hidden: PocketBase resets the flag
//    and guards it by `emailVisibility` instead; jsvm/list-guard.ts closes the gap it leaves.)

const MEMBER_FIELDS = [
  "encryptedKey",
  "keyVersion",
  "lastReadAt",
  "readSeq",
  "mentionsReadAt",
  "reactionsReadAt",
  "hidden",
  "mutedUntil",
  "updated",
];
const USER_FIELDS = ["updated"];

const NOT_BANNED = "(@request.auth.bannedUntil = '' || @request.auth.bannedUntil <= @now)";
const OLD_MEMBERSHIP_RULE =
  `@request.auth.id != '' && (user = @request.auth.id || (room.deletedAt = '' && ` +
  `room.room_members_via_room.user ?= @request.auth.id && (${NOT_BANNED} || room.system = 'jail')))`;
const MEMBERSHIP_RULE =
  `@request.auth.id != '' && (user = @request.auth.id || (@request.context != 'realtime' && ` +
  `room.deletedAt = '' && room.room_members_via_room.user ?= @request.auth.id && ` +
  `(${NOT_BANNED} || room.system = 'jail')))`;

function apply(app, hidden, membershipRule) {
  const members = app.findCollectionByNameOrId("room_members");
  for (const name of MEMBER_FIELDS) members.fields.getByName(name).hidden = hidden;
  members.listRule = membershipRule;
  members.viewRule = membershipRule;
  app.save(members);

  const users = app.findCollectionByNameOrId("_pb_users_auth_");
  for (const name of USER_FIELDS) users.fields.getByName(name).hidden = hidden;
  app.save(users);
}

migrate(
  (app) => apply(app, true, MEMBERSHIP_RULE),
  (app) => apply(app, false, OLD_MEMBERSHIP_RULE),
);
