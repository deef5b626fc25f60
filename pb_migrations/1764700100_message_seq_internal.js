/// <reference path="../types/pocketbase-jsvm.d.ts" />

// messages.seq becomes internal: hidden from API responses and realtime events (superusers still
// see it), and always numbered by the `messages_seq_assign` trigger (1764050300_message_seq.js)
// as the row is inserted. Before, the send hook asked for MAX(seq) + 1 itself, one more query
// from the JS VM on every message, so that the record it answered with carried its number; no
// client reads the number (unread counts are computed on the server).

function setHidden(app, hidden) {
  const messages = app.findCollectionByNameOrId("messages");
  messages.fields.getByName("seq").hidden = hidden;
  app.save(messages);
}

migrate(
  (app) => setHidden(app, true),
  (app) => setHidden(app, false),
);
