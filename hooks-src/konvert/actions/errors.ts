// Domain errors of the actions: a stable code (rules/error-codes.ts), its HTTP status, the field
// it is about and a message. Actions throw them; the typed adapter answers them as PocketBase
// errors plus the code, the legacy adapter as the original app's Russian text for the code.
import { ERRORS, type ErrorCode, type Problem } from "../rules/error-codes.ts";

export class ActionError {
  /** A brand, so the check below does not depend on which VM's class made the error. */
  readonly konvertAction = true;
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly message: string,
    readonly field: string,
  ) {}
}

/** A message as PocketBase words its own errors: a capital first letter and a closing stop. */
function sentence(message: string): string {
  const text = message.trim();
  if (text === "") return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.?!]$/.test(capital) ? capital : capital + ".";
}

/** Throws the error of `code` (or of a rule's problem); `message`/`field` refine the defaults. */
export function fail(code: ErrorCode | Problem, message?: string, field?: string): never {
  const p = typeof code === "string" ? { code, message, field } : code;
  const entry = ERRORS[p.code];
  const text = sentence(p.message ?? entry.message);
  throw new ActionError(p.code, entry.status, text, p.field ?? entry.field);
}

/** Throws when a rule found a problem (rules return null when all is well). */
export function refuseIf(p: Problem | null): void {
  if (p !== null) fail(p);
}

/**
 * The action error `err` is, or null. An error thrown inside `runInTransaction` comes back to JS
 * as the same value: goja rethrows a JS exception that crossed Go unchanged.
 */
export function asActionError(err: unknown): ActionError | null {
  if (err instanceof ActionError) return err;
  const e = err as { konvertAction?: unknown } | null;
  return typeof e === "object" && e !== null && e.konvertAction === true
    ? (err as ActionError)
    : null;
}

/** The typed API's error body: PocketBase's `{status, message, data}` plus the code. */
export function typedErrorBody(err: ActionError): Record<string, unknown> {
  const data = err.field === "" ? {} : { [err.field]: { code: err.code, message: err.message } };
  return { status: err.status, message: err.message, code: err.code, data };
}
