// Konvert's realtime topics and the index keys that route events to subscribed connections.
// Pure: shared by the hooks (which authorize and fan out) and the typed client (which listens).
//
// PocketBase checks the collection rule once per connected client for every record event, so a
// message cost CPU in proportion to everyone online. These topics are authorized once, when a
// connection subscribes, and each event is sent only to the connections an index names.

/** Every event of one room the caller is a member of: messages, reactions, polls, pins, typing. */
export const ROOM_TOPIC = "room/";
/** The caller's own feed: list-level events of all their rooms, and what concerns them alone. */
export const FEED_TOPIC = "feed";
/** Profile and presence changes of one user the caller may see (shares a room, or a friend). */
export const PRESENCE_TOPIC = "presence/";
/** Typing pings of one room (kept for clients that predate ROOM_TOPIC, which carries them too). */
export const TYPING_TOPIC = "typing/";

export type Topic =
  | { kind: "room"; id: string }
  | { kind: "feed" }
  | { kind: "presence"; id: string }
  | { kind: "typing"; id: string };

const ID = /^[a-z0-9]{15}$/;

/** The topic a subscription names (SDK options after "?" ignored), or null when it is not ours. */
export function parseTopic(subscription: string): Topic | null {
  const topic = subscription.split("?")[0] ?? "";
  if (topic === FEED_TOPIC) return { kind: "feed" };
  for (const [prefix, kind] of [
    [ROOM_TOPIC, "room"],
    [PRESENCE_TOPIC, "presence"],
    [TYPING_TOPIC, "typing"],
  ] as const) {
    if (topic.startsWith(prefix)) {
      const id = topic.slice(prefix.length);
      // a malformed id is ours too: it is refused rather than left to PocketBase
      return { kind, id: ID.test(id) ? id : "" };
    }
  }
  return null;
}

/**
 * Index keys in PocketBase's app store. Each holds the connections one kind of event goes to;
 * a connection is in at most one of `open`/`list` for a room, so every event reaches it once.
 */
export const indexKey = {
  /** connections with ROOM_TOPIC of the room: full room events */
  open: (roomId: string) => `rt:o:${roomId}`,
  /** feed connections of members without the room open: list-level events of the room */
  list: (roomId: string) => `rt:l:${roomId}`,
  /** connections with TYPING_TOPIC of the room */
  typing: (roomId: string) => `rt:t:${roomId}`,
  /** feed connections of the user: personal events */
  feed: (userId: string) => `rt:f:${userId}`,
  /** connections watching the user's presence */
  presence: (userId: string) => `rt:p:${userId}`,
  /** every connection of the user holding any of our topics (for re-authorization) */
  user: (userId: string) => `rt:u:${userId}`,
  /** every key of a room: what a connection that loses the room must leave */
  ofRoom: (roomId: string): string[] => [
    indexKey.open(roomId),
    indexKey.list(roomId),
    indexKey.typing(roomId),
  ],
};

export const INDEX_PREFIX = "rt:";

/**
 * Connections holding a topic of PocketBase's own for a collection whose busiest writes
 * (messages: sends; users: presence; notifications: a send's mentions) skip PocketBase's record
 * events while nobody holds one.
 */
export const collectionHolders = (collection: QuietCollection) => `rt:c:${collection}`;
export const QUIET_COLLECTIONS = ["messages", "users", "notifications"] as const;
export type QuietCollection = (typeof QUIET_COLLECTIONS)[number];

/**
 * True for PocketBase's own topics of a collection (`name/*`, `name/<id>`, the deprecated `name`,
 * each optionally with `?options=`), by the collection's name or id.
 */
export function isCollectionTopic(subscription: string, name: string, id: string): boolean {
  const topic = subscription.split("?")[0] ?? "";
  return (
    topic === name || topic === id || topic.startsWith(name + "/") || topic.startsWith(id + "/")
  );
}

/** What a connection may hear, decided from the database for its user. */
export interface Grants {
  /** rooms whose events the user may hear (member, room live, not confined by a ban) */
  rooms: ReadonlySet<string>;
  /** users whose presence the user may watch */
  people: ReadonlySet<string>;
}

