// Konvert's realtime topics on one SDK client (hooks-src/konvert/rules/realtime.ts). The server
// sends each event once per connection: a room's events go to `room/<id>` when it is open and to
// `feed` otherwise, so list-level events heard on an open room are passed on to feed listeners.
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

/** Feed listeners per SDK client. */
const feedListeners = new WeakMap<PocketBase, Set<Listener>>();

function listenersOf(pb: PocketBase): Set<Listener> {
  let set = feedListeners.get(pb);
  if (!set) {
    set = new Set();
    feedListeners.set(pb, set);
  }
  return set;
}

function emitFeed(pb: PocketBase, event: RealtimeEvent): void {
  for (const listener of listenersOf(pb)) listener(event);
}

/** Listens to the caller's feed (and to list-level events of rooms open on this client). */
export async function onFeed(pb: PocketBase, listener: Listener): Promise<Unsubscribe> {
  const set = listenersOf(pb);
  set.add(listener);
  const off = await pb.realtime.subscribe(FEED_TOPIC, (message: RealtimeMessage) => {
    for (const event of eventsOf(message)) emitFeed(pb, event);
  });
  return async () => {
    set.delete(listener);
    await off();
  };
}

/** Listens to every event of one room (the caller must be a member, or nothing arrives). */
export async function onRoom(
  pb: PocketBase,
  roomId: string,
  listener: Listener,
): Promise<Unsubscribe> {
  return pb.realtime.subscribe(ROOM_TOPIC + roomId, (message: RealtimeMessage) => {
    for (const event of eventsOf(message)) {
      listener(event);
      if (isListLevel(event)) emitFeed(pb, event);
    }
  });
}

/** Listens to profile and presence changes of one user. */
export async function onPresence(
  pb: PocketBase,
  userId: string,
  listener: (event: RealtimeEvent) => void,
): Promise<Unsubscribe> {
  return pb.realtime.subscribe(PRESENCE_TOPIC + userId, listener);
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
