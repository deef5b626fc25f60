// The one clock the rules read. In production it is the wall clock. A server started with
// KONVERT_TEST_CLOCK=1 runs it at an offset from real time, which tests set through a
// superuser-only route (absent otherwise), so no test depends on when it runs or sleeps to let
// time pass. The offset lives in the app store: every pooled VM sees the same clock.
//
// Two kinds of stored times, deliberately kept apart:
// - **Stamps of events** (PocketBase's `created`/`updated` autodates, and the `editedAt`,
//   `deletedAt`, `lastReadAt`, `readAt`, `unlockedAt`, `lastActiveAt` our hooks write) stay real
//   time: they are compared with each other (a read watermark against `created`, `deletedAt`
//   against `created` when achievements are recomputed) and SQLite or PocketBase sets most of
//   them, so stamping some with the clock would mix two time lines. Elapsed time since a stamp
//   (the speed and "oops" windows, nostalgia, online status) is therefore measured in real time:
//   realNowMs(). A stored stamp says when the event happened: recomputing achievements reads
//   the local hour and day of stored messages from `created` as it is (imported history has
//   real dates), while a live send asks the clock. So on a server whose clock was moved, a
//   recompute sees the messages sent meanwhile at their real time (tests do not mix the two).
// - **Deadlines** the rules decide (`bannedUntil`, `mutedUntil`, poll `closedAt`, refresh and
//   access token expiry) are clock times, computed from nowMs() and compared with nowMs().
//   PocketBase's API rules compare `bannedUntil` with `@now`, which is real time, so tests check
//   expiry by acting in the past (offset -2 h, ban for 1 h, offset back to 0: expired for the
//   rules and the hooks alike) rather than by moving the clock forward.

import { badRequest } from "./errors.ts";
import { fail } from "../actions/errors.ts";
import { bodyOf } from "./http.ts";

const OFFSET_KEY = "konvert.clock.offsetMs";

/** Whether this server's clock can be moved (read once per VM: the environment does not change). */
let adjustable: boolean | undefined;
export function clockAdjustable(): boolean {
  adjustable ??= $os.getenv("KONVERT_TEST_CLOCK") === "1";
  return adjustable;
}

/** Milliseconds the clock is ahead of real time (0 in production, without a call into Go). */
export function clockOffsetMs(): number {
  if (!clockAdjustable()) return 0;
  // one app-store read: the send path reads the clock (mute check, local time of the message)
  const kept: unknown = $app.store().get(OFFSET_KEY);
  return typeof kept === "number" && Number.isFinite(kept) ? kept : 0;
}

/** Now on the clock, in milliseconds since the epoch. */
export function nowMs(): number {
  return Date.now() + clockOffsetMs();
}

/** Now on the clock, in PocketBase's stored date format ("2026-01-02 03:04:05.678Z"). */
export function nowDate(): string {
  return pbDate(nowMs());
}

/** Real time, for elapsed time since a stored event stamp (see the file comment). */
export function realNowMs(): number {
  return Date.now();
}

/** Real time in PocketBase's format: the other side of a comparison with stored autodates. */
export function realNowDate(): string {
  return pbDate(Date.now());
}

function pbDate(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ");
}

/** True when a stored `…Until` date lies in the future (empty means "not set"). */
export function isActiveUntil(record: core.Record, field: string): boolean {
  // Stored dates are UTC text ("2026-01-02 03:04:05.678Z") and compare as text: one call into
  // Go instead of three, on checks every send makes.
  return isFuture(record.getString(field));
}

/** True for a stored deadline later than now on the clock ("" is never). */
export function isFuture(until: string): boolean {
  return until !== "" && until > nowDate();
}

function setOffset(offsetMs: number): void {
  $app.store().set(OFFSET_KEY, Math.round(offsetMs));
}

/**
 * The clock at start: KONVERT_TEST_CLOCK_AT (an ISO date the clock reads at start, then runs
 * from) or KONVERT_TEST_CLOCK_OFFSET_MS. Both apply only with KONVERT_TEST_CLOCK=1.
 */
export function initClock(): void {
  if (!clockAdjustable()) return;
  const at = $os.getenv("KONVERT_TEST_CLOCK_AT");
  const offset = $os.getenv("KONVERT_TEST_CLOCK_OFFSET_MS");
  if (at !== "") {
    const ms = Date.parse(at);
    if (!Number.isFinite(ms)) throw new Error(`KONVERT_TEST_CLOCK_AT is not a date: ${at}`);
    setOffset(ms - Date.now());
  } else if (offset !== "") {
    const ms = Number(offset);
    if (!Number.isFinite(ms))
      throw new Error(`KONVERT_TEST_CLOCK_OFFSET_MS is not a number: ${offset}`);
    setOffset(ms);
  }
}

/** GET /api/konvert/test/clock — the clock (404 unless KONVERT_TEST_CLOCK=1; superusers only). */
export function onGetClock(e: core.RequestEvent): void {
  guardClockRoute(e);
  e.json(200, clockState());
}

/**
 * POST /api/konvert/test/clock {offsetMs} | {at} — moves the clock: `at` sets it to that time
 * (it runs on from there), `offsetMs` sets its distance from real time (0 = real time).
 */
export function onSetClock(e: core.RequestEvent): void {
  guardClockRoute(e);
  const { at, offsetMs } = bodyOf(e);
  if (typeof at === "string" && offsetMs === undefined) {
    const ms = Date.parse(at);
    if (!Number.isFinite(ms)) badRequest("at", "Not a date.");
    setOffset(ms - Date.now());
  } else if (typeof offsetMs === "number" && Number.isFinite(offsetMs) && at === undefined) {
    setOffset(offsetMs);
  } else {
    badRequest("at", "Send either {at: ISO date} or {offsetMs: number}.");
  }
  e.json(200, clockState());
}

function guardClockRoute(e: core.RequestEvent): void {
  guardTestRoute(e);
}

/** The test routes (clock, realtime barrier): absent, not forbidden, on servers started without KONVERT_TEST_CLOCK=1. */
export function guardTestRoute(e: core.RequestEvent): void {
  if (!clockAdjustable()) fail("route.not_found");
  if (!e.hasSuperuserAuth()) fail("superuser.required", "Only superusers may use the test routes.");
}

function clockState(): { offsetMs: number; now: string } {
  const offsetMs = clockOffsetMs();
  return { offsetMs, now: new Date(Date.now() + offsetMs).toISOString() };
}

/** Now as ISO 8601 ("2026-01-02T03:04:05.678Z"). */
export function nowIso(): string {
  return new Date().toISOString();
}
