// What the original client stores as message content (spec §4.13): AES-GCM-256 under SHA-256 of
// a seed (the app-wide constant unless a test wants another key), WebCrypto's tag appended.
import { createCipheriv, createHash, randomBytes } from "node:crypto";

export const SESSION_SEED = "convert-chat-global-session-key-v1";

export function sessionKey(seed = SESSION_SEED): Buffer {
  return createHash("sha256").update(seed).digest();
}

export function sealSession(text: string, key = sessionKey(), iv = randomBytes(12)): string {
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({
    version: "v1",
    ciphertext: sealed.toString("base64"),
    iv: iv.toString("base64"),
  });
}
