// Helpers the people modules share: loading users inside a transaction, responses, the log.
import { isOnline } from "../rules/presence.ts";
import { findActiveUser } from "./access.ts";
import { realNowMs } from "./clock.ts";
import { badRequest } from "./errors.ts";

/** The route's `{id}` user, or a 404 (deleted accounts count as missing). */
export function targetOf(e: core.RequestEvent, app: CoreApp = e.app): core.Record {
  return findActiveUser(app, e.request!.pathValue("id"));
}

/** Answers with a user as the caller may see it (the enrich hook applies visibility). */
export function userResponse(e: core.RequestEvent, user: core.Record): void {
  $apis.enrichRecord(e, user);
  e.json(200, user);
}

export function allowOnly(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).find((key) => !allowed.includes(key));
  if (extra !== undefined) badRequest(extra, `Unknown field: '${extra}'.`);
}

export function msOf(record: core.Record, field: string): number | null {
  const value = record.getDateTime(field);
  return value.isZero() ? null : value.unix() * 1000;
}

export function onlineNow(user: core.Record): boolean {
  // lastActiveAt is a real-time stamp: time since it is real time (jsvm/clock.ts)
  return isOnline(msOf(user, "lastActiveAt"), realNowMs());
}
