// The old client's "session encryption" (spec §4.13): AES-GCM-256 with one key for the whole app,
// SHA-256 of a constant seed from the client source, so the server can read it back. Decrypting
// on import makes search and mentions work on the imported history. Node's native AES here (a
// million messages); the envelope test and the key are the hooks' (rules/session-content.ts).
import { createDecipheriv } from "node:crypto";
import {
  parseSessionEnvelope,
  SESSION_KEY,
} from "../../hooks-src/konvert/rules/session-content.ts";

/** WebCrypto appends the 16-byte GCM tag to the ciphertext. */
const TAG_BYTES = 16;

export type Decrypted =
  | { state: "plain"; text: string }
  | { state: "decrypted"; text: string }
  | { state: "undecryptable"; text: string };

/**
 * Content the old client treated as encrypted (a JSON object with `ciphertext` or `version`) is
 * decrypted with the global key; anything else is plain. Content that looks encrypted but does
 * not decrypt (another key, damaged) is returned unchanged as "undecryptable".
 */
export function decryptSessionContent(content: string): Decrypted {
  const envelope = parseSessionEnvelope(content);
  if (!envelope) return { state: "plain", text: content };
  try {
    const iv = Buffer.from(envelope.iv, "base64");
    const sealed = Buffer.from(envelope.ciphertext, "base64");
    if (iv.length !== 12 || sealed.length < TAG_BYTES) throw new Error("malformed envelope");
    const decipher = createDecipheriv("aes-256-gcm", SESSION_KEY, iv);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return { state: "decrypted", text: plain.toString("utf8") };
  } catch {
    return { state: "undecryptable", text: content };
  }
}
