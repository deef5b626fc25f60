// Record changes become events on Konvert's topics. Bound to the record "after success" hooks,
// so every door (records API, batch, our routes, legacy routes, the dashboard) publishes the
// same way, after the commit, and rights change before the action's response.
import {
  batchJson,
  FEED_TOPIC,
  indexKey,
  isListLevel,
  PRESENCE_TOPIC,
  ROOM_TOPIC,
  TYPING_TOPIC,
  type RealtimeEvent,
} from "../../rules/realtime.ts";
import { reauthorizeRoom, reauthorizeUser } from "./authorize.ts";
import { hasClients, idsOf, sendTo, sendToExcept, watchStuck } from "./index-store.ts";

/** Set on a message record by a route that publishes it itself, after answering the sender. */
export const DEFERRED = "konvert.publishLater";

type Action = "create" | "update" | "delete";

/** The room's fan-out queue: absent while idle; `[startedMs, ...pending]` while one runs. */
const queueKey = (roomId: string) => `rtq:${roomId}`;
/** A fan-out older than this is taken over (its handler died without handing back). */
const STALE_MS = 10_000;

type Pending = [json: string, listLevel: boolean];

/**
 * One event of a room: the full event to connections with the room open, and list-level events
 * to the members' feeds. One JSON text and at most two messages per batch, however many
 * recipients. One handler at a time fans out a room's events: the others queue theirs and
 * return, and the running one sends what queued meanwhile as one batch. So events of a room
 * arrive in one order everywhere, a burst costs a send per recipient per batch, and a burst
 * holds one JS VM, not one per event.
 */
export function publishRoom(app: CoreApp, roomId: string, event: RealtimeEvent): void {
  publishRoomJson(app, roomId, isListLevel(event), () => JSON.stringify(event));
}

/** True when some connection listens to the room (full events, or list-level ones too). */
function heard(app: CoreApp, roomId: string, listLevel: boolean): boolean {
  return (
    hasClients(app, indexKey.open(roomId)) || (listLevel && hasClients(app, indexKey.list(roomId)))
  );
}

/**
 * publishRoom() for an event whose JSON is made only if someone listens: a room nobody has open
 * or on a feed costs two store reads per event, and no serialization.
 */
function publishRoomJson(
  app: CoreApp,
  roomId: string,
  listLevel: boolean,
  json: () => string,
): void {
  if (!heard(app, roomId, listLevel)) return;
  const item: Pending = [json(), listLevel];
  const key = queueKey(roomId);
  const claim = { mine: false };
  app.store().setFunc(key, (old: unknown) => {
    const queue = old as unknown[] | null | undefined;
    if (!queue || Date.now() - (queue[0] as number) > STALE_MS) {
      claim.mine = true;
      return [Date.now()];
    }
    return [...Array.from(queue), item];
  });
  // queued behind a running fan-out: that one may be waiting on a connection that stopped
  // reading, and only a later send can release it (index-store.ts)
  if (!claim.mine) {
    watchStuck(app);
    return;
  }
  try {
    let batch: Pending[] = [item];
    while (batch.length > 0) {
      fanOut(app, roomId, batch);
      batch = [];
      app.store().setFunc(key, (old: unknown) => {
        const queue = Array.from((old as unknown[] | null | undefined) ?? []);
        batch = queue.slice(1).map((p) => Array.from(p as unknown[]) as Pending);
        // idle when nothing waits; otherwise this handler sends the waiting batch next
        return batch.length === 0 ? null : [Date.now()];
      });
    }
  } catch (err) {
    app.store().remove(key);
    throw err;
  }
}

function fanOut(app: CoreApp, roomId: string, batch: readonly Pending[]): void {
  const all = batch.map((p) => p[0]);
  sendTo(
    app,
    indexKey.open(roomId),
    new SubscriptionMessage({ name: ROOM_TOPIC + roomId, data: batchJson(all) }),
  );
  const listLevel = batch.filter((p) => p[1]).map((p) => p[0]);
  if (listLevel.length > 0) {
    const data = batchJson(listLevel);
    sendTo(app, indexKey.list(roomId), new SubscriptionMessage({ name: FEED_TOPIC, data }));
  }
}

