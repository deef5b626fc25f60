// Realtime helpers: record every event a client receives on a topic, and wait for conditions.
import type PocketBase from "pocketbase";
import type { RecordSubscription } from "pocketbase";

export interface EventLog<T> {
  events: RecordSubscription<T>[];
  unsubscribe: () => Promise<void>;
}

export async function recordEvents<T>(
  client: PocketBase,
  collection: string,
  topic: string,
): Promise<EventLog<T>> {
  const events: RecordSubscription<T>[] = [];
  const unsubscribe = await client
    .collection(collection)
    .subscribe<T>(topic, (e) => events.push(e));
  return { events, unsubscribe };
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
