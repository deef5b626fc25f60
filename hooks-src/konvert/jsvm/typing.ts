// Typing indicators on the custom realtime topic `typing/<roomId>`. PocketBase authorizes record
// topics by API rules but not custom topics, so subscriptions are filtered here and every ping
// is delivered only to clients whose user is a member at that moment.
import { assertNotConfined, callerOf, findRoom, requireMembership } from "./access.ts";
import { pathParam } from "./http.ts";

const PREFIX = "typing/";
/** One ping per user and room per this many milliseconds; more are accepted and dropped. */
const THROTTLE_MS = 2_000;

function isMember(app: CoreApp, roomId: string, userId: string): boolean {
  return app.countRecords("room_members", $dbx.hashExp({ room: roomId, user: userId })) > 0;
}

/** Drops typing subscriptions for rooms the client's user is not a member of. */
export function onSubscribe(e: core.RealtimeSubscribeRequestEvent): void {
  const auth = e.auth;
  e.subscriptions = e.subscriptions.filter((topic) => {
    if (!topic.startsWith(PREFIX)) return true;
    const roomId = topic.slice(PREFIX.length).split("?")[0] ?? "";
    return (
      auth !== undefined && auth.collection().name === "users" && isMember(e.app, roomId, auth.id)
    );
  });
  e.next();
}

/** POST /api/konvert/rooms/{id}/typing */
export function ping(e: core.RequestEvent): void {
  const me = callerOf(e);
  const room = findRoom(e.app, pathParam(e, "id"));
  assertNotConfined(me, room);
  requireMembership(e.app, room, me);
  const key = `typing:${room.id}:${me.id}`;
  const now = Date.now();
  const last = e.app.store().get(key) as number | undefined;
  if (last !== undefined && now - last < THROTTLE_MS) {
    e.noContent(204);
    return;
  }
  e.app.store().set(key, now);
  broadcast(e.app, room.id, me.id);
  e.noContent(204);
}

function broadcast(app: CoreApp, roomId: string, typist: string): void {
  const topic = PREFIX + roomId;
  const members = new Set(
    app
      .findRecordsByFilter("room_members", "room = {:room}", "", 0, 0, { room: roomId })
      .map((m) => m!.getString("user")),
  );
  const message = new SubscriptionMessage({
    name: topic,
    data: JSON.stringify({ userId: typist, at: new Date().toISOString() }),
  });
  const clients = app.subscriptionsBroker().clients() as Record<string, subscriptions.Client>;
  for (const id in clients) {
    const client = clients[id]!;
    if (!client.hasSubscription(topic)) continue;
    const auth = client.get("auth") as core.Record | null | undefined;
    if (!auth || auth.id === typist || !members.has(auth.id)) continue;
    client.send(message);
  }
}
