// Time helpers for moderation state that expires by itself.

/** True when a stored `…Until` date lies in the future (empty means "not set"). */
export function isActiveUntil(record: core.Record, field: string): boolean {
  const until = record.getDateTime(field);
  return !until.isZero() && until.unix() > Math.floor(Date.now() / 1000);
}
