/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Messages issue: who reads messages and reactions (members of the live room; banned users only
// in the jail), who may create messages through the records API (signed-in users: the hook
// decides the rest), what attachments may be, and a covering index for reaction counts.

const NOT_BANNED = "(@request.auth.bannedUntil = '' || @request.auth.bannedUntil <= @now)";
const ROOM_MEMBER_READ =
  `@request.auth.id != '' && room.deletedAt = '' && ` +
  `room.room_members_via_room.user ?= @request.auth.id && (${NOT_BANNED} || room.system = 'jail')`;

const ATTACHMENT_TYPES = [
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/heic",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "audio/mpeg",
  "audio/ogg",
  "audio/webm",
  "audio/wav",
  "audio/mp4",
  "application/pdf",
  "text/plain",
  "application/zip",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

const OLD_REACTION_INDEX =
  "CREATE INDEX `idx_reactions_author_room_created` ON `reactions` (`messageAuthor`, `room`, `created`)";
const NEW_REACTION_INDEX =
  "CREATE INDEX `idx_reactions_author_room_created_user` ON `reactions` (`messageAuthor`, `room`, `created`, `user`)";

migrate(
  (app) => {
    const messages = app.findCollectionByNameOrId("messages");
    messages.listRule = ROOM_MEMBER_READ;
    messages.viewRule = ROOM_MEMBER_READ;
    messages.createRule = "@request.auth.id != ''";
    const attachments = messages.fields.getByName("attachments");
    attachments.mimeTypes = ATTACHMENT_TYPES;
    attachments.thumbs = ["100x100", "480x0"];
    app.save(messages);

    const reactions = app.findCollectionByNameOrId("reactions");
    reactions.listRule = ROOM_MEMBER_READ;
    reactions.viewRule = ROOM_MEMBER_READ;
    reactions.indexes = reactions.indexes
      .filter((index) => index !== OLD_REACTION_INDEX)
      .concat([NEW_REACTION_INDEX]);
    app.save(reactions);
  },
  (app) => {
    const messages = app.findCollectionByNameOrId("messages");
    messages.listRule = null;
    messages.viewRule = null;
    messages.createRule = null;
    const attachments = messages.fields.getByName("attachments");
    attachments.mimeTypes = [];
    attachments.thumbs = [];
    app.save(messages);

    const reactions = app.findCollectionByNameOrId("reactions");
    reactions.listRule = null;
    reactions.viewRule = null;
    reactions.indexes = reactions.indexes
      .filter((index) => index !== NEW_REACTION_INDEX)
      .concat([OLD_REACTION_INDEX]);
    app.save(reactions);
  },
);
