// Calling /api/konvert routes as a given client, keeping the status and message of failures so a
// test can assert on exactly what a frontend would show.
import type PocketBase from "pocketbase";
import { clockAheadMs } from "./clock.ts";

export interface Failure {
  status: number;
  message: string;
}

export function api<T = unknown>(
  client: PocketBase,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return client.send<T>(`/api/konvert${path}`, {
    method,
    ...(body === undefined ? {} : { body }),
  });
}

/** The failure of a request that must fail; throws when it succeeds. */
export async function failure(request: Promise<unknown>): Promise<Failure> {
  try {
    await request;
  } catch (err) {
    // SDK errors carry the server's body in `response`; the typed client's KonvertError carries
    // the same message as its own.
    const e = err as { status: number; message?: string; response?: { message?: string } };
    return { status: e.status, message: e.response?.message ?? e.message ?? "" };
  }
  throw new Error("expected the request to fail, but it succeeded");
}

/** A date string PocketBase stores, `hours` from now (negative for the past). */
export function hoursFromNow(hours: number): string {
  // A future deadline counts from the test server's clock, which the hooks read; a past one from
  // real time, which PocketBase's API rules read (`@now`). The clock never runs behind real time,
  // so either lies on the same side of now for both (test/support/clock.ts).
  const from = hours > 0 ? Date.now() + clockAheadMs() : Date.now();
  return new Date(from + hours * 3_600_000).toISOString().replace("T", " ");
}
