// PocketBase hands record-create hooks a body already cast to the collection's field types (a
// number or boolean sent for a text field arrives as "5" / "true") and without hidden fields.
// Checks that need the body as the client sent it read it again here.
import { requestEventOf } from "./http.ts";

/**
 * The body as sent: the JSON body, or a multipart request's `@jsonPayload` (plain multipart
 * fields are text anyway). Null when there is nothing typed to read. Outside a real request (the
 * legacy routes call the hooks with a body they read themselves) that body is already as sent.
 */
export function bodyAsSent(e: core.RecordRequestEvent): Record<string, unknown> | null {
  // the legacy routes' stand-in event has no embedded request event
  const inner = requestEventOf(e) as core.RequestEvent | undefined;
  const request = inner?.request;
  if (!request) return e.requestInfo().body;
  const type = request.header.get("Content-Type").toLowerCase();
  let text = "";
  if (type.startsWith("multipart/")) text = request.formValue("@jsonPayload");
  else if (type === "" || type.startsWith("application/json")) text = toString(request.body, 0);
  if (text.trim() === "") return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null; // PocketBase read it already; what it could not read it has refused
  }
}
