// What a message may contain and who may change it.
import type { Role } from "./roles.ts";

export const CONTENT_MAX = 10_000;
/** Encrypted content carries the plaintext limit plus the envelope's base64 overhead. */
export const ENCRYPTED_CONTENT_MAX = 20_000;
export const HISTORY_DEFAULT = 50;
export const HISTORY_MAX = 200;

export const MESSAGE_TYPES = ["text", "image", "audio", "voice", "video", "file", "poll"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Fields a client may send when creating a message; author, dates and ids are the server's. */
export const MESSAGE_CREATE_FIELDS: readonly string[] = [
  "room",
  "content",
  "type",
  "replyTo",
  "attachments",
  "mentions",
  "poll",
];

/** The client-side encryption envelope: `{"version":…,"ciphertext":…,"iv":…}`. */
export function isEncryptedEnvelope(content: string): boolean {
  if (!content.startsWith("{") || !content.includes('"ciphertext"')) return false;
  try {
    const parsed = JSON.parse(content) as unknown;
    return typeof parsed === "object" && parsed !== null && "ciphertext" in parsed;
  } catch {
    return false;
  }
}

export function contentProblem(content: unknown, required: boolean): string | null {
  if (content !== undefined && typeof content !== "string") return "Message content must be text.";
  const text = content ?? "";
  if (required && text.trim() === "") return "A message cannot be empty.";
  const max = isEncryptedEnvelope(text) ? ENCRYPTED_CONTENT_MAX : CONTENT_MAX;
  if (text.length > max) return `A message can be at most ${CONTENT_MAX} characters long.`;
  return null;
}

export function typeProblem(type: unknown): string | null {
  if ((MESSAGE_TYPES as readonly unknown[]).includes(type)) return null;
  return `Message type must be one of: ${MESSAGE_TYPES.join(", ")}.`;
}

/** Text needs content; media needs a file or a link in the content; polls need a poll. */
export function bodyProblem(
  type: MessageType,
  content: unknown,
  hasFiles: boolean,
  poll: unknown,
): string | null {
  if (type === "poll") {
    return poll === undefined || poll === null
      ? "A poll message needs a poll."
      : contentProblem(content, false);
  }
  if (type === "text") return contentProblem(content, true);
  return contentProblem(content, !hasFiles);
}

export function deleteProblem(
  isAuthor: boolean,
  callerRole: Role,
  isRoomOwner: boolean,
): string | null {
  if (isAuthor || isRoomOwner || callerRole === "admin" || callerRole === "moderator") return null;
  return "Only the author, the room owner, moderators and admins can delete this message.";
}

/** `limit` query value → a page size within bounds (bad values fall back to the default). */
export function historyLimit(raw: string): number {
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) return HISTORY_DEFAULT;
  return Math.min(n, HISTORY_MAX);
}