/** An event for one user's own connections. */
export function publishToUser(app: CoreApp, userId: string, event: RealtimeEvent): void {
  publishToUserJson(app, userId, () => JSON.stringify(event));
}

/** publishToUser() with the event's JSON made only if the user has a feed connection. */
function publishToUserJson(app: CoreApp, userId: string, json: () => string): void {
  const key = indexKey.feed(userId);
  if (!hasClients(app, key)) return;
  sendTo(app, key, new SubscriptionMessage({ name: FEED_TOPIC, data: json() }));
}

/**
 * A notification's event for its recipient; the record is loaded only if they are listening
 * (a send that wrote notifications in SQL publishes them by id).
 */
export function publishNotification(
  app: CoreApp,
  recipient: string,
  action: Action,
  record: () => core.Record,
): void {
  publishToUserJson(app, recipient, () => withRecord({ type: "notification", action }, record()));
}

/** The events that carry a record, without it (each member of the union on its own). */
type RecordEventHead =
  Extract<RealtimeEvent, { record?: unknown }> extends infer E
    ? E extends unknown
      ? Omit<E, "record">
      : never
    : never;

/**
 * The JSON of an event carrying a record in its public form (hidden fields left out, as the
 * records API answers a member), built around the record's JSON instead of parsing it back into
 * an object to serialize the whole event again. `record` may be that JSON already.
 */
function withRecord(head: RecordEventHead, record: core.Record | string): string {
  const text = typeof record === "string" ? record : JSON.stringify(record);
  return `${JSON.stringify(head).slice(0, -1)},"record":${text}}`;
}

/**
 * A typing ping: connections with the room open hear it on the room topic, older clients on
 * `typing/`; the typist's own connections do not.
 */
export function publishTyping(app: CoreApp, roomId: string, userId: string, at: string): void {
  const own = new Set(idsOf(app, indexKey.user(userId)));
  const event: RealtimeEvent = { type: "typing", room: roomId, userId };
  const roomMessage = new SubscriptionMessage({
    name: ROOM_TOPIC + roomId,
    data: JSON.stringify(event),
  });
  sendToExcept(app, indexKey.open(roomId), roomMessage, own);
  const data = JSON.stringify({ userId, at });
  const typingMessage = new SubscriptionMessage({ name: TYPING_TOPIC + roomId, data });
  sendToExcept(app, indexKey.typing(roomId), typingMessage, own);
}

/**
 * A message event. `recordText` is the record's JSON when the caller has it already (the send
 * route answered its sender with it): the event is built around it, not serialized again.
 */
export function publishMessage(
  app: CoreApp,
  message: core.Record,
  action: Action,
  recordText?: string,
): void {
  publishMessageIn(app, message.getString("room"), action, recordText ?? message);
}

/** publishMessage() for a message of `room` given as its record or its public JSON. */
export function publishMessageIn(
  app: CoreApp,
  room: string,
  action: Action,
  record: core.Record | string,
): void {
  publishRoomJson(app, room, true, () => withRecord({ type: "message", action, room }, record));
}

function changed(record: core.Record, field: string): boolean {
  return record.getString(field) !== record.original().getString(field);
}

