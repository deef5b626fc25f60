// Owner setting `KONVERT_DECODE_SESSION_CONTENT` (on unless `off`): content the original client
// sealed with its app-wide constant key (spec §4.13) is stored as its plaintext, so mentions, room
// previews and search work on it. The key ships in every copy of the app, so the seal hides
// nothing from anyone; without decoding, the unchanged app's mentions notified nobody. With
// `off`, content stays exactly as sent. The unchanged client shows content that is no envelope
// as it is, so it reads the decoded text like before.
// PocketBase's `$security.decrypt` cannot take a raw 32-byte key from JS, hence @noble/ciphers
// (pure JS, bundled into konvert.js; BigInt and DataView's 64-bit setters, which goja has).
import type { gcm as Gcm } from "@noble/ciphers/aes.js";
import { decodedSessionContent } from "../rules/session-content.ts";

/**
 * @noble/ciphers computes its AES tables when it is loaded: about 0.1 s of CPU under goja,
 * which every JS VM would pay on its first hook call (and every throwaway VM PocketBase makes
 * when its pool is busy) if the bundle loaded it up front. Required here, on the first decode,
 * esbuild keeps it lazy.
 */
function nobleOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array): Uint8Array {
  const { gcm } = require("@noble/ciphers/aes.js") as { gcm: typeof Gcm };
  return gcm(key, iv).decrypt(sealed);
}

export function decodingSessionContent(): boolean {
  return $os.getenv("KONVERT_DECODE_SESSION_CONTENT") !== "off";
}

/** What to store for content the legacy client sent: decoded when on and it opens, else as is. */
export function storedContent(content: unknown): unknown {
  if (typeof content !== "string" || !decodingSessionContent()) return content;
  return decodedSessionContent(content, nobleOpen) ?? content;
}
