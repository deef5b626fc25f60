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
