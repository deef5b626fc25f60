import { isRecordId } from "./fields.ts";

// Shapes of E2EE material the server stores without understanding: public keys and room keys
// wrapped for one member. Only sizes and alphabets are checked; the server never sees plaintext.

export const KEY_MAX = 8192;
const KEY_TEXT = /^[A-Za-z0-9+/=_\-.:,{}"\s]+$/;

export function publicKeyProblem(value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") return "A public key is required.";
  if (value.length > KEY_MAX) return `The public key must be at most ${KEY_MAX} characters.`;
  if (!KEY_TEXT.test(value)) return "The public key must be base64, PEM or JWK text.";
  return null;
}

/** `{ userId: wrappedKey }` with at least one entry. */
export function wrappedKeysProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "Wrapped keys must map member ids to keys.";
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "No wrapped keys were given.";
  for (const [userId, key] of entries) {
    if (!isRecordId(userId)) return `${JSON.stringify(userId)} is not a user id.`;
    if (
      typeof key !== "string" ||
      key.trim() === "" ||
      key.length > KEY_MAX ||
      !KEY_TEXT.test(key)
    ) {
      return `The wrapped key for ${userId} must be base64 text of at most ${KEY_MAX} characters.`;
    }
  }
  return null;
}
