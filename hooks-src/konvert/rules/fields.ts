// Request bodies are checked against an allow-list: PocketBase silently ignores unknown keys,
// which hides client bugs and lets a client believe it set a server-owned field.

/** Keys of `body` that are not in `allowed`, in body order. */
export function unexpectedFields(body: object, allowed: readonly string[]): string[] {
  return Object.keys(body).filter((key) => !allowed.includes(key));
}

/** A message a frontend can show for the first unexpected field, or null. */
export function unexpectedFieldsProblem(body: object, allowed: readonly string[]): string | null {
  const extra = unexpectedFields(body, allowed);
  if (extra.length === 0) return null;
  const list = extra.map((key) => `'${key}'`).join(", ");
  return `Unknown or read-only field${extra.length > 1 ? "s" : ""}: ${list}.`;
}

/** PocketBase record ids: 15 characters of a-z and 0-9. */
export const RECORD_ID = /^[a-z0-9]{15}$/;

export function isRecordId(value: unknown): value is string {
  return typeof value === "string" && RECORD_ID.test(value);
}

/**
 * The first of `fields` whose value in `body` is present but not text, or null. PocketBase turns
 * a number or boolean sent for a text field into its decimal text, so the hooks read the body as
 * sent (see jsvm/raw-body.ts) and refuse those here.
 */
export function nonTextField(
  body: Record<string, unknown>,
  fields: readonly string[],
): string | null {
  for (const field of fields) {
    if (field in body && typeof body[field] !== "string") return field;
  }
  return null;
}
