// Signup rules, shared by the server hook and the typed client (which checks before sending).
import { problem, type Problem } from "./error-codes.ts";

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
const USERNAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Why the username is not acceptable, or null. */
export function usernameCheck(username: unknown): Problem | null {
  if (typeof username !== "string" || username.length === 0) {
    return problem("signup.username.required");
  }
  if (username.length < USERNAME_MIN || username.length > USERNAME_MAX) {
    return problem(
      "signup.username.length",
      `Username must be ${USERNAME_MIN}–${USERNAME_MAX} characters long.`,
    );
  }
  if (!USERNAME_PATTERN.test(username)) return problem("signup.username.chars");
  return null;
}

/** Why the password is not acceptable, or null. */
export function passwordCheck(password: unknown): Problem | null {
  if (typeof password !== "string" || password.length === 0) {
    return problem("signup.password.required");
  }
  if (password.length < PASSWORD_MIN) {
    return problem(
      "signup.password.short",
      `Password must be at least ${PASSWORD_MIN} characters long.`,
    );
  }
  return null;
}

/** A message a signup form can show, or null when the username is acceptable. */
export function usernameProblem(username: unknown): string | null {
  return usernameCheck(username)?.message ?? null;
}

/** A message a signup form can show, or null when the password is acceptable. */
export function passwordProblem(password: unknown): string | null {
  return passwordCheck(password)?.message ?? null;
}

/** Fields a client may send when signing up; everything else is server-owned or unknown. */
export const SIGNUP_FIELDS: readonly string[] = [
  "email",
  "emailVisibility",
  "password",
  "passwordConfirm",
  "username",
  "displayName",
  "timezone",
];

/** Signup fields that must be sent as text (emailVisibility is the one boolean). */
export const SIGNUP_TEXT_FIELDS: readonly string[] = SIGNUP_FIELDS.filter(
  (f) => f !== "emailVisibility",
);
