// Local wall-clock time in a user's time zone. goja has no Intl, so this goes through Go's time
// package (tzdata, with daylight saving time) via PocketBase's DateTime and Timezone bindings.

/** `YYYY-MM-DD HH:MM` of a PocketBase date in the IANA zone (empty or unknown zones are UTC). */
export function localTime(date: string, zone: string): string {
  // UTC (most users) is the stored text itself: no calls into Go on the send path.
  if ((zone === "" || zone === "UTC") && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(date)) {
    return date.slice(0, 16);
  }
  return new DateTime(date).time().in(new Timezone(zone)).format("2006-01-02 15:04");
}

/** The user's zone setting. */
export function zoneOf(user: core.Record): string {
  return user.getString("timezone");
}
