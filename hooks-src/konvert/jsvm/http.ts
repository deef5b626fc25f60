// Reading custom-route requests.

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
  if (typeof value !== "string" || value === "") {
    // PocketBase capitalises messages, so lead with a word that stays readable.
    throw new BadRequestError(`Missing ${field}.`, {
      [field]: new ValidationError("invalid_" + field, `Missing ${field}.`),
    });
  }
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

/** Bytes of `text` in UTF-8 (JS strings count UTF-16 units). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Answers with `value` as JSON and hands the answer to the client now, so work after this call
 * (realtime fan-out) does not hold the caller. The exact Content-Length is what lets the client
 * see the response as complete: without it the body is chunked and ends when the handler returns.
 * Returns false (nothing written) when the request asks for `?fields=`, which only e.json() honours.
 */
export function answerNow(e: core.RequestEvent, status: number, value: unknown): boolean {
  if (e.request!.url!.query().get("fields") !== "") return false;
  const body = JSON.stringify(value);
  const headers = e.response.header();
  headers.set("Content-Type", "application/json");
  headers.set("Content-Length", String(utf8Length(body)));
  e.blob(status, "application/json", body);
  e.flush();
  return true;
}
