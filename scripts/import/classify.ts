// Konvert's key catalogue (docs/import.md): anchored patterns on the whole key, never prefixes
// alone, because ids contain colons (`dm:<a>:<b>`) and prefixes overlap (`dm:` / `dm_messages:`).

export type KeyKind =
  | "user"
  | "username"
  | "room"
  | "room_messages"
  | "message"
  | "poll"
  | "poll_message"
  | "dm"
  | "dm_messages"
  | "dm_hidden"
  | "notification"
  | "user_notifications"
  | "friend_request"
  | "achievements"
  | "activity_streak"
  | "legacy";

export interface Classified {
  kind: KeyKind;
  /** The id parts captured from the key. */
  parts: string[];
}

const ID = "([^:]+)";
const PATTERNS: [KeyKind, RegExp][] = [
  ["user", new RegExp(`^user:${ID}$`)],
  ["username", /^username:(.+)$/],
  ["room", new RegExp(`^room:${ID}$`)],
  ["room_messages", new RegExp(`^room_messages:${ID}$`)],
  ["message", new RegExp(`^message:${ID}$`)],
  ["poll", new RegExp(`^poll:${ID}$`)],
  ["poll_message", new RegExp(`^poll_message:${ID}$`)],
  ["dm", new RegExp(`^dm:${ID}:${ID}$`)],
  ["dm_messages", new RegExp(`^dm_messages:${ID}:${ID}$`)],
  ["dm_hidden", new RegExp(`^dm_hidden:${ID}:${ID}:${ID}$`)],
  ["notification", new RegExp(`^notification:(\\d+):${ID}$`)],
  ["user_notifications", new RegExp(`^user_notifications:${ID}$`)],
  ["friend_request", new RegExp(`^friend_request:${ID}:${ID}$`)],
  ["achievements", new RegExp(`^achievements:${ID}$`)],
  ["activity_streak", new RegExp(`^activity_streak:${ID}$`)],
];

/** Index keys: derived data, used for ordering and orphan detection, never imported. */
export const INDEX_KINDS: ReadonlySet<KeyKind> = new Set([
  "username",
  "room_messages",
  "dm_messages",
  "poll_message",
  "user_notifications",
]);

/**
 * Every pattern starts with its own literal word and a colon, so the text before a key's first
 * colon picks the one pattern that can match: two passes classify every row, and trying all
 * fifteen in turn was a visible part of the scan.
 */
const BY_PREFIX = new Map<string, [KeyKind, RegExp]>(
  PATTERNS.map(([kind, pattern]) => [/^\^(\w+):/.exec(pattern.source)?.[1] ?? "", [kind, pattern]]),
);

export function classifyKey(key: string): Classified {
  const colon = key.indexOf(":");
  const candidate = colon > 0 ? BY_PREFIX.get(key.slice(0, colon)) : undefined;
  const match = candidate?.[1].exec(key);
  if (candidate && match) return { kind: candidate[0], parts: match.slice(1) };
  return { kind: "legacy", parts: [] };
}

/** The value shape each kind must have; anything else is shape drift and goes to kv_legacy. */
export function shapeFits(kind: KeyKind, value: unknown): boolean {
  switch (kind) {
    case "room_messages":
    case "dm_messages":
    case "user_notifications":
      return Array.isArray(value);
    case "username":
    case "poll_message":
      return typeof value === "string";
    case "legacy":
      return true;
    default:
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}
