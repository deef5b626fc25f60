import { isRecordId } from "./fields.ts";

// Mentions in plaintext: `@name` where name is a username (letters of any script, digits, '_' and
// '-'). The original matched up to the next space *and beyond*, swallowing following words; here
// a mention ends at the first character that cannot be part of a username, and trailing '-' or
// '.' (sentence punctuation) is not part of it.

export const SUMMONS = { admin: "admin", moder: "moderator" } as const;
export type Summon = (typeof SUMMONS)[keyof typeof SUMMONS];

const MENTION = /(^|[^\p{L}\p{N}_@-])@([\p{L}\p{N}_-]+)/gu;

/** Lower-cased usernames mentioned in `text`, each once, in order of appearance. */
export function mentionedNames(text: string): string[] {
  const names: string[] = [];
  if (!text.includes("@")) return names; // most messages: no regex run on the send path
  for (const match of text.matchAll(MENTION)) {
    const name = (match[2] ?? "").replace(/-+$/u, "").toLowerCase();
    if (name !== "" && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The staff roles summoned by `@admin` / `@moder`. */
export function summonedRoles(names: readonly string[]): Summon[] {
  const roles: Summon[] = [];
  for (const [word, role] of Object.entries(SUMMONS)) {
    if (names.includes(word)) roles.push(role);
  }
  return roles;
}

/** Explicit mention ids sent beside encrypted content: a list of distinct strings. */
export function mentionIdsProblem(ids: unknown): string | null {
  if (ids === undefined) return null;
  if (!Array.isArray(ids) || ids.some((id) => !isRecordId(id)) || ids.length > 50) {
    return "Mentions must be a list of at most 50 user ids.";
  }
  return null;
}
