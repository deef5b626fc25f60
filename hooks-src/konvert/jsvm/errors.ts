// Bad input the typed routes refuse without a capability-specific code: a 400 with the generic
// `input.invalid` code, the field and a message naming the problem. Everything else is refused
// with its own code through actions/errors.ts `fail`.
import { fail } from "../actions/errors.ts";

/** Throws a 400 whose message is shown to the user and whose data names the offending field. */
export function badRequest(field: string, message: string): never {
  return fail("input.invalid", message, field);
}

/** Throws a 400 naming the field when `problem` is a message (rules return null when all is well). */
export function refuse(field: string, problem: string | null): void {
  if (problem !== null) badRequest(field, problem);
}