/** The subscriptions a connection keeps (ours that it may hear, and every one that is not ours). */
export function allowedSubscriptions(subscriptions: readonly string[], grants: Grants): string[] {
  return subscriptions.filter((s) => {
    const topic = parseTopic(s);
    if (topic === null || topic.kind === "feed") return true;
    if (topic.kind === "presence") return grants.people.has(topic.id);
    return grants.rooms.has(topic.id);
  });
}

/**
 * The index keys a connection of `userId` belongs in, given the subscriptions it keeps. The feed
 * puts it in the list-level index of every granted room it does not have open.
 */
export function keysFor(
  userId: string,
  subscriptions: readonly string[],
  grants: Grants,
): string[] {
  const topics = subscriptions.map(parseTopic).filter((t): t is Topic => t !== null);
  if (topics.length === 0) return [];
  const keys = new Set<string>([indexKey.user(userId)]);
  const open = new Set<string>();
  let feed = false;
  for (const topic of topics) {
    if (topic.kind === "feed") feed = true;
    else if (topic.kind === "room" && grants.rooms.has(topic.id)) {
      open.add(topic.id);
      keys.add(indexKey.open(topic.id));
    } else if (topic.kind === "typing" && grants.rooms.has(topic.id)) {
      keys.add(indexKey.typing(topic.id));
    } else if (topic.kind === "presence" && grants.people.has(topic.id)) {
      keys.add(indexKey.presence(topic.id));
    }
  }
  if (feed) {
    keys.add(indexKey.feed(userId));
    for (const room of grants.rooms) if (!open.has(room)) keys.add(indexKey.list(room));
  }
  return [...keys].sort();
}

/** Keys to leave and to join when a connection moves from `before` to `after`. */
export function keyChanges(
  before: readonly string[],
  after: readonly string[],
): { leave: string[]; join: string[] } {
  const was = new Set(before);
  const is = new Set(after);
  return {
    leave: before.filter((k) => !is.has(k)),
    join: after.filter((k) => !was.has(k)),
  };
}

/** The events on ROOM_TOPIC and FEED_TOPIC (`data` of the SSE message, as JSON). */
export type RealtimeEvent =
  | {
      type: "message";
      action: "create" | "update" | "delete";
      room: string;
      record: Record<string, unknown>;
    }
  | {
      type: "reaction";
      action: "create" | "delete";
      room: string;
      message: string;
      user: string;
      emoji: string;
    }
  | { type: "poll"; room: string; message: string; poll: string }
  | { type: "pin"; action: "create" | "delete"; room: string; message: string }
  | { type: "typing"; room: string; userId: string }
  | { type: "room"; action: "update" | "delete"; room: string; record?: Record<string, unknown> }
  | {
      type: "member";
      action: "create" | "update" | "delete";
      room: string;
      user: string;
      role: string;
    }
  | { type: "membership"; action: "create" | "update" | "delete"; room: string }
  | { type: "read"; room: string }
  | {
      type: "notification";
      action: "create" | "update" | "delete";
      record: Record<string, unknown>;
    }
  | { type: "friends"; action: "create" | "update" | "delete"; collection: string; id: string }
  | { type: "user"; action: "update"; id: string };

/** Room events a connection hears on its feed without the room open (what a room list shows). */
export function isListLevel(event: RealtimeEvent): boolean {
  return event.type === "message" || event.type === "room" || event.type === "pin";
}

/**
 * Several events of one room in one SSE message: while a room's fan-out is running, the events
 * that come meanwhile queue up and go out together, so a busy room costs a send per recipient
 * per batch, not per event.
 */
export interface RealtimeBatch {
  type: "batch";
  events: RealtimeEvent[];
}

/** What one SSE message on our topics carries. */
export type RealtimeMessage = RealtimeEvent | RealtimeBatch;

/** The JSON of a batch from the JSON texts of its events (no parse and stringify again). */
export function batchJson(events: readonly string[]): string {
  return events.length === 1 ? events[0]! : `{"type":"batch","events":[${events.join(",")}]}`;
}

/** The events one SSE message carries, in order. */
export function eventsOf(message: RealtimeMessage): RealtimeEvent[] {
  return message.type === "batch" ? message.events : [message];
}
