// Owner setting `KONVERT_DECODE_SESSION_CONTENT=on`: content the original client sealed with its
// app-wide constant key (spec §4.13) is stored as its plaintext, so mentions, room previews and
// search work on it. Off by default: content then stays exactly as sent. The unchanged client
// shows content that is no envelope as it is, so it reads the decoded text like before.
import { decodedSessionContent } from "../rules/session-content.ts";

export function decodingSessionContent(): boolean {
  return $os.getenv("KONVERT_DECODE_SESSION_CONTENT") === "on";
}

/** What to store for content the legacy client sent: decoded when on and it opens, else as is. */
export function storedContent(content: unknown): unknown {
  if (typeof content !== "string" || !decodingSessionContent()) return content;
  return decodedSessionContent(content) ?? content;
}
