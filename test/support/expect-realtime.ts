// Realtime expectations: which events each client hears for one action, exactly, without sleeps.
// Each listener gets its own connection (its own SDK client signed in as its user) on its topics
// plus `feed`. After the action, the expected events must arrive; then the test-only barrier
// route sends a token to every listener's feed, and since one connection's events arrive in order,
// what a listener heard before its barrier is everything the action sent it. Limitation: an event
// published after the action's response (the send route fans out after answering) could arrive
// after the barrier; for those, the positive half still holds.
import PocketBase from "pocketbase";
import { expect } from "vitest";
import { eventsOf, type RealtimeMessage } from "../../hooks-src/konvert/rules/realtime.ts";
import type { TestServer } from "./server.ts";
import type { TestUser } from "./users.ts";

export interface Listener {
  /** the name expectations use */
  label: string;
  user: TestUser;
  /** Konvert topics (`room/<id>`, `presence/<id>`, …); `feed` is always added */
  topics: string[];
}

type Heard = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * One line per event, what expectations are written in: the topic's kind, the event's type and
 * action, and what it is about — "room message update <id>", "feed membership delete <room>".
 */
export function describeEvent(topic: string, event: Heard): string {
  // (a notification: its type and the achievement or message it is about)
  const kind = topic.split("/")[0]!;
  const record = (event["record"] ?? {}) as Heard;
  const parts: unknown[] = [kind, event["type"]];
  if (event["action"] !== undefined) parts.push(event["action"]);
  switch (event["type"]) {
    case "message":
      parts.push(record["id"]);
      break;
    case "notification": // ids are not known ahead; what it is about is
      parts.push(
        record["type"],
        (record["data"] as Heard | null)?.["achievement"] ?? record["message"],
      );
      break;
    case "reaction":
      parts.push(event["message"], event["user"], event["emoji"]);
      break;
    case "pin":
      parts.push(event["message"]);
      break;
    case "poll":
      parts.push(event["poll"]);
      break;
    case "member":
      parts.push(event["room"], event["user"]);
      break;
    case "typing":
      parts.push(event["room"], event["userId"]);
      break;
    case "friends":
      parts.push(event["collection"]);
      break;
    case "user":
      parts.push(event["id"]);
      break;
    default:
      parts.push(event["room"]);
  }
  return parts.map(str).join(" ");
}

interface Connection {
  label: string;
  user: TestUser;
  client: PocketBase;
  heard: { topic: string; event: Heard }[];
}

async function connect(server: TestServer, listener: Listener): Promise<Connection> {
  const client = new PocketBase(server.url);
  client.autoCancellation(false);
  client.authStore.save(
    listener.user.client.authStore.token,
    listener.user.client.authStore.record,
  );
  const connection: Connection = { label: listener.label, user: listener.user, client, heard: [] };
  for (const topic of new Set([...listener.topics, "feed"])) {
    await client.realtime.subscribe(topic, (message: RealtimeMessage) => {
      for (const event of eventsOf(message)) {
        connection.heard.push({ topic, event: event });
      }
    });
  }
  return connection;
}

function missing(have: readonly string[], want: readonly string[]): string[] {
  const left = [...have];
  const out: string[] = [];
  for (const line of want) {
    const at = left.indexOf(line);
    if (at >= 0) left.splice(at, 1);
    else out.push(line);
  }
  return out;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * Runs `action` and asserts that each listener hears exactly `expected[label]` (in any order;
 * a label left out expects nothing). Returns the action's result.
 */
export async function expectRealtime<T>(
  server: TestServer,
  listeners: readonly Listener[],
  action: () => Promise<T>,
  expected: Readonly<Record<string, readonly string[]>>,
  timeoutMs = 10_000,
): Promise<T> {
  const connections = await Promise.all(listeners.map((l) => connect(server, l)));
  try {
    const lines = (c: Connection) =>
      c.heard
        .filter((h) => h.event["type"] !== "barrier")
        .map((h) => describeEvent(h.topic, h.event));
    const result = await action();
    await until(
      () => connections.every((c) => missing(lines(c), expected[c.label] ?? []).length === 0),
      timeoutMs,
    );
    const token = Math.random().toString(36).slice(2);
    await server.admin.send("/api/konvert/test/realtime-barrier", {
      method: "POST",
      body: { token, users: [...new Set(connections.map((c) => c.user.record.id))] },
    });
    const barrierAt = (c: Connection) =>
      c.heard.findIndex((h) => h.event["type"] === "barrier" && h.event["token"] === token);
    const reached = await until(() => connections.every((c) => barrierAt(c) >= 0), timeoutMs);
    expect(reached, "every listener hears the barrier").toBe(true);
    const heard: Record<string, string[]> = {};
    const want: Record<string, string[]> = {};
    for (const c of connections) {
      const before = { ...c, heard: c.heard.slice(0, barrierAt(c)) };
      heard[c.label] = lines(before).sort();
      want[c.label] = [...(expected[c.label] ?? [])].sort();
    }
    expect(heard).toEqual(want);
    return result;
  } finally {
    for (const c of connections) c.client.realtime.unsubscribe().catch(() => undefined);
  }
}
