// What a message may contain and who may change it.
import { problem, type Problem } from "./error-codes.ts";
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

export function contentProblem(content: unknown, required: boolean): Problem | null {
  if (content !== undefined && typeof content !== "string")
    return problem("message.content.invalid");
  const text = content ?? "";
  if (required && text.trim() === "") return problem("message.content.empty");
  const max = isEncryptedEnvelope(text) ? ENCRYPTED_CONTENT_MAX : CONTENT_MAX;
  if (text.length > max) {
    return problem(
      "message.content.invalid",
      `A message can be at most ${CONTENT_MAX} characters long.`,
    );
  }
  return null;
}

export function typeProblem(type: unknown): Problem | null {
  if ((MESSAGE_TYPES as readonly unknown[]).includes(type)) return null;
  return problem(
    "message.invalid",
    `Message type must be one of: ${MESSAGE_TYPES.join(", ")}.`,
    "type",
  );
}

/** Text needs content; media needs a file or a link in the content; polls need a poll. */
export function bodyProblem(
  type: MessageType,
  content: unknown,
  hasFiles: boolean,
  poll: unknown,
): Problem | null {
  if (type === "poll") {
    return poll === undefined || poll === null
      ? problem("poll.invalid", "A poll message needs a poll.")
      : contentProblem(content, false);
  }
  if (type === "text") return contentProblem(content, true);
  return contentProblem(content, !hasFiles);
}

export function deleteProblem(
  isAuthor: boolean,
  callerRole: Role,
  isRoomOwner: boolean,
): Problem | null {
  if (isAuthor || isRoomOwner || callerRole === "admin" || callerRole === "moderator") return null;
  return problem("message.delete.forbidden");
}

/** `limit` query value → a page size within bounds (bad values fall back to the default). */
export function historyLimit(raw: string): number {
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) return HISTORY_DEFAULT;
  return Math.min(n, HISTORY_MAX);
}
