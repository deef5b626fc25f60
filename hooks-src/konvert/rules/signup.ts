// Signup rules, shared by the server hook and the typed client (which checks before sending).

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
const USERNAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Returns a message a signup form can show, or null when the username is acceptable. */
export function usernameProblem(username: unknown): string | null {
  if (typeof username !== "string" || username.length === 0) return "Username is required.";
  if (username.length < USERNAME_MIN || username.length > USERNAME_MAX) {
    return `Username must be ${USERNAME_MIN}–${USERNAME_MAX} characters long.`;
  }
  if (!USERNAME_PATTERN.test(username)) {
    return "Username may contain only Latin letters, digits, '_' and '-'.";
  }
  return null;
}

/** Returns a message a signup form can show, or null when the password is acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== "string" || password.length === 0) return "Password is required.";
  if (password.length < PASSWORD_MIN) {
    return `Password must be at least ${PASSWORD_MIN} characters long.`;
  }
  return null;
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
