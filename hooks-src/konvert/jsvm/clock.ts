// Time helpers for moderation state that expires by itself.

/** True when a stored `…Until` date lies in the future (empty means "not set"). */
export function isActiveUntil(record: core.Record, field: string): boolean {
  // Stored dates are UTC text ("2026-01-02 03:04:05.678Z") and compare as text: one call into
  // Go instead of three, on checks every send makes.
  return isFuture(record.getString(field));
}

/** True for a stored date text later than now ("" is never). */
export function isFuture(until: string): boolean {
  return until !== "" && until > nowDate();
}

/** Now, in PocketBase's stored date format ("2026-01-02 03:04:05.678Z"). */
export function nowDate(): string {
  return new Date().toISOString().replace("T", " ");
}

/** Now as ISO 8601 ("2026-01-02T03:04:05.678Z"). */
export function nowIso(): string {
  return new Date().toISOString();
}
