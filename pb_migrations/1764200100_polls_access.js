/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Polls are readable (list, view, realtime) by the members of their room while the poll's message
// is live; banned users only in the jail room, as for rooms. Votes stay superuser-only: results go
// through GET /api/konvert/polls/{id}, which hides voters of anonymous polls, and a vote "touches"
// the poll record so subscribers get an update event without learning who voted.

const NOT_BANNED = "(@request.auth.bannedUntil = '' || @request.auth.bannedUntil <= @now)";
const POLL_RULE =
  "@request.auth.id != '' && message.deletedAt = '' && room.deletedAt = '' && " +
  `room.room_members_via_room.user ?= @request.auth.id && (${NOT_BANNED} || room.system = 'jail')`;

function setRule(app, rule) {
  const polls = app.findCollectionByNameOrId("polls");
  polls.listRule = rule;
  polls.viewRule = rule;
  app.save(polls);
}

migrate(
  (app) => setRule(app, POLL_RULE),
  (app) => setRule(app, null),
);
