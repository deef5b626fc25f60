import { problem, type Problem } from "./error-codes.ts";
import { isRecordId } from "./fields.ts";

// Shapes of E2EE material the server stores without understanding: public keys and room keys
// wrapped for one member. Only sizes and alphabets are checked; the server never sees plaintext.

export const KEY_MAX = 8192;
const KEY_TEXT = /^[A-Za-z0-9+/=_\-.:,{}"\s]+$/;

export function publicKeyProblem(value: unknown): Problem | null {
  if (typeof value !== "string" || value.trim() === "") return problem("e2ee.public_key.required");
  if (value.length > KEY_MAX) {
    return problem(
      "e2ee.public_key.invalid",
      `The public key must be at most ${KEY_MAX} characters.`,
    );
  }
  if (!KEY_TEXT.test(value)) return problem("e2ee.public_key.invalid");
  return null;
}

/** `{ userId: wrappedKey }` with at least one entry. */
export function wrappedKeysProblem(value: unknown): Problem | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return problem("e2ee.keys.invalid");
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return problem("e2ee.keys.empty");
  for (const [userId, key] of entries) {
    if (!isRecordId(userId)) {
      return problem("e2ee.keys.invalid", `${JSON.stringify(userId)} is not a user id.`);
    }
    if (
      typeof key !== "string" ||
      key.trim() === "" ||
      key.length > KEY_MAX ||
      !KEY_TEXT.test(key)
    ) {
      return problem(
        "e2ee.keys.invalid",
        `The wrapped key for ${userId} must be base64 text of at most ${KEY_MAX} characters.`,
      );
    }
  }
  return null;
}
