// Budgets PocketBase's limiter cannot express. Its rules count requests per IP and per route, so
// every door to the same action had its own budget (five ways to send a message; two sign-in
// routes, so alternating them doubled the guesses), and a lock-out per IP also locked out
// everyone behind the attacker's NAT. These count per user and per account, across every route
// that does the same thing. The counts live in the app store, which every VM shares.
//
// They follow PocketBase's switch: off while rate limits are disabled, and not applied to
// superusers or to the IPs in Settings → Rate limits → excluded IPs (tests send from 127.0.0.1).
import { ipMatches, sendLimitText, signInLimitText, type Budget } from "../rules/rate-limit.ts";

/** Messages a user may send, whatever the route: the records API's `*:create` budget. */
export const SEND: Budget = { limit: 60, windowMs: 10_000 };
/** Failed password sign-ins of one account before its password sign-in pauses. */
export const ACCOUNT_FAILURES: Budget = { limit: 10, windowMs: 15 * 60_000 };
/** Failed password sign-ins from one IP, whichever accounts: sized for an office behind a NAT. */
export const IP_FAILURES: Budget = { limit: 100, windowMs: 15 * 60_000 };

const keys = {
  send: (userId: string) => `rl:send:${userId}`,
  account: (userId: string) => `rl:signin:user:${userId}`,
  ip: (ip: string) => `rl:signin:ip:${ip}`,
};

/** Whether PocketBase's rate limits apply to this request at all. */
function limited(e: core.RequestEvent): boolean {
  const settings = e.app.settings().rateLimits;
  if (!settings.enabled || e.hasSuperuserAuth()) return false;
  const ip = e.realIP();
  return !Array.from(settings.excludedIPs).some((entry) => ipMatches(entry, ip));
}

/** The times still inside the window of the log at `key`. */
function recent(value: unknown, budget: Budget, now: number): number[] {
  return Array.from((value as unknown[] | null | undefined) ?? [])
    .map(Number)
    .filter((t) => t > now - budget.windowMs);
}

/**
 * Sliding window: takes one unit when the budget has room and answers 0; otherwise takes
 * nothing and answers how many ms until the oldest unit leaves the window.
 */
function take(app: CoreApp, key: string, budget: Budget): number {
  const now = Date.now();
  let waitMs = 0;
  app.store().setFunc(key, (old: unknown) => {
    const log = recent(old, budget, now);
    if (log.length >= budget.limit) {
      waitMs = log[0]! + budget.windowMs - now;
      return log;
    }
    log.push(now);
    return log;
  });
  return waitMs;
}

/** How many ms until the budget at `key` has room again (0: it has room now). Takes nothing. */
function waitFor(app: CoreApp, key: string, budget: Budget): number {
  const now = Date.now();
  const log = recent(app.store().get(key), budget, now);
  return log.length >= budget.limit ? log[0]! + budget.windowMs - now : 0;
}

function record(app: CoreApp, key: string, budget: Budget): void {
  const now = Date.now();
  app.store().setFunc(key, (old: unknown) => [...recent(old, budget, now), now]);
}

/** Charges one message to the sender's budget, shared by every send route; 429 when spent. */
export function chargeSend(e: core.RequestEvent, userId: string): void {
  if (!limited(e)) return;
  const waitMs = take(e.app, keys.send(userId), SEND);
  if (waitMs > 0) throw new TooManyRequestsError(sendLimitText(SEND, waitMs), null);
}

/**
 * Before a password is checked, on either sign-in route: 429 while the account (when the
 * identity names one) or the client's IP has used up its failures.
 */
export function signInAllowed(e: core.RequestEvent, userId: string | null): void {
  if (!limited(e)) return;
  const byAccount = userId === null ? 0 : waitFor(e.app, keys.account(userId), ACCOUNT_FAILURES);
  if (byAccount > 0) {
    throw new TooManyRequestsError(signInLimitText("account", byAccount), null);
  }
  const byIp = waitFor(e.app, keys.ip(e.realIP()), IP_FAILURES);
  if (byIp > 0) throw new TooManyRequestsError(signInLimitText("ip", byIp), null);
}

/** After a wrong password (or an unknown identity): one failure for the IP and the account. */
export function signInFailed(e: core.RequestEvent, userId: string | null): void {
  if (!limited(e)) return;
  record(e.app, keys.ip(e.realIP()), IP_FAILURES);
  if (userId !== null) record(e.app, keys.account(userId), ACCOUNT_FAILURES);
}

/** After a right password: the account's failures are forgiven (its owner got in). */
export function signInSucceeded(e: core.RequestEvent, userId: string): void {
  if (!limited(e)) return;
  e.app.store().remove(keys.account(userId));
}

/**
 * onRecordAuthWithPasswordRequest (users): the records API's sign-in spends the same budgets as
 * the legacy one. PocketBase's own check runs once, in `e.next()`, which throws on a wrong
 * password or an unknown identity.
 */
export function onPasswordSignIn(e: core.RecordAuthWithPasswordRequestEvent): void {
  const request = e as unknown as core.RequestEvent;
  const userId = e.record ? e.record.id : null;
  signInAllowed(request, userId);
  try {
    e.next();
  } catch (err) {
    if (statusOf(err) === 400) signInFailed(request, userId);
    throw err;
  }
  if (userId !== null) signInSucceeded(request, userId);
}

function statusOf(err: unknown): number {
  const e = err as { status?: unknown; value?: { status?: unknown } };
  return Number(e.status ?? e.value?.status ?? 0);
}
