// Reading custom-route requests.
import { fail } from "../actions/errors.ts";

/** The parsed JSON (or form) body as a plain object. */
export function bodyOf(e: core.RequestEvent): Record<string, unknown> {
  return e.requestInfo().body;
}

/** A path parameter such as `{id}`; PocketBase's router guarantees it is present. */
export function pathParam(e: core.RequestEvent, name: string): string {
  return e.request!.pathValue(name);
}

/** A string field of the body; a 400 naming the field when it is missing or not a string. */
export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") fail("input.required", `Missing ${field}.`, field);
  return value;
}

/** An optional boolean field; anything but `true` counts as false. */
export function flag(body: Record<string, unknown>, field: string): boolean {
  return body[field] === true;
}

/**
 * The request event inside a record request event. `$apis.enrichRecord()` takes only the former,
 * and the JSVM does not convert one into the other (the embedded field is exposed by its name).
 */
export function requestEventOf(e: core.RecordRequestEvent): core.RequestEvent {
  return (e as unknown as { requestEvent: core.RequestEvent }).requestEvent;
}

/**
 * Answers with `value` as JSON and hands the answer to the client now, so work after this call
 * (realtime fan-out) does not hold the caller. The exact Content-Length is what lets the client
 * see the response as complete: without it the body is chunked and ends when the handler returns.
 * Returns the JSON written, or null (nothing written) when the request asks for `?fields=`, which
 * only e.json() honours.
 */
export function answerNow(e: core.RequestEvent, status: number, value: unknown): string | null {
  if (e.request!.url!.query().get("fields") !== "") return null;
  const body = JSON.stringify(value);
  answerTextNow(e, status, body);
  return body;
}

/** answerNow() for JSON already written out. */
export function answerTextNow(e: core.RequestEvent, status: number, body: string): void {
  const headers = e.response.header();
  headers.set("Content-Type", "application/json");
  // the bytes Go will write: the same string-to-bytes conversion as e.blob's, done in Go
  headers.set("Content-Length", String(toBytes(body).length));
  e.blob(status, "application/json", body);
  e.flush();
}
