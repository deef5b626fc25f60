// One error type for the frontend: `message` is always something a user can be shown.
import { ClientResponseError } from "pocketbase";

export class KonvertError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number,
    /** The offending field, when the server named one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "KonvertError";
  }
}

/** Runs an SDK call and turns its failures into KonvertError. */
export async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw toKonvertError(err);
  }
}

export function toKonvertError(err: unknown): KonvertError {
  if (err instanceof KonvertError) return err;
  if (err instanceof ClientResponseError) {
    const body = err.response as { message?: string; data?: Record<string, { message?: string }> };
    const [field, detail] = Object.entries(body.data ?? {})[0] ?? [];
    return new KonvertError(detail?.message ?? body.message ?? err.message, err.status, field);
  }
  return new KonvertError(err instanceof Error ? err.message : String(err), 0);
}