/** onRecordAfter{Create,Update,Delete}Success for the collections Konvert publishes. */
export function onRecordChange(e: core.RecordEvent, action: Action): void {
  const record = e.record!;
  const app = e.app;
  switch (record.collection().name) {
    case "messages":
      if (action !== "create" || record.get(DEFERRED) !== true) publishMessage(app, record, action);
      break;
    case "reactions":
      if (action !== "update") {
        publishRoom(app, record.getString("room"), {
          type: "reaction",
          action,
          room: record.getString("room"),
          message: record.getString("message"),
          user: record.getString("user"),
          emoji: record.getString("emoji"),
        });
      }
      break;
    case "pins":
      if (action !== "update") {
        const room = record.getString("room");
        publishRoom(app, room, { type: "pin", action, room, message: record.getString("message") });
      }
      break;
    case "polls":
      publishPoll(app, record);
      break;
    case "poll_votes":
      pollOfVote(app, record);
      break;
    case "rooms":
      roomChanged(app, record, action);
      break;
    case "room_members":
      membershipChanged(app, record, action);
      break;
    case "notifications":
      publishNotification(app, record.getString("recipient"), action, () => record);
      break;
    case "blocks":
      // presence of each other, and typing in their DM, end with the block
      reauthorizeUser(app, record.getString("blocker"));
      reauthorizeUser(app, record.getString("blocked"));
      break;
    case "friendships":
      friendsChanged(app, record, action, record.getString("userA"), record.getString("userB"));
      break;
    case "friend_requests":
      friendsChanged(app, record, action, record.getString("from"), record.getString("to"));
      break;
    case "users":
      userChanged(app, record, action);
      break;
  }
  e.next();
}

function publishPoll(app: CoreApp, poll: core.Record): void {
  const room = poll.getString("room");
  publishRoom(app, room, { type: "poll", room, message: poll.getString("message"), poll: poll.id });
}

function pollOfVote(app: CoreApp, vote: core.Record): void {
  let poll: core.Record;
  try {
    poll = app.findRecordById("polls", vote.getString("poll"));
  } catch {
    return; // the poll went with its message
  }
  publishPoll(app, poll);
}

function roomChanged(app: CoreApp, room: core.Record, action: Action): void {
  const gone = action === "delete" || (action === "update" && room.getString("deletedAt") !== "");
  if (gone) {
    publishRoom(app, room.id, { type: "room", action: "delete", room: room.id });
    reauthorizeRoom(app, room.id);
    return;
  }
  if (action === "update") {
    publishRoomJson(app, room.id, true, () =>
      withRecord({ type: "room", action, room: room.id }, room),
    );
  }
}

function membershipChanged(app: CoreApp, member: core.Record, action: Action): void {
  const room = member.getString("room");
  const user = member.getString("user");
  if (action === "create") reauthorizeUser(app, user);
  if (action === "delete") reauthorizeUser(app, user, [room]);
  if (action !== "update" || changed(member, "role")) {
    publishRoom(app, room, { type: "member", action, room, user, role: member.getString("role") });
  }
  // the member's other devices follow read positions, hiding and roles
  if (action === "update" && changed(member, "readSeq"))
    publishToUser(app, user, { type: "read", room });
  else publishToUser(app, user, { type: "membership", action, room });
}

function friendsChanged(
  app: CoreApp,
  record: core.Record,
  action: Action,
  a: string,
  b: string,
): void {
  const event: RealtimeEvent = {
    type: "friends",
    action,
    collection: record.collection().name,
    id: record.id,
  };
  publishToUser(app, a, event);
  publishToUser(app, b, event);
}

function userChanged(app: CoreApp, user: core.Record, action: Action): void {
  if (action === "update" && (changed(user, "bannedUntil") || changed(user, "deletedAt"))) {
    reauthorizeUser(app, user.id);
  }
  if (action === "delete") {
    reauthorizeUser(app, user.id);
    return;
  }
  if (action === "update") publishPresence(app, user.id);
}

/** A user's profile or presence changed: their watchers hear who, not what. */
export function publishPresence(app: CoreApp, userId: string): void {
  // what a watcher may see of them is for the users API to say (privacy settings, per viewer)
  const message = new SubscriptionMessage({
    name: PRESENCE_TOPIC + userId,
    data: JSON.stringify({ type: "user", action: "update", id: userId } satisfies RealtimeEvent),
  });
  sendTo(app, indexKey.presence(userId), message);
}
