/// <reference path="../types/pocketbase-jsvm.d.ts" />

// The room preview (rooms.lastMessage / lastMessageAt) moves with every new message the app
// inserts, inside SQLite: the send hook no longer issues its own UPDATE from the JS VM. Rows
// written with an explicit seq (the import tool, which sets previews itself) are left alone,
// like in `messages_seq_assign`. Room lists hear of new messages through the messages' own
// realtime events (client/pocketbase/rooms.ts).

const UP = [
  "CREATE TRIGGER messages_room_preview AFTER INSERT ON messages WHEN new.seq = 0 BEGIN " +
    "UPDATE rooms SET lastMessage = new.id, lastMessageAt = new.created WHERE id = new.room; END",
];
const DOWN = ["DROP TRIGGER IF EXISTS messages_room_preview"];

migrate(
  (app) => UP.forEach((sql) => app.db().newQuery(sql).execute()),
  (app) => DOWN.forEach((sql) => app.db().newQuery(sql).execute()),
);
