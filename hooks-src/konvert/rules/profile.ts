// What a user may change about themselves, and what other people may see of it.

export const DISPLAY_NAME_MAX = 64;
export const GENDER_MAX = 32;
export const INTERESTS_MAX = 500;
export const TIMEZONE_MAX = 64;
export const AGE_MIN = 13;
export const AGE_MAX = 150;
export const SEARCH_QUERY_MAX = 64;

/** Fields a user may send to the profile route; username, role and moderation state are not. */
export const PROFILE_FIELDS: readonly string[] = [
  "displayName",
  "gender",
  "age",
  "interests",
  "privacy",
  "timezone",
];

/** Privacy switches; each defaults to "shown" as in the original client. */
export const PRIVACY_FLAGS = ["showGender", "showAge", "showInterests", "showLastSeen"] as const;
export type PrivacyFlag = (typeof PRIVACY_FLAGS)[number];
export type Privacy = Partial<Record<PrivacyFlag, boolean>>;

/** The profile field each privacy switch governs. */
export const PRIVACY_FIELDS: Record<PrivacyFlag, readonly string[]> = {
  showGender: ["gender"],
  showAge: ["age"],
  showInterests: ["interests"],
  showLastSeen: ["lastActiveAt", "status"],
};

export type ProfileChanges = Record<string, string | number | Privacy>;

/** Length as PocketBase's text fields count it (code points, not UTF-16 units). */
function codePoints(value: string): number {
  return Array.from(value).length;
}

function textProblem(key: string, value: unknown, max: number): string | null {
  if (typeof value !== "string") return `${key} must be text.`;
  if (codePoints(value.trim()) > max) return `${key} must be at most ${max} characters long.`;
  return null;
}

/**
 * Validates a profile update. Returns the normalised changes, or the field and a message a
 * frontend can show.
 */
export function parseProfileUpdate(
  body: Record<string, unknown>,
): { changes: ProfileChanges; field: null; problem: null } | { field: string; problem: string } {
  if ("username" in body) return { field: "username", problem: "Username cannot be changed." };
  const unknown = Object.keys(body).find((key) => !PROFILE_FIELDS.includes(key));
  if (unknown !== undefined) {
    return { field: unknown, problem: `Unknown or read-only field: '${unknown}'.` };
  }
  const changes: ProfileChanges = {};
  const limits: Record<string, number> = {
    displayName: DISPLAY_NAME_MAX,
    gender: GENDER_MAX,
    interests: INTERESTS_MAX,
    timezone: TIMEZONE_MAX,
  };
  for (const [key, value] of Object.entries(body)) {
    const max = limits[key];
    if (max !== undefined) {
      const problem = textProblem(key, value, max);
      if (problem) return { field: key, problem };
      changes[key] = (value as string).trim();
    } else if (key === "age") {
      if (value === null || value === 0) changes[key] = 0;
      else if (typeof value !== "number" || !Number.isInteger(value) || value < AGE_MIN) {
        return { field: key, problem: `age must be a whole number from ${AGE_MIN} to ${AGE_MAX}.` };
      } else if (value > AGE_MAX) {
        return { field: key, problem: `age must be a whole number from ${AGE_MIN} to ${AGE_MAX}.` };
      } else changes[key] = value;
    } else if (key === "privacy") {
      const privacy = parsePrivacy(value);
      if (!privacy) {
        return {
          field: key,
          problem: `privacy must be an object of true/false flags: ${PRIVACY_FLAGS.join(", ")}.`,
        };
      }
      changes[key] = privacy;
    }
  }
  if (typeof changes["timezone"] === "string" && !timezoneLooksValid(changes["timezone"])) {
    return { field: "timezone", problem: "timezone must be an IANA name such as Europe/Moscow." };
  }
  return { changes, field: null, problem: null };
}

function parsePrivacy(value: unknown): Privacy | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const privacy: Privacy = {};
  for (const [key, flag] of Object.entries(value)) {
    if (!(PRIVACY_FLAGS as readonly string[]).includes(key) || typeof flag !== "boolean") {
      return null;
    }
    privacy[key as PrivacyFlag] = flag;
  }
  return privacy;
}

function timezoneLooksValid(zone: string): boolean {
  return zone === "" || zone === "UTC" || /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2}$/.test(zone);
}

/** Fields of another user's profile the privacy settings let a viewer see. */
export function fieldsHiddenByPrivacy(privacy: unknown): string[] {
  const settings = (typeof privacy === "object" && privacy !== null ? privacy : {}) as Privacy;
  return PRIVACY_FLAGS.filter((flag) => settings[flag] === false).flatMap(
    (flag) => PRIVACY_FIELDS[flag],
  );
}

/** Lowercased words of username and display name, each preceded by a space (prefix search). */
export function searchTextFor(username: string, displayName: string): string {
  const words = `${username} ${displayName}`
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
  return " " + words.join(" ");
}

/** A search query as a LIKE pattern matching a word prefix; null when the query is unusable. */
export function searchPattern(query: unknown): { pattern: string } | { problem: string } {
  if (typeof query !== "string" || query.trim() === "")
    return { problem: "Type something to search for." };
  const q = query.trim().toLowerCase();
  if (codePoints(q) > SEARCH_QUERY_MAX) {
    return { problem: `Search text must be at most ${SEARCH_QUERY_MAX} characters long.` };
  }
  const escaped = q.replace(/[\\%_]/g, (c) => "\\" + c);
  return { pattern: "% " + escaped + "%" };
}
