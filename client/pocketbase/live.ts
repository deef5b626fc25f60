// Konvert's realtime topics on one SDK client (hooks-src/konvert/rules/realtime.ts). The server
// sends each event once per connection: a room's events go to `room/<id>` when it is open and to
// `feed` otherwise, so list-level events heard on an open room are passed on to feed listeners.
// Each topic is subscribed on the SDK once, however many listeners it has here, so an event is
// handled once per topic.
import type PocketBase from "pocketbase";
import {
  eventsOf,
  FEED_TOPIC,
  isListLevel,
  PRESENCE_TOPIC,
  ROOM_TOPIC,
  type RealtimeEvent,
  type RealtimeMessage,
} from "../../hooks-src/konvert/rules/realtime.ts";
import type { Unsubscribe } from "../interface.ts";

export type { RealtimeEvent };

type Listener = (event: RealtimeEvent) => void;

interface Topic {
  listeners: Set<Listener>;
  /** the SDK subscription, once made */
  ready: Promise<Unsubscribe>;
}

/** Per SDK client: topic -> its listeners and SDK subscription. */
const topicsOf = new WeakMap<PocketBase, Map<string, Topic>>();

function emit(pb: PocketBase, topic: string, event: RealtimeEvent): void {
  for (const listener of topicsOf.get(pb)?.get(topic)?.listeners ?? []) listener(event);
}

/** Adds a listener to a topic, subscribing the SDK when it is the topic's first. */
async function listen(pb: PocketBase, topic: string, listener: Listener): Promise<Unsubscribe> {
  let topics = topicsOf.get(pb);
  if (!topics) {
    topics = new Map();
    topicsOf.set(pb, topics);
  }
  let entry = topics.get(topic);
  if (!entry) {
    const created: Topic = { listeners: new Set(), ready: Promise.resolve(async () => {}) };
    created.ready = pb.realtime.subscribe(topic, (message: RealtimeMessage) => {
      for (const event of eventsOf(message)) {
        emit(pb, topic, event);
        if (topic !== FEED_TOPIC && isListLevel(event)) emit(pb, FEED_TOPIC, event);
      }
    });
    topics.set(topic, created);
    entry = created;
  }
  const current = entry;
  current.listeners.add(listener);
  try {
    await current.ready;
  } catch (err) {
    current.listeners.delete(listener);
    if (topics.get(topic) === current && current.listeners.size === 0) topics.delete(topic);
    throw err;
  }
  return async () => {
    current.listeners.delete(listener);
    if (current.listeners.size > 0 || topics.get(topic) !== current) return;
    topics.delete(topic);
    await (
      await current.ready
    )();
  };
}

/** Listens to the caller's feed (and to list-level events of rooms open on this client). */
export function onFeed(pb: PocketBase, listener: Listener): Promise<Unsubscribe> {
  return listen(pb, FEED_TOPIC, listener);
}

/** Listens to every event of one room (the caller must be a member, or nothing arrives). */
export function onRoom(pb: PocketBase, roomId: string, listener: Listener): Promise<Unsubscribe> {
  return listen(pb, ROOM_TOPIC + roomId, listener);
}

/** Listens to profile and presence changes of one user. */
export function onPresence(
  pb: PocketBase,
  userId: string,
  listener: Listener,
): Promise<Unsubscribe> {
  return listen(pb, PRESENCE_TOPIC + userId, listener);
}

/** Calls `listener` after each reconnect (not on the first connection). */
export async function onReconnect(pb: PocketBase, listener: () => void): Promise<Unsubscribe> {
  let first = !pb.realtime.isConnected;
  return pb.realtime.subscribe("PB_CONNECT", () => {
    if (first) {
      first = false;
      return;
    }
    listener();
  });
}
