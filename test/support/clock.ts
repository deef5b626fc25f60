// The clock test servers start with (hooks-src/konvert/jsvm/clock.ts). By default, local time for
// test users (UTC unless a test sets a zone) is 12:00 of an ordinary day, so no test depends on
// when the suite runs: night_owl (02:00–05:00), new_year_miracle (January 1, 00:00–00:01) and
// the day boundary of streaks stay out of the way unless a test sets the time itself.
//
// KONVERT_TEST_TIME moves that default for a whole run (`.ci/run` runs the achievement tests at
// night and by day with it): `HH:MM[:SS]` or `MM-DDTHH:MM[:SS]`, always the next such moment
// (UTC), so the clock only ever runs ahead of real time. Ahead matters: PocketBase's API rules
// compare ban deadlines with `@now` (real time), and a clock behind real time would make a fresh
// one-hour ban look expired to them.

const DAY_MS = 86_400_000;

/** How far the clock of this file's test server runs ahead of real time (the last one started). */
let aheadMs = 0;
export function noteClockOffset(offsetMs: number): void {
  aheadMs = offsetMs;
}
export function clockAheadMs(): number {
  return aheadMs;
}

/** The next moment at or after `fromMs` (UTC) matching `spec` (`HH:MM[:SS]` or `MM-DDTHH:MM[:SS]`). */
export function nextClockAt(spec: string, fromMs: number): Date {
  const m = /^(?:(\d{2})-(\d{2})T)?(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(spec);
  if (!m) throw new Error(`Clock time must be HH:MM[:SS] or MM-DDTHH:MM[:SS], got ${spec}`);
  const [, month, day, hh, mm, ss] = m;
  const from = new Date(fromMs);
  for (let year = from.getUTCFullYear(); year <= from.getUTCFullYear() + 1; year++) {
    if (month !== undefined && day !== undefined) {
      const at = Date.UTC(
        year,
        Number(month) - 1,
        Number(day),
        Number(hh),
        Number(mm),
        Number(ss ?? 0),
      );
      if (at >= fromMs) return new Date(at);
      continue;
    }
    const today = Date.UTC(
      from.getUTCFullYear(),
      from.getUTCMonth(),
      from.getUTCDate(),
      Number(hh),
      Number(mm),
      Number(ss ?? 0),
    );
    return new Date(today >= fromMs ? today : today + DAY_MS);
  }
  throw new Error(`No date matches ${spec}`); // unreachable: every MM-DD recurs within a year
}

/** Noon of the next ordinary day: not December 31 or January 1 (new_year_miracle's edge). */
export function neutralClockAt(fromMs: number): Date {
  let at = nextClockAt("12:00", fromMs).getTime();
  while (/-(12-31|01-01)T/.test(new Date(at).toISOString())) at += DAY_MS;
  return new Date(at);
}

/** When a test server's clock starts: KONVERT_TEST_TIME's next moment, or neutralClockAt(). */
export function defaultClockAt(fromMs = Date.now()): Date {
  const spec = process.env["KONVERT_TEST_TIME"];
  return spec ? nextClockAt(spec, fromMs) : neutralClockAt(fromMs);
}

/** Sets a test server's clock to the next `spec` moment (nextClockAt) and returns it. */
export async function setClockTo(
  server: { setClock: (to: { at: Date }) => Promise<unknown> },
  spec: string,
): Promise<Date> {
  const at = nextClockAt(spec, Date.now());
  await server.setClock({ at });
  return at;
}
