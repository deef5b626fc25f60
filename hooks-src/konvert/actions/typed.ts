// The typed API's side of the action errors: every route of the library answers an action
// error as `{status, message, code, data}`; anything else goes on to PocketBase as before.
import { asActionError, typedErrorBody } from "./errors.ts";

type Handler = (...args: unknown[]) => unknown;

function isRequestEvent(value: unknown): value is core.RequestEvent {
  return typeof (value as { json?: unknown } | null)?.json === "function";
}

/** True inside a batch request: PocketBase must see the error to roll the batch back. */
function inBatch(e: core.RequestEvent): boolean {
  try {
    return e.requestInfo().context === "batch";
  } catch {
    return false;
  }
}

function answering(fn: Handler): Handler {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      const failure = asActionError(err);
      const e = args[0];
      if (failure === null || !isRequestEvent(e)) throw err;
      if (inBatch(e)) {
        // the batch answers `data.requests.<i>` with this error; the code rides in its data
        const key = failure.field === "" ? "code" : failure.field;
        throw new ApiError(failure.status, failure.message, {
          [key]: new ValidationError(failure.code, failure.message),
        });
      }
      e.json(failure.status, typedErrorBody(failure));
      return undefined;
    }
  };
}

/**
 * A module's functions, each answering action errors itself. main.pb.ts calls the library's
 * namespaces only, so wrapping them here covers every route without touching its one-liners.
 */
export function typedRoutes<T extends object>(module: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(module)) {
    wrapped[name] = typeof value === "function" ? answering(value as Handler) : value;
  }
  return wrapped as T;
}
