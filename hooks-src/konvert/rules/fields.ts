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
